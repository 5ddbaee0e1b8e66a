//! Who may talk to the sandbox at all.
//!
//! Binding loopback keeps other machines out, but not web pages in the user's browser, which can
//! send requests to 127.0.0.1 too: through DNS rebinding (the page's own name made to resolve to
//! 127.0.0.1, so the requests carry `Host: evil.example`, and the page may read the answers) or
//! as "simple" cross-site requests that need no preflight (a `text/plain` POST of JSON, which the
//! sandbox parses whatever the `Content-Type`; it carries the page's `Origin`).
//!
//! So a request is answered only when it is addressed to the listening address: its `Host` (one,
//! and required) and, in absolute form, its target's authority must be that `ip:port` or
//! `localhost:port` (any case). When it says where it comes from (`Origin`), that must be this
//! same origin, `http://ip:port` or `http://localhost:port`. Anything else is 403 `forbidden`
//! before every other check: it is not routed, its body is not read, it is not authenticated,
//! counted or throttled.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The address the sandbox listens on, and the `Host` and `Origin` values that name it.
#[derive(Debug, Clone)]
pub struct Listening {
    /// `127.0.0.1:PORT` or `[::1]:PORT`.
    authority: String,
    /// The accepted `Host` values, lower-case.
    hosts: Vec<String>,
    /// The accepted `Origin` values, lower-case.
    origins: Vec<String>,
}

impl Listening {
    /// The names of `addr`: its own `ip:port` and `localhost:port`, and the same without the port
    /// when it is 80 (the port a URL may leave out).
    pub fn new(addr: SocketAddr) -> Self {
        let authority = addr.to_string();
        let mut hosts = vec![authority.clone(), format!("localhost:{}", addr.port())];
        if addr.port() == 80 {
            let ip = match addr {
                SocketAddr::V4(v4) => v4.ip().to_string(),
                SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
            };
            hosts.extend([ip, "localhost".to_owned()]);
        }
        let hosts: Vec<String> = hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect();
        let origins = hosts.iter().map(|h| format!("http://{h}")).collect();
        Self {
            authority,
            hosts,
            origins,
        }
    }

    fn names(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Why `request` is refused, or `None` when it may be answered.
    fn refusal(&self, request: &Request) -> Option<ApiError> {
        let headers = request.headers();
        let addressed = only(headers, HOST).is_some_and(|host| self.names(host))
            && request
                .uri()
                .authority()
                .is_none_or(|target| self.names(target.as_str()));
        if !addressed {
            return Some(ApiError::refused(format!(
                "This sandbox only answers requests addressed to {}",
                self.authority
            )));
        }
        let from_here = headers.get_all(ORIGIN).iter().next().is_none()
            || only(headers, ORIGIN)
                .is_some_and(|origin| self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin)));
        if !from_here {
            return Some(ApiError::refused(format!(
                "This sandbox only answers requests from its own origin, http://{}, not from \
                 other web pages",
                self.authority
            )));
        }
        None
    }
}

/// The value of a header sent exactly once, as text.
fn only(headers: &HeaderMap, name: axum::http::HeaderName) -> Option<&str> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().ok(),
        _ => None,
    }
}

/// Middleware, outside everything but the request id: 403 for a request that is not addressed
/// to this sandbox or comes from another origin.
pub async fn check(
    State(listening): State<Arc<Listening>>,
    request: Request,
    next: Next,
) -> Response {
    match listening.refusal(&request) {
        Some(refusal) => {
            tracing::warn!(
                host = ?request.headers().get(HOST),
                origin = ?request.headers().get(ORIGIN),
                "refused a request not addressed to this sandbox"
            );
            refusal.into_response()
        }
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn refused(listening: &Listening, headers: &[(&str, &str)]) -> bool {
        let mut request = Request::builder().uri("/openapi.json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::empty()).expect("a request");
        listening.refusal(&request).is_some()
    }

    #[test]
    fn names_the_bound_address_and_localhost_on_its_port() {
        let v4 = Listening::new(SocketAddr::from(([127, 0, 0, 1], 4010)));
        for host in ["127.0.0.1:4010", "localhost:4010", "LOCALHOST:4010"] {
            assert!(!refused(&v4, &[("host", host)]), "{host} is ours");
        }
        for host in [
            "127.0.0.1",
            "127.0.0.1:4011",
            "localhost",
            "localhost.:4010",
            "127.0.0.2:4010",
            "[::1]:4010",
            "evil.example:4010",
            "",
        ] {
            assert!(refused(&v4, &[("host", host)]), "{host:?} is not ours");
        }
        assert!(refused(&v4, &[]), "no Host");
        assert!(
            refused(
                &v4,
                &[("host", "127.0.0.1:4010"), ("host", "127.0.0.1:4010")]
            ),
            "two Hosts"
        );
        let v6 = Listening::new("[::1]:4010".parse().expect("an address"));
        assert!(!refused(&v6, &[("host", "[::1]:4010")]));
        assert!(!refused(&v6, &[("host", "localhost:4010")]));
        assert!(refused(&v6, &[("host", "127.0.0.1:4010")]));
        let port_80 = Listening::new(SocketAddr::from(([127, 0, 0, 1], 80)));
        assert!(!refused(&port_80, &[("host", "127.0.0.1")]));
        assert!(!refused(&port_80, &[("host", "localhost:80")]));
    }

    #[test]
    fn an_origin_must_be_this_one_when_there_is_one() {
        let l = Listening::new(SocketAddr::from(([127, 0, 0, 1], 4010)));
        let host = ("host", "127.0.0.1:4010");
        for origin in ["http://127.0.0.1:4010", "http://localhost:4010"] {
            assert!(
                !refused(&l, &[host, ("origin", origin)]),
                "{origin} is ours"
            );
        }
        for origin in [
            "null",
            "https://127.0.0.1:4010",
            "http://127.0.0.1:4011",
            "http://evil.example:4010",
            "http://127.0.0.1:4010/",
            "",
        ] {
            assert!(
                refused(&l, &[host, ("origin", origin)]),
                "{origin:?} is not ours"
            );
        }
        assert!(
            refused(
                &l,
                &[
                    host,
                    ("origin", "http://127.0.0.1:4010"),
                    ("origin", "http://127.0.0.1:4010")
                ]
            ),
            "two Origins"
        );
    }

    #[test]
    fn an_absolute_target_must_name_this_sandbox_too() {
        let l = Listening::new(SocketAddr::from(([127, 0, 0, 1], 4010)));
        let request = |uri: &str| {
            Request::builder()
                .uri(uri)
                .header("host", "127.0.0.1:4010")
                .body(Body::empty())
                .expect("a request")
        };
        assert!(
            l.refusal(&request("http://127.0.0.1:4010/openapi.json"))
                .is_none()
        );
        assert!(
            l.refusal(&request("http://evil.example/openapi.json"))
                .is_some()
        );
    }
}

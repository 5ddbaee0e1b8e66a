//! Who may talk to the sandbox at all. It binds loopback, but a page in the user's browser can
//! still reach 127.0.0.1: through DNS rebinding (the page's own name made to resolve to
//! 127.0.0.1, so its `Host` is that name) or with a "simple" cross-site request such as a
//! `text/plain` POST (its `Origin` is the page's). Only requests addressed to the listening
//! address (`Host` = its `ip:port` or `localhost:port`) and, when there is an `Origin`, sent from
//! that same origin are answered; anything else is 403 `forbidden`, before every other check.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use portal_sandbox::{Config, REQUEST_ID_HEADER, Sandbox as Running, spawn};
use reqwest::header::{HOST, ORIGIN};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::*;

const ME: &str = "/api/partner/v1/me";
const SESSIONS: &str = "/api/portal/v1/sessions";
const OPENAPI: &str = "/openapi.json";

/// A sandbox on a free port, and a test key for the partner API.
async fn running() -> (Running, String) {
    let sandbox = spawn(Config {
        domains: 50,
        admin_password: Some(PASSWORD.to_owned()),
        ..Config::default()
    })
    .await
    .expect("sandbox starts");
    let base = sandbox.base_url();
    let client = reqwest::Client::new();
    let session: Value = client
        .post(format!("{base}{SESSIONS}"))
        .json(&json!({ "email": EMAIL, "password": PASSWORD }))
        .send()
        .await
        .expect("sign in")
        .json()
        .await
        .expect("session JSON");
    let token = session["data"]["token"].as_str().expect("session token");
    let created: Value = client
        .post(format!("{base}/api/portal/v1/api_keys"))
        .bearer_auth(token)
        .json(&json!({ "label": "addressing", "environment": "test", "permission_preset": "read" }))
        .send()
        .await
        .expect("create key")
        .json()
        .await
        .expect("key JSON");
    let key = created["data"]["secret"].as_str().expect("key secret");
    (sandbox, key.to_owned())
}

/// One request to each of the three entry points, with `headers` added: the partner API with a
/// valid key, a correct sign-in on the portal API, and the OpenAPI document.
async fn each_entry_point(
    sandbox: &Running,
    key: &str,
    headers: &[(reqwest::header::HeaderName, String)],
) -> Vec<(&'static str, reqwest::Response)> {
    let base = sandbox.base_url();
    let client = reqwest::Client::new();
    let with = |mut request: reqwest::RequestBuilder| {
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request
    };
    let me = with(client.get(format!("{base}{ME}")).bearer_auth(key));
    // A simple cross-site request: text/plain, which a page may send without a preflight.
    let sign_in = with(client.post(format!("{base}{SESSIONS}")))
        .header(header::CONTENT_TYPE.as_str(), "text/plain")
        .body(json!({ "email": EMAIL, "password": PASSWORD }).to_string());
    let openapi = with(client.get(format!("{base}{OPENAPI}")));
    let mut answers = Vec::new();
    for (name, request) in [
        ("GET /me", me),
        ("POST /sessions", sign_in),
        ("GET /openapi.json", openapi),
    ] {
        answers.push((name, request.send().await.expect("an answer over loopback")));
    }
    answers
}

/// Asserts a 403 `forbidden` envelope with a request id and a message naming the address.
async fn assert_refused(answer: reqwest::Response, port: u16, why: &str) {
    assert_eq!(answer.status(), 403, "{why}");
    assert!(
        answer.headers().contains_key(REQUEST_ID_HEADER),
        "{why}: a refusal carries Peeker-Request-Id like every answer"
    );
    let body: Value = answer.json().await.expect("a JSON envelope");
    assert_eq!(body["error"]["code"], "forbidden", "{why}: {body}");
    let message = body["error"]["message"].as_str().expect("a message");
    assert!(
        message.contains(&format!("127.0.0.1:{port}")),
        "{why}: the message says which address the sandbox answers: {message}"
    );
}

#[tokio::test]
async fn foreign_hosts_and_origins_are_refused_on_every_entry_point() {
    let (sandbox, key) = running().await;
    let port = sandbox.addr().port();
    let other = if port == 65535 { port - 1 } else { port + 1 };
    for (name, value, why) in [
        (HOST, format!("evil.example:{port}"), "a rebound name"),
        (
            HOST,
            "evil.example".to_owned(),
            "a rebound name without a port",
        ),
        (HOST, format!("127.0.0.1:{other}"), "another port"),
        (
            HOST,
            format!("localhost:{other}"),
            "localhost on another port",
        ),
        (
            HOST,
            format!("127.0.0.1.evil.example:{port}"),
            "a name that starts like ours",
        ),
        (ORIGIN, "https://evil.example".to_owned(), "a foreign page"),
        (
            ORIGIN,
            format!("http://evil.example:{port}"),
            "a rebound page",
        ),
        (
            ORIGIN,
            format!("http://127.0.0.1:{other}"),
            "a page on another local port",
        ),
        (
            ORIGIN,
            format!("https://127.0.0.1:{port}"),
            "another scheme",
        ),
        (
            ORIGIN,
            "null".to_owned(),
            "an opaque origin (sandboxed frame, file://)",
        ),
    ] {
        for (entry, answer) in
            each_entry_point(&sandbox, &key, &[(name.clone(), value.clone())]).await
        {
            assert_refused(
                answer,
                port,
                &format!("{entry} with {name}: {value} ({why})"),
            )
            .await;
        }
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn the_right_host_the_same_origin_or_no_origin_are_answered() {
    let (sandbox, key) = running().await;
    let port = sandbox.addr().port();
    let cases: [&[(reqwest::header::HeaderName, String)]; 5] = [
        &[],
        &[(HOST, format!("localhost:{port}"))],
        &[(HOST, format!("LocalHost:{port}"))],
        &[(ORIGIN, format!("http://127.0.0.1:{port}"))],
        &[
            (HOST, format!("localhost:{port}")),
            (ORIGIN, format!("http://localhost:{port}")),
        ],
    ];
    for headers in cases {
        for (entry, answer) in each_entry_point(&sandbox, &key, headers).await {
            let status = answer.status();
            let body = answer.text().await.expect("a body");
            assert!(
                status.is_success(),
                "{entry} with {headers:?} is ours: {status} {body}"
            );
        }
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn refused_sign_ins_do_not_count_towards_the_throttle() {
    let (sandbox, _) = running().await;
    let url = format!("{}{SESSIONS}", sandbox.base_url());
    let client = reqwest::Client::new();
    let wrong = json!({ "email": EMAIL, "password": "guess" }).to_string();
    for _ in 0..6 {
        let answer = client
            .post(&url)
            .header(ORIGIN, "https://evil.example")
            .body(wrong.clone())
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status(), 403, "a page's guesses are refused unread");
    }
    let answer = client
        .post(&url)
        .json(&json!({ "email": EMAIL, "password": PASSWORD }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        answer.status(),
        201,
        "the refused guesses neither counted as failures nor locked the admin out"
    );
    sandbox.stop().await;
}

/// Sends `request` as raw bytes and returns the status line and the body.
async fn raw(sandbox: &Running, request: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .expect("connects");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request sent");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("answer read");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.lines().next().unwrap_or_default().to_owned();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn a_request_without_host_is_refused() {
    let (sandbox, _) = running().await;
    for version in ["HTTP/1.1", "HTTP/1.0"] {
        let (status, body) = raw(
            &sandbox,
            &format!("GET {OPENAPI} {version}\r\nConnection: close\r\n\r\n"),
        )
        .await;
        let start: String = body.chars().take(200).collect();
        assert!(
            status.contains(" 403 "),
            "{version} without Host: {status} {start}"
        );
        let body: Value = serde_json::from_str(&body).expect("a JSON envelope");
        assert_eq!(body["error"]["code"], "forbidden", "{body}");
    }
    let port = sandbox.addr().port();
    let (status, _) = raw(
        &sandbox,
        &format!("GET {OPENAPI} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(
        status.contains(" 200 "),
        "the same request with its Host: {status}"
    );
    sandbox.stop().await;
}

// --- Through the router: the check comes before every other one (API.md §5's order) ---

/// `method uri` with a foreign `Host`, or with the test's own and a foreign `Origin`.
fn foreign(
    method: Method,
    uri: &str,
    origin: bool,
    bearer: Option<&str>,
    body: String,
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    builder = if origin {
        builder
            .header(header::HOST, AUTHORITY)
            .header(header::ORIGIN, "https://evil.example")
    } else {
        builder.header(header::HOST, "evil.example")
    };
    if let Some(token) = bearer {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder.body(Body::from(body)).expect("valid request")
}

#[tokio::test]
async fn the_address_is_checked_before_routes_methods_size_auth_and_the_rate_limit() {
    let s = sandbox();
    let spent = s.key("test", "read");
    for _ in 0..600 {
        let me = get(&s, ME, &spent.secret).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    }
    let oversized = json!({ "domains": ["a.com"], "pad": "a".repeat(70_000) }).to_string();
    for origin in [false, true] {
        for (method, uri, bearer, body, what) in [
            (
                Method::GET,
                "/api/partner/v1/nothing-here",
                None,
                String::new(),
                "an unknown route",
            ),
            (Method::PUT, ME, None, String::new(), "a wrong method"),
            (
                Method::POST,
                "/api/partner/v1/domains/availability",
                None,
                oversized.clone(),
                "a body over 64 KiB",
            ),
            (Method::GET, ME, None, String::new(), "no key"),
            (
                Method::GET,
                ME,
                Some(spent.secret.as_str()),
                String::new(),
                "a spent key",
            ),
            (
                Method::GET,
                OPENAPI,
                None,
                String::new(),
                "the OpenAPI document",
            ),
        ] {
            let answer = s
                .send_request(foreign(method, uri, origin, bearer, body))
                .await;
            let sent = if origin {
                "a foreign Origin"
            } else {
                "a foreign Host"
            };
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{what} with {sent}: {}",
                answer.body
            );
            assert_eq!(error_code(&answer), "forbidden", "{what} with {sent}");
        }
    }
}

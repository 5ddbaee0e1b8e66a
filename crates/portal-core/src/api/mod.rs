//! The HTTP client for the partner and portal APIs.
//!
//! [`Client`] owns one `reqwest` client (rustls, timeouts, a User-Agent naming the app version)
//! and turns every answer into either the envelope's `data` or an [`Error`], keeping the
//! `Peeker-Request-Id` with both. An answer that is not the API's envelope becomes
//! [`Error::NotAPartnerApi`], so pointing the app at the wrong address gives a clear message.
//!
//! Around each request: the client-side rate limiter ([`RateLimit`], per partner key), retries
//! where they are safe ([`Retry`], [`RetryPolicy`]) and the request log ([`Client::request_log`],
//! one entry per attempt). Lists come as a stream of pages ([`Client::pages`]).

mod answer;
mod call;
mod envelope;
mod limit;
mod paging;
pub mod partner;
pub mod portal;
mod request_log;
mod retry;

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::model::Timestamp;
use crate::server::ServerConfig;
use answer::{decode_data, not_a_partner_api, path_and_query, request_id_of, retry_after_header};
use envelope::ErrorEnvelope;
use limit::KeyLimiter;
use request_log::{Attempt, RequestLog};
use retry::Failure;

pub use call::{Call, MAX_ANSWER, MAX_PAGE_ANSWER, MAX_SMALL_ANSWER, Wait, WaitObserver};
pub use limit::{PARTNER_REQUESTS_PER_MINUTE, RateLimit};
pub use paging::{NextLink, Page, Progress};
pub use request_log::RequestLogEntry;
pub use retry::{Retry, RetryPolicy};

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "peeker-request-id";

/// A successful answer: the envelope's `data` and the request id.
#[derive(Debug)]
pub struct Reply<T> {
    /// The envelope's `data`.
    pub data: T,
    /// The server's `Peeker-Request-Id`.
    pub request_id: Option<String>,
}

/// How a [`Client`] sends: timeouts, retries, the client-side rate limit, the request log.
/// [`ClientOptions::new`] gives the values for use; tests shorten the waits.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// `User-Agent`, naming the app and its version, e.g. `partner-portal/0.1.0`.
    pub user_agent: String,
    /// A host that does not accept a connection within this is unreachable (default 5 s).
    pub connect_timeout: Duration,
    /// The longest one attempt may take, body included (default 20 s).
    pub request_timeout: Duration,
    /// How [`Retry::Safe`] calls are retried.
    pub retry: RetryPolicy,
    /// The budget per partner key; `None` sends without waiting (default
    /// [`RateLimit::partner_default`]).
    pub rate_limit: Option<RateLimit>,
    /// How many attempts the request log keeps (default 500).
    pub request_log_capacity: usize,
}

impl ClientOptions {
    /// The defaults, with `user_agent`.
    pub fn new(user_agent: &str) -> Self {
        Self {
            user_agent: user_agent.to_owned(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            retry: RetryPolicy::default(),
            rate_limit: Some(RateLimit::partner_default()),
            request_log_capacity: request_log::DEFAULT_CAPACITY,
        }
    }
}

/// The client for one server. Cheap to clone: the connection pool, the rate limiter's buckets
/// and the request log are shared by the clones.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    server: ServerConfig,
    connect_timeout: Duration,
    request_timeout: Duration,
    retry: RetryPolicy,
    limiter: Arc<KeyLimiter>,
    log: Arc<RequestLog>,
}

/// Turns a successful answer's body into a result.
type Decode<T> = fn(StatusCode, &[u8], Option<String>) -> Result<T>;

impl Client {
    /// A client for `server` with the default [`ClientOptions`]. `user_agent` names the app and
    /// its version, e.g. `partner-portal/0.1.0`.
    pub fn new(server: ServerConfig, user_agent: &str) -> Result<Self> {
        Self::with_options(server, ClientOptions::new(user_agent))
    }

    /// A client for `server` with `options`. Fails only if the TLS stack cannot be set up.
    pub fn with_options(server: ServerConfig, options: ClientOptions) -> Result<Self> {
        let mut http = reqwest::Client::builder()
            .user_agent(&options.user_agent)
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .redirect(reqwest::redirect::Policy::none());
        // Loopback traffic (the bundled sandbox) is plain HTTP with passwords, tokens and keys
        // in clear: `HTTP_PROXY` / `ALL_PROXY` must never see it. A proxy for a remote https
        // server stays allowed (it only sees the TLS tunnel).
        if server.is_loopback() {
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| Error::Internal(format!("could not set up HTTP: {e}")))?;
        Ok(Self {
            http,
            server,
            connect_timeout: options.connect_timeout,
            request_timeout: options.request_timeout,
            retry: options.retry,
            limiter: Arc::new(KeyLimiter::new(options.rate_limit)),
            log: Arc::new(RequestLog::new(options.request_log_capacity)),
        })
    }

    /// The server this client talks to.
    pub fn server(&self) -> &ServerConfig {
        &self.server
    }

    /// The client's own budget per partner key, in requests per minute (`None`: unlimited).
    pub fn rate_limit_per_minute(&self) -> Option<u32> {
        self.limiter.limit().map(|l| l.per_minute.get())
    }

    /// Every attempt this client (and its clones) sent, newest first, up to the log's capacity.
    pub fn request_log(&self) -> Vec<RequestLogEntry> {
        self.log.snapshot()
    }

    /// Empties the request log.
    pub fn clear_request_log(&self) {
        self.log.clear();
    }

    /// Sends `call` (with retries, if its policy allows them) and decodes `{"data": T}`.
    /// Errors: [`Error::Api`] for the API's error envelope, [`Error::NotAPartnerApi`] for any
    /// other answer, [`Error::Network`] / [`Error::Timeout`] when no answer came.
    pub async fn call<T: DeserializeOwned>(&self, call: Call) -> Result<Reply<T>> {
        self.send(&call, decode_data::<T>).await
    }

    /// Sends `call`, which answers `204 No Content` (or any 2xx) on success; returns the
    /// request id. Errors as for [`Client::call`].
    pub async fn call_empty(&self, call: Call) -> Result<Option<String>> {
        self.send(&call, |_, _, request_id| Ok(request_id)).await
    }

    /// Sends `call` as often as its retry policy allows, decoding a success with `decode`.
    async fn send<T>(&self, call: &Call, decode: Decode<T>) -> Result<T> {
        self.retry
            .run(call.retry, call.on_wait.as_ref(), |attempt| {
                self.attempt(call, attempt, decode)
            })
            .await
    }

    /// One attempt: waits for the rate limiter, sends, reads the answer, decodes it and writes
    /// the request log entry.
    async fn attempt<T>(&self, call: &Call, attempt: u32, decode: Decode<T>) -> Result<T, Failure> {
        let waited = self.limiter.until_ready(call.bearer.as_ref()).await;
        let started_at = Timestamp(OffsetDateTime::now_utc());
        let clock = Instant::now();
        let (status, request_id, result) = self.execute(call, decode).await;
        let entry = Attempt {
            started_at,
            method: call.method.to_string(),
            path: path_and_query(&call.url),
            status: status.map(|s| s.as_u16()),
            latency_ms: millis(clock.elapsed()),
            waited_ms: millis(waited),
            request_id,
            error: result.as_ref().err().map(|f| f.error.code()),
            attempt,
        };
        // Log files get the path without the query: filters may name a customer's email.
        let path = entry.path.split('?').next().unwrap_or_default();
        tracing::debug!(
            method = %entry.method, path, status = ?entry.status,
            latency_ms = entry.latency_ms, request_id = ?entry.request_id,
            error = ?entry.error, attempt, "request"
        );
        self.log.record(entry);
        result
    }

    /// Sends the request and reads the whole answer: the status and request id if an answer
    /// came, and the decoded success or the failure.
    async fn execute<T>(
        &self,
        call: &Call,
        decode: Decode<T>,
    ) -> (Option<StatusCode>, Option<String>, Result<T, Failure>) {
        let response = match self.request(call).send().await {
            Ok(response) => response,
            Err(e) => return (None, None, Err(self.transport_error(e))),
        };
        let status = response.status();
        let request_id = request_id_of(&response);
        let header_retry = retry_after_header(&response);
        let body = match read_capped(response, call.max_answer).await {
            Ok(body) => body,
            Err(Capped::Transport(e)) => {
                return (Some(status), request_id, Err(self.transport_error(e)));
            }
            Err(Capped::TooLarge) => {
                let error = self.too_large(call.max_answer, request_id.clone());
                return (Some(status), request_id, Err(Failure::last(error)));
            }
        };
        let result = if status.is_success() {
            decode(status, &body, request_id.clone()).map_err(Failure::last)
        } else {
            let error = match serde_json::from_slice::<ErrorEnvelope>(&body) {
                Ok(envelope) => envelope.into_error(status, header_retry, request_id.clone()),
                Err(_) => not_a_partner_api(status, &body, None, request_id.clone()),
            };
            Err(Failure {
                server_wait: error.retry_after_seconds().or(header_retry),
                transient: retry::transient_status(status),
                error,
            })
        };
        (Some(status), request_id, result)
    }

    fn request(&self, call: &Call) -> RequestBuilder {
        let mut builder = self.http.request(call.method.clone(), &call.url);
        if let Some(token) = &call.bearer {
            builder = builder.bearer_auth(token.expose());
        }
        if let Some(body) = &call.body {
            builder = builder.json(body);
        }
        builder
    }

    /// The answer was longer than the call reads: the server is not the API it claims to be.
    fn too_large(&self, limit: usize, request_id: Option<String>) -> Error {
        Error::NotAPartnerApi {
            reason: format!(
                "{} sent an answer larger than {} KiB, far more than this request needs; the \
                 app stopped reading it",
                self.server.host(),
                limit / 1024
            ),
            request_id,
        }
    }

    /// A failure with no (whole) answer: [`Error::Timeout`] or [`Error::Network`], transient
    /// unless the request could not even be built.
    fn transport_error(&self, error: reqwest::Error) -> Failure {
        let transient = retry::transient_transport(&error);
        let host = self.server.host();
        let error = if error.is_timeout() {
            let timeout = if error.is_connect() {
                self.connect_timeout
            } else {
                self.request_timeout
            };
            let seconds = timeout.as_secs_f64().ceil() as u64;
            Error::Timeout { host, seconds }
        } else {
            // The chain's innermost cause is the useful part ("Connection refused", "dns
            // error"). `without_url` keeps query strings out of the message.
            let error = error.without_url();
            let mut detail = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                detail = cause.to_string();
                source = cause.source();
            }
            Error::Network { host, detail }
        };
        Failure {
            error,
            transient,
            server_wait: None,
        }
    }
}

/// Why an answer's body could not be read.
enum Capped {
    Transport(reqwest::Error),
    TooLarge,
}

/// The body of `response`, read chunk by chunk and given up on as soon as it passes `limit`
/// bytes (or declares more in `Content-Length`), so an endless or huge answer costs at most
/// `limit` bytes of memory.
async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, Capped> {
    let declared = response.content_length().unwrap_or(0);
    if declared > limit as u64 {
        return Err(Capped::TooLarge);
    }
    // `declared <= limit`, a usize.
    let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(limit));
    while let Some(chunk) = response.chunk().await.map_err(Capped::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(Capped::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn millis(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}

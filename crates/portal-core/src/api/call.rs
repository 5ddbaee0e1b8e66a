//! [`Call`]: one request as the endpoint functions describe it.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;

use super::Retry;
use crate::error::ErrorCode;
use crate::secret::Secret;

/// A retry about to wait: what failed and for how long the next attempt is held back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// How long before the next attempt.
    pub delay: Duration,
    /// What the failed attempt got (`rate_limited` for a 429).
    pub code: ErrorCode,
    /// The failed attempt's request id, when an answer came.
    pub request_id: Option<String>,
}

/// Hears every wait between attempts of a call (e.g. to show "the server asked us to wait").
pub type WaitObserver = Arc<dyn Fn(&Wait) + Send + Sync>;

/// One request: what the endpoint functions hand to [`Client::call`](super::Client::call).
/// Its `Debug` shows the method, URL and retry policy only: the body may hold a password, the
/// bearer is a key.
pub struct Call {
    pub(super) method: Method,
    pub(super) url: String,
    pub(super) bearer: Option<Secret>,
    pub(super) body: Option<serde_json::Value>,
    pub(super) retry: Retry,
    pub(super) on_wait: Option<WaitObserver>,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Call {
    fn new(method: Method, url: String, retry: Retry) -> Self {
        Self {
            method,
            url,
            bearer: None,
            body: None,
            retry,
            on_wait: None,
        }
    }

    /// A GET (retried when that is safe).
    pub fn get(url: String) -> Self {
        Self::new(Method::GET, url, Retry::Safe)
    }

    /// A POST with a JSON body, attempted once unless [`Call::retry`] says otherwise.
    pub fn post(url: String, body: serde_json::Value) -> Self {
        Self {
            body: Some(body),
            ..Self::new(Method::POST, url, Retry::Never)
        }
    }

    /// A DELETE, attempted once unless [`Call::retry`] says otherwise.
    pub fn delete(url: String) -> Self {
        Self::new(Method::DELETE, url, Retry::Never)
    }

    /// Sends `Authorization: Bearer <token>`.
    pub fn bearer(mut self, token: &Secret) -> Self {
        self.bearer = Some(token.clone());
        self
    }

    /// Overrides the retry policy (e.g. [`Retry::Safe`] for the idempotent revoke).
    pub fn retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// Tells `observer` about every wait between attempts (and the calls that follow a list's
    /// `links.next` keep telling it).
    pub fn on_wait(mut self, observer: Option<WaitObserver>) -> Self {
        self.on_wait = observer;
        self
    }

    /// The URL this call goes to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A GET of `url` with this call's bearer and retry policy (the next page of a list).
    pub(super) fn follow(&self, url: String) -> Self {
        Self {
            method: Method::GET,
            url,
            bearer: self.bearer.clone(),
            body: None,
            retry: self.retry,
            on_wait: self.on_wait.clone(),
        }
    }
}

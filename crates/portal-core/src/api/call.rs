//! [`Call`]: one request as the endpoint functions describe it.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;

use super::Retry;
use super::paging::NextLink;
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
    pub(super) max_answer: usize,
}

/// The most bytes of an answer read for one object (a key, a domain, a job, an error).
pub const MAX_ANSWER: usize = 1024 * 1024;
/// The most bytes of an answer read for one page of a list (100 rows are ~50 KiB).
pub const MAX_PAGE_ANSWER: usize = 4 * 1024 * 1024;
/// The most bytes of an answer read for `GET /me` and sign-in (a few hundred bytes each).
pub const MAX_SMALL_ANSWER: usize = 64 * 1024;

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("retry", &self.retry)
            .field("max_answer", &self.max_answer)
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
            max_answer: MAX_ANSWER,
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

    /// Reads at most `bytes` of the answer (default [`MAX_ANSWER`]); a longer one fails with
    /// `not_a_partner_api` as soon as it goes over, without reading the rest.
    pub fn max_answer(mut self, bytes: usize) -> Self {
        self.max_answer = bytes;
        self
    }

    /// The URL this call goes to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A GET of the checked `next` link with `key`: where a list goes on after a failure.
    pub fn resume(next: &NextLink, key: &Secret) -> Self {
        Self::get(next.as_str().to_owned()).bearer(key)
    }

    /// A GET of the checked `next` link with this call's bearer and retry policy (the next page
    /// of a list).
    pub(super) fn follow(&self, next: NextLink) -> Self {
        Self {
            method: Method::GET,
            url: next.as_str().to_owned(),
            bearer: self.bearer.clone(),
            body: None,
            retry: self.retry,
            on_wait: self.on_wait.clone(),
            max_answer: self.max_answer,
        }
    }
}

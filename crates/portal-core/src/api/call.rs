//! [`Call`]: one request as the endpoint functions describe it.

use reqwest::Method;

use super::Retry;
use crate::secret::Secret;

/// One request: what the endpoint functions hand to [`Client::call`](super::Client::call).
/// Its `Debug` shows the method, URL and retry policy only: the body may hold a password, the
/// bearer is a key.
pub struct Call {
    pub(super) method: Method,
    pub(super) url: String,
    pub(super) bearer: Option<Secret>,
    pub(super) body: Option<serde_json::Value>,
    pub(super) retry: Retry,
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
        }
    }
}

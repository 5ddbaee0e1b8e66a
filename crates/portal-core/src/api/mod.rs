//! The HTTP client for the partner and portal APIs.
//!
//! [`Client`] owns one `reqwest` client (rustls, timeouts, a User-Agent naming the app version)
//! and turns every answer into either the envelope's `data` or an [`Error`], keeping the
//! `Peeker-Request-Id` with both. An answer that is not the API's envelope becomes
//! [`Error::NotAPartnerApi`], so pointing the app at the wrong address gives a clear message.

mod envelope;
pub mod portal;

use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::server::ServerConfig;
use envelope::{DataEnvelope, ErrorEnvelope};

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "peeker-request-id";

/// Connect timeout: a host that does not accept a connection within this is "unreachable".
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Whole-request timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A successful answer: the envelope's `data` and the request id.
#[derive(Debug)]
pub struct Reply<T> {
    /// The envelope's `data`.
    pub data: T,
    /// The server's `Peeker-Request-Id`.
    pub request_id: Option<String>,
}

/// The client for one server. Cheap to clone (the connection pool is shared).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    server: ServerConfig,
}

impl Client {
    /// A client for `server`. `user_agent` names the app and its version, e.g.
    /// `partner-portal/0.1.0`.
    pub fn new(server: ServerConfig, user_agent: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Internal(format!("could not set up HTTP: {e}")))?;
        Ok(Self { http, server })
    }

    /// The server this client talks to.
    pub fn server(&self) -> &ServerConfig {
        &self.server
    }

    fn request(&self, method: Method, url: String, bearer: Option<&Secret>) -> RequestBuilder {
        let builder = self.http.request(method, url);
        match bearer {
            Some(token) => builder.bearer_auth(token.expose()),
            None => builder,
        }
    }

    /// Sends a request and decodes `{"data": T}`.
    async fn send<T: DeserializeOwned>(&self, builder: RequestBuilder) -> Result<Reply<T>> {
        let response = self.execute(builder).await?;
        let request_id = request_id_of(&response);
        let status = response.status();
        let body = self.body(response).await?;
        match serde_json::from_slice::<DataEnvelope<T>>(&body) {
            Ok(envelope) => Ok(Reply {
                data: envelope.data,
                request_id,
            }),
            Err(e) => Err(not_a_partner_api(status, &body, Some(e), request_id)),
        }
    }

    /// Sends a request that answers `204 No Content` on success.
    async fn send_empty(&self, builder: RequestBuilder) -> Result<Option<String>> {
        let response = self.execute(builder).await?;
        Ok(request_id_of(&response))
    }

    /// Sends the request; any non-2xx answer becomes an error.
    async fn execute(&self, builder: RequestBuilder) -> Result<Response> {
        let response = builder.send().await.map_err(|e| self.transport_error(e))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let request_id = request_id_of(&response);
        let status = response.status();
        let header_retry = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u32>().ok());
        let body = self.body(response).await?;
        let Ok(envelope) = serde_json::from_slice::<ErrorEnvelope>(&body) else {
            return Err(not_a_partner_api(status, &body, None, request_id));
        };
        Err(envelope.into_error(status, header_retry, request_id))
    }

    async fn body(&self, response: Response) -> Result<Vec<u8>> {
        response
            .bytes()
            .await
            .map(|b| b.to_vec())
            .map_err(|e| self.transport_error(e))
    }

    fn transport_error(&self, error: reqwest::Error) -> Error {
        let host = self.server.host();
        if error.is_timeout() {
            let seconds = if error.is_connect() {
                CONNECT_TIMEOUT
            } else {
                REQUEST_TIMEOUT
            }
            .as_secs();
            return Error::Timeout { host, seconds };
        }
        // The chain's innermost cause is the useful part ("Connection refused", "dns error").
        // `without_url` keeps query strings out of the message.
        let error = error.without_url();
        let mut detail = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            detail = cause.to_string();
            source = cause.source();
        }
        Error::Network { host, detail }
    }
}

fn request_id_of(response: &Response) -> Option<String> {
    response
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn not_a_partner_api(
    status: StatusCode,
    body: &[u8],
    decode_error: Option<serde_json::Error>,
    request_id: Option<String>,
) -> Error {
    let looks_like_html = body.iter().take(512).any(|b| *b == b'<');
    let what = if body.is_empty() {
        "an empty body".to_owned()
    } else if looks_like_html {
        "a web page".to_owned()
    } else if serde_json::from_slice::<serde_json::Value>(body).is_ok() {
        match decode_error {
            Some(e) => format!("JSON of another shape ({e})"),
            None => "JSON without the API's error envelope".to_owned(),
        }
    } else {
        "something that is not JSON".to_owned()
    };
    Error::NotAPartnerApi {
        reason: format!(
            "The server answered HTTP {} with {what}, not the partner API's format",
            status.as_u16()
        ),
        request_id,
    }
}

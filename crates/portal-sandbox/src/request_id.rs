//! `Peeker-Request-Id: req_<ULID>` on every response, errors and unknown routes included.
//!
//! The id is generated here (never taken from the client) and put into the request's extensions,
//! so handlers can record it in audit events.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The response header.
pub const HEADER: &str = "peeker-request-id";

/// The current request's id, in the request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Middleware: assigns the id and sets the header on whatever the inner service answered.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = format!("req_{}", ulid::Ulid::new());
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

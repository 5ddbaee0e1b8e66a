//! Request extractors that answer in the API's envelope.
//!
//! [`JsonBody`] reads the body as JSON whatever the `Content-Type` says (so `curl -d` works),
//! treats an empty body as `{}`, and names the field at fault for every decoding error
//! (API.md §5: `body` for unparseable JSON or a non-object; the field's dotted path for a
//! missing, unknown or wrongly typed one; the list's name for a bad element).
//!
//! [`measure_body`] and [`check_size`] answer 413 for a body over [`MAX_BODY_BYTES`], however it
//! is framed, before authentication; [`PathId`] reads an object's id from the path.

use axum::body::Body;
use axum::body::HttpBody as _;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Set on a request whose body, sent without a `Content-Length`, went over [`MAX_BODY_BYTES`].
#[derive(Debug, Clone, Copy)]
struct BodyTooLarge;

/// Reads a body sent without a `Content-Length` (chunked) up to [`MAX_BODY_BYTES`], so that
/// [`check_size`] can answer for it as for a declared length. Runs before routing but answers
/// nothing itself (except for a body that breaks off), so 404 and 405 still come first.
pub async fn measure_body(request: Request, next: Next) -> Response {
    let empty = request.body().size_hint().exact() == Some(0);
    if empty || request.headers().contains_key(CONTENT_LENGTH) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Body::from(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            parts.extensions.insert(BodyTooLarge);
            Body::empty()
        }
        Err(_) => {
            return ApiError::invalid("body", "The request body could not be read").into_response();
        }
    };
    next.run(Request::from_parts(parts, body)).await
}

/// 413 when the body is over [`MAX_BODY_BYTES`], declared or measured. The authentication
/// extractors call it first, so it answers before 401 (API.md §5's order).
pub fn check_size(headers: &HeaderMap, extensions: &Extensions) -> Result<(), ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = declared.is_some_and(|n| n > MAX_BODY_BYTES as u64)
        || extensions.get::<BodyTooLarge>().is_some();
    if too_large {
        Err(ApiError::payload_too_large())
    } else {
        Ok(())
    }
}

/// The `{id}` of a path. An id that is not UTF-8 once percent-decoded cannot name any object,
/// so it is handed on as an empty id, which the handler answers with its own 404.
#[derive(Debug)]
pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(PathId(id)),
            Err(PathRejection::FailedToDeserializePathParams(error))
                if matches!(error.kind(), ErrorKind::InvalidUtf8InPathParam { .. }) =>
            {
                Ok(PathId(String::new()))
            }
            Err(other) => Err(ApiError::internal(format!("path: {other}"))),
        }
    }
}

/// A JSON body decoded into `T` (which should use `#[serde(deny_unknown_fields)]`).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        check_size(req.headers(), req.extensions())?;
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large()
            } else {
                ApiError::invalid("body", "The request body could not be read")
            }
        })?;
        decode(&bytes).map(JsonBody)
    }
}

/// Decodes a body per the rules above.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(serde_json::Map::new())
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| ApiError::invalid("body", "The request body is not valid UTF-8"))?;
        serde_json::from_str(text)
            .map_err(|_| ApiError::invalid("body", "The request body is not valid JSON"))?
    };
    if !value.is_object() {
        return Err(ApiError::invalid(
            "body",
            "The request body must be a JSON object",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let message = inner.to_string();
        let field = field_from(&path, &message);
        ApiError::invalid(field, first_sentence(&message))
    })
}

/// The dotted field name for a decoding error. The path already ends at an unknown or wrongly
/// typed field; a missing field is reported at its parent's path with the name in backticks.
/// List elements appear as `[n]` and name the list.
fn field_from(path: &str, message: &str) -> String {
    let mut segments: Vec<String> = path
        .split('.')
        .filter(|s| !s.is_empty() && *s != "?")
        .map(|s| s.split('[').next().unwrap_or(s).to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    if let Some(name) = missing {
        segments.push(name.to_owned());
    }
    if segments.is_empty() {
        "body".to_owned()
    } else {
        segments.join(".")
    }
}

fn first_sentence(message: &str) -> String {
    let trimmed = message.split(" at line ").next().unwrap_or(message);
    let mut text = trimmed.replace('`', "'");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Scope {
        user_id: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        label: String,
        #[serde(default)]
        scope: Option<Scope>,
        #[serde(default)]
        domains: Vec<String>,
    }

    fn field_of(json: &str) -> String {
        let error = decode::<Body>(json.as_bytes()).expect_err("must be refused");
        assert_eq!(error.code(), "invalid_request");
        error.field().unwrap_or_default().to_owned()
    }

    #[test]
    fn names_the_field_at_fault() {
        assert_eq!(field_of("{"), "body");
        assert_eq!(field_of("[1]"), "body");
        assert_eq!(field_of("{}"), "label");
        assert_eq!(field_of(r#"{"label": 3}"#), "label");
        assert_eq!(field_of(r#"{"label": "a", "colour": 1}"#), "colour");
        assert_eq!(field_of(r#"{"label": "a", "scope": {}}"#), "scope.user_id");
        assert_eq!(
            field_of(r#"{"label": "a", "scope": {"user_id": 1}}"#),
            "scope.user_id"
        );
        assert_eq!(
            field_of(r#"{"label": "a", "domains": ["x", 2]}"#),
            "domains"
        );
    }

    #[test]
    fn empty_body_means_empty_object_and_bad_utf8_is_body() {
        assert_eq!(
            field_of("  "),
            "label",
            "an empty body is {{}}, so label is missing"
        );
        let error = decode::<Body>(&[0x7b, 0xff, 0x7d]).expect_err("invalid UTF-8");
        assert_eq!(error.field(), Some("body"));
    }
}

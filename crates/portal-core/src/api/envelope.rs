//! The API's envelopes (API.md §1): `{"data": …}` and `{"error": {code, message, field?, details?}}`.

use reqwest::StatusCode;
use serde::Deserialize;

use crate::error::{Error, ErrorCode};

#[derive(Deserialize)]
pub(super) struct DataEnvelope<T> {
    pub data: T,
}

#[derive(Deserialize)]
pub(super) struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    details: Option<serde_json::Value>,
}

impl ErrorEnvelope {
    /// Maps the envelope to an [`Error::Api`]. Unknown codes fall back on the HTTP status, so a
    /// newer server cannot break the client.
    pub fn into_error(
        self,
        status: StatusCode,
        header_retry: Option<u32>,
        request_id: Option<String>,
    ) -> Error {
        let body = self.error;
        let code = match body.code.as_str() {
            "invalid_request" => ErrorCode::InvalidRequest,
            "unauthorized" => ErrorCode::Unauthorized,
            "forbidden" => ErrorCode::Forbidden,
            "not_found" => ErrorCode::NotFound,
            "conflict" => ErrorCode::Conflict,
            "rate_limited" => ErrorCode::RateLimited,
            _ => code_for_status(status),
        };
        let retry_after_seconds = body
            .details
            .as_ref()
            .and_then(|d| d.get("retry_after_seconds"))
            .and_then(serde_json::Value::as_u64)
            .and_then(|s| u32::try_from(s).ok())
            .or(header_retry)
            .filter(|_| code == ErrorCode::RateLimited);
        Error::Api {
            code,
            status: status.as_u16(),
            message: body.message,
            field: body.field,
            retry_after_seconds,
            request_id,
        }
    }
}

fn code_for_status(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        400 | 422 => ErrorCode::InvalidRequest,
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 | 410 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        429 => ErrorCode::RateLimited,
        _ => ErrorCode::Server,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str, status: u16, header_retry: Option<u32>) -> Error {
        let envelope: ErrorEnvelope = serde_json::from_str(json).expect("valid envelope");
        envelope.into_error(
            StatusCode::from_u16(status).expect("valid status"),
            header_retry,
            Some("req_X".into()),
        )
    }

    #[test]
    fn rate_limit_reads_retry_after_from_details_or_header() {
        let from_details = parse(
            r#"{"error":{"code":"rate_limited","message":"Slow down","details":{"retry_after_seconds":3}}}"#,
            429,
            Some(9),
        );
        assert_eq!(from_details.retry_after_seconds(), Some(3));
        let from_header = parse(
            r#"{"error":{"code":"rate_limited","message":"Slow down"}}"#,
            429,
            Some(9),
        );
        assert_eq!(from_header.retry_after_seconds(), Some(9));
    }

    #[test]
    fn unknown_codes_fall_back_on_the_status_and_fields_survive() {
        let e = parse(r#"{"error":{"code":"teapot","message":"no"}}"#, 503, None);
        assert_eq!(e.code(), ErrorCode::Server);
        let e = parse(
            r#"{"error":{"code":"invalid_request","message":"bad","field":"email"}}"#,
            400,
            None,
        );
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::InvalidRequest, Some("email"))
        );
        assert_eq!(e.request_id(), Some("req_X"));
    }
}

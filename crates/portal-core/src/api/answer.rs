//! Reading answers: the `data` envelope, the request id, `Retry-After`, and the message for an
//! answer that is not the API's.

use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;

use super::envelope::DataEnvelope;
use super::{REQUEST_ID_HEADER, Reply};
use crate::error::{Error, Result};

pub(super) fn decode_data<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
    request_id: Option<String>,
) -> Result<Reply<T>> {
    match serde_json::from_slice::<DataEnvelope<T>>(body) {
        Ok(envelope) => Ok(Reply {
            data: envelope.data,
            request_id,
        }),
        Err(e) => Err(not_a_partner_api(status, body, Some(e), request_id)),
    }
}

pub(super) fn request_id_of(response: &Response) -> Option<String> {
    response
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `Retry-After` in whole seconds (the HTTP-date form is not used by the API).
pub(super) fn retry_after_header(response: &Response) -> Option<u32> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok())
}

/// The path and query of `url`, for the request log (no scheme, host or fragment).
pub(super) fn path_and_query(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        Err(_) => String::from("(unreadable URL)"),
    }
}

pub(super) fn not_a_partner_api(
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
            Some(e) => format!("JSON of another shape ({})", unquoted(&e.to_string())),
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

/// `text` with every double-quoted string replaced by `"…"`: serde's messages quote the value
/// they could not use, and a value from an answer must not reach a message (it could be a key).
fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '"' {
            out.push_str("…\"");
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    _ => {}
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_messages_never_quote_the_answer() {
        assert_eq!(
            unquoted(r#"invalid type: string "pk_test_\"x", expected u32 at line 1"#),
            r#"invalid type: string "…", expected u32 at line 1"#
        );
        assert_eq!(unquoted("missing field `links`"), "missing field `links`");
    }

    #[test]
    fn the_log_keeps_path_and_query_only() {
        assert_eq!(
            path_and_query("https://u:p@api.example.com/api/partner/v1/domains?per_page=2#f"),
            "/api/partner/v1/domains?per_page=2"
        );
        assert_eq!(path_and_query("http://127.0.0.1:4010/x"), "/x");
    }
}

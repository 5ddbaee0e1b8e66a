//! Errors: one enum for every failure, a closed set of codes the UI branches on, and the shape
//! errors take across IPC.
//!
//! The rule (after GitButler's): a new [`ErrorCode`] is added only when the UI acts differently
//! on it. Messages are for people; code never matches on them. No variant ever holds a secret.

use serde::Serialize;

/// What the UI branches on. Serialized in `snake_case`; the TypeScript union is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Wrong credentials or a key the server does not accept (401 at sign-in or on a key).
    Unauthorized,
    /// The portal session ended (expired or signed out elsewhere): sign in again.
    SessionExpired,
    /// The key's preset or the admin's role does not allow the action (403).
    Forbidden,
    /// The object does not exist for this account (404).
    NotFound,
    /// The input was refused, by us or by the server; `field` names the input at fault.
    InvalidRequest,
    /// The request clashes with the current state (409), e.g. too many active keys.
    Conflict,
    /// Too many requests; `retry_after_seconds` says when to try again.
    RateLimited,
    /// The server could not be reached (DNS, refused connection, TLS, reset).
    Network,
    /// The server did not answer in time.
    Timeout,
    /// The server failed (5xx) or answered something this client does not support.
    Server,
    /// The address answers, but not as a partner API (no envelope, HTML, wrong paths).
    NotAPartnerApi,
    /// The OS keyring is locked.
    KeyringLocked,
    /// This computer does not hold the key's secret (the UI offers to paste it).
    SecretNotStored,
    /// The app is locked after being idle: secrets stay hidden until the admin's password is
    /// entered again.
    Locked,
    /// No OS keyring is available, or it refused access.
    KeyringUnavailable,
    /// A bug or an unexpected local failure.
    Internal,
}

impl ErrorCode {
    /// The code as it crosses IPC (`rate_limited`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::Conflict => "conflict",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Server => "server",
            ErrorCode::NotAPartnerApi => "not_a_partner_api",
            ErrorCode::KeyringLocked => "keyring_locked",
            ErrorCode::SecretNotStored => "secret_not_stored",
            ErrorCode::Locked => "locked",
            ErrorCode::KeyringUnavailable => "keyring_unavailable",
            ErrorCode::Internal => "internal",
        }
    }
}

/// Every failure core can report. `Display` is the plain message shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with an error envelope.
    #[error("{message}")]
    Api {
        /// The code the UI branches on, derived from the envelope's `code` and the status.
        code: ErrorCode,
        /// The HTTP status.
        status: u16,
        /// The server's message.
        message: String,
        /// The input at fault, when the server named one.
        field: Option<String>,
        /// Seconds until a retry can succeed (429).
        retry_after_seconds: Option<u32>,
        /// The server's `Peeker-Request-Id`.
        request_id: Option<String>,
    },
    /// Input refused before any request was sent.
    #[error("{message}")]
    InvalidInput {
        /// The input at fault (`base_url`, `email`, ...).
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The server could not be reached.
    #[error("Could not reach {host}: {detail}")]
    Network {
        /// The host that was tried.
        host: String,
        /// What the network stack said (no URL query, no header value).
        detail: String,
    },
    /// The server did not answer within the timeout.
    #[error("{host} did not answer within {seconds} s")]
    Timeout {
        /// The host that was tried.
        host: String,
        /// The timeout that ran out.
        seconds: u64,
    },
    /// The server answered, but not in the partner API's format.
    #[error("{reason}")]
    NotAPartnerApi {
        /// What was wrong with the answer.
        reason: String,
        /// The request id, if the server sent one.
        request_id: Option<String>,
    },
    /// The portal session has ended.
    #[error("Your session has ended")]
    SessionExpired {
        /// The request id of the 401, when a request found out.
        request_id: Option<String>,
    },
    /// The OS keyring is locked (or its unlock prompt was dismissed).
    #[error(
        "The system keyring is locked. Unlock it (for example by signing in to your desktop \
         session) and try again."
    )]
    KeyringLocked,
    /// No OS keyring can be reached, or it refused access. `detail` is the platform's words
    /// (never a secret).
    #[error(
        "No system keyring is available ({detail}). On Linux, install and start a Secret Service \
         provider such as GNOME Keyring or KWallet."
    )]
    KeyringUnavailable {
        /// What the platform said.
        detail: String,
    },
    /// The app is locked; nothing secret is shown or copied until it is unlocked.
    #[error("The app is locked; enter your password to unlock it")]
    Locked,
    /// The secret store holds no secret for this key.
    #[error("This computer's keyring does not hold the secret of key {key_id}")]
    SecretNotStored {
        /// The key.
        key_id: crate::model::KeyId,
    },
    /// An unexpected local failure.
    #[error("{0}")]
    Internal(String),
}

/// Core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Api { code, .. } => *code,
            Error::InvalidInput { .. } => ErrorCode::InvalidRequest,
            Error::Network { .. } => ErrorCode::Network,
            Error::Timeout { .. } => ErrorCode::Timeout,
            Error::NotAPartnerApi { .. } => ErrorCode::NotAPartnerApi,
            Error::SessionExpired { .. } => ErrorCode::SessionExpired,
            Error::KeyringLocked => ErrorCode::KeyringLocked,
            Error::KeyringUnavailable { .. } => ErrorCode::KeyringUnavailable,
            Error::SecretNotStored { .. } => ErrorCode::SecretNotStored,
            Error::Locked => ErrorCode::Locked,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The `Peeker-Request-Id` of the response that caused this error, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::NotAPartnerApi { request_id, .. }
            | Error::SessionExpired { request_id } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The input at fault, if one is.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Api { field, .. } => field.as_deref(),
            Error::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Seconds until a retry can succeed, for rate limits.
    pub fn retry_after_seconds(&self) -> Option<u32> {
        match self {
            Error::Api {
                retry_after_seconds,
                ..
            } => *retry_after_seconds,
            _ => None,
        }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            message: message.into(),
        }
    }
}

/// An error as it crosses IPC: `{code, message, request_id?, retry_after_seconds?, field?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IpcError {
    /// What the UI branches on.
    pub code: ErrorCode,
    /// The plain message (server's or ours); the UI's own words come from its table.
    pub message: String,
    /// The server's request id, for support questions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Seconds until a retry can succeed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u32>,
    /// The input at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<&Error> for IpcError {
    fn from(error: &Error) -> Self {
        IpcError {
            code: error.code(),
            message: error.to_string(),
            request_id: error.request_id().map(str::to_owned),
            retry_after_seconds: error.retry_after_seconds(),
            field: error.field().map(str::to_owned),
        }
    }
}

impl From<Error> for IpcError {
    fn from(error: Error) -> Self {
        IpcError::from(&error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipc_error_carries_code_field_request_id_and_retry() {
        let error = Error::Api {
            code: ErrorCode::RateLimited,
            status: 429,
            message: "Too many requests".into(),
            field: None,
            retry_after_seconds: Some(7),
            request_id: Some("req_01JD0000000000000000000000".into()),
        };
        let json = serde_json::to_value(IpcError::from(&error)).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({
                "code": "rate_limited",
                "message": "Too many requests",
                "request_id": "req_01JD0000000000000000000000",
                "retry_after_seconds": 7
            })
        );
    }

    #[test]
    fn code_names_are_the_ones_that_cross_ipc() {
        use ErrorCode::*;
        for code in [
            Unauthorized,
            SessionExpired,
            Forbidden,
            NotFound,
            InvalidRequest,
            Conflict,
            RateLimited,
            Network,
            Timeout,
            Server,
            NotAPartnerApi,
            KeyringLocked,
            SecretNotStored,
            Locked,
            KeyringUnavailable,
            Internal,
        ] {
            let serialized = serde_json::to_value(code).expect("serializes");
            assert_eq!(serialized, code.as_str(), "as_str disagrees with serde");
        }
    }

    #[test]
    fn local_validation_errors_name_their_field() {
        let ipc = IpcError::from(Error::invalid("base_url", "Use https"));
        assert_eq!(ipc.code, ErrorCode::InvalidRequest);
        assert_eq!(ipc.field.as_deref(), Some("base_url"));
        assert_eq!(ipc.request_id, None);
    }
}

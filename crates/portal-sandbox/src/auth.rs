//! Authentication extractors for the two APIs.
//!
//! Both check, in API.md §5's order, the declared body size (413) and then the bearer (401). The
//! header must be exactly `Bearer <token>`; anything else, and any unknown, expired or revoked
//! credential, gets the same 401 body.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH};
use axum::http::request::Parts;
use rusqlite::{OptionalExtension, params};

use crate::AppState;
use crate::crypto::{digest, digests_equal};
use crate::error::{ApiError, UNAUTHORIZED_KEY, UNAUTHORIZED_SESSION};
use crate::extract::MAX_BODY_BYTES;

/// A signed-in portal admin (from a valid `ps_…` session token).
#[derive(Debug, Clone)]
pub struct AdminSession {
    /// The session row's id.
    pub session_id: String,
    /// `adm_…`
    pub admin_id: String,
    /// `org_…`
    pub partner_id: String,
}

/// A valid partner-API key.
#[derive(Debug, Clone)]
pub struct PartnerKey {
    /// `key_…`
    pub id: String,
    /// `org_…`
    pub partner_id: String,
    /// `live` or `test`.
    pub environment: String,
    /// `full`, `limited` or `read`.
    pub preset: String,
    /// The key's visible prefix.
    pub prefix: String,
    /// Set when the key is limited to one customer.
    pub scope_user_id: Option<String>,
}

/// Counts one request of a key (in its minute's usage bucket) and sets `last_used_at`. Every
/// authenticated request counts, whatever its answer, 429s included.
fn record_use(conn: &rusqlite::Connection, key_id: &str, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2",
        params![now, key_id],
    )?;
    conn.execute(
        "INSERT INTO key_usage (api_key_id, minute, count) VALUES (?1, ?2, 1)
         ON CONFLICT (api_key_id, minute) DO UPDATE SET count = count + 1",
        params![key_id, now.div_euclid(60) * 60],
    )?;
    Ok(())
}

/// What a preset-restricted action needs: its name in the 403 message and the presets that may.
pub trait Permission {
    /// The action, as named in `API key does not have permission for <action>`.
    const ACTION: &'static str;
    /// The presets allowed to take it.
    const PRESETS: &'static [&'static str];
}

/// `POST /domains/availability`: `limited` or `full`.
#[derive(Debug)]
pub struct DomainAvailability;
impl Permission for DomainAvailability {
    const ACTION: &'static str = "domain_availability";
    const PRESETS: &'static [&'static str] = &["full", "limited"];
}

/// `POST /domains/forwarding`: `full` only.
#[derive(Debug)]
pub struct DomainForwarding;
impl Permission for DomainForwarding {
    const ACTION: &'static str = "domain_forwarding";
    const PRESETS: &'static [&'static str] = &["full"];
}

/// A valid key whose preset allows `P`; otherwise 403 (after 401 and 429, before any input
/// check, as API.md §5 orders them).
#[derive(Debug)]
pub struct Allowed<P>(pub PartnerKey, std::marker::PhantomData<P>);

impl<P: Permission + Send + Sync> FromRequestParts<AppState> for Allowed<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key = PartnerKey::from_request_parts(parts, state).await?;
        if P::PRESETS.contains(&key.preset.as_str()) {
            Ok(Allowed(key, std::marker::PhantomData))
        } else {
            Err(ApiError::forbidden(P::ACTION))
        }
    }
}

/// 413 when the declared body is over the limit: checked before authentication.
fn check_declared_size(parts: &Parts) -> Result<(), ApiError> {
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n > MAX_BODY_BYTES => Err(ApiError::payload_too_large()),
        _ => Ok(()),
    }
}

/// The token after exactly `Bearer `, if it has the given prefix followed by 64 lowercase hex.
fn bearer_token<'a>(parts: &'a Parts, prefixes: &[&str]) -> Option<&'a str> {
    parse_bearer(parts.headers.get(AUTHORIZATION)?.to_str().ok()?, prefixes)
}

/// The token of an `Authorization` value that is exactly `Bearer <prefix><64 lowercase hex>`.
fn parse_bearer<'a>(value: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    let token = value.strip_prefix("Bearer ")?;
    let rest = prefixes.iter().find_map(|p| token.strip_prefix(p))?;
    let well_formed = rest.len() == 64
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then_some(token)
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        check_declared_size(parts)?;
        let unauthorized = || ApiError::unauthorized(UNAUTHORIZED_SESSION);
        let token = bearer_token(parts, &["ps_"]).ok_or_else(unauthorized)?;
        let wanted = digest(token);
        let now = state.now_unix();
        let found = state
            .db
            .call(move |conn| {
                conn.query_row(
                    "SELECT s.id, s.admin_id, a.partner_id, s.token_digest
                     FROM sessions s JOIN admins a ON a.id = s.admin_id
                     WHERE s.token_digest = ?1 AND s.ended_at IS NULL AND s.expires_at > ?2",
                    params![wanted, now],
                    |r| {
                        Ok((
                            AdminSession {
                                session_id: r.get(0)?,
                                admin_id: r.get(1)?,
                                partner_id: r.get(2)?,
                            },
                            r.get::<_, Vec<u8>>(3)?,
                        ))
                    },
                )
                .optional()
                .map_err(ApiError::from)
            })
            .await?;
        match found {
            Some((session, stored)) if digests_equal(&stored, &digest(token)) => Ok(session),
            _ => Err(unauthorized()),
        }
    }
}

impl FromRequestParts<AppState> for PartnerKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        check_declared_size(parts)?;
        let unauthorized = || ApiError::unauthorized(UNAUTHORIZED_KEY);
        let token = bearer_token(parts, &["pk_live_", "pk_test_"]).ok_or_else(unauthorized)?;
        let wanted = digest(token);
        let now = state.now_unix();
        let found = state
            .db
            .call(move |conn| {
                let key = conn
                    .query_row(
                        "SELECT id, partner_id, environment, permission_preset, prefix,
                                scope_user_id, secret_digest
                         FROM api_keys
                         WHERE secret_digest = ?1 AND revoked_at IS NULL
                           AND (expires_at IS NULL OR expires_at > ?2)",
                        params![wanted, now],
                        |r| {
                            Ok((
                                PartnerKey {
                                    id: r.get(0)?,
                                    partner_id: r.get(1)?,
                                    environment: r.get(2)?,
                                    preset: r.get(3)?,
                                    prefix: r.get(4)?,
                                    scope_user_id: r.get(5)?,
                                },
                                r.get::<_, Vec<u8>>(6)?,
                            ))
                        },
                    )
                    .optional()?;
                if let Some((key, _)) = &key {
                    record_use(conn, &key.id, now)?;
                }
                Ok(key)
            })
            .await?;
        let key = match found {
            Some((key, stored)) if digests_equal(&stored, &digest(token)) => key,
            _ => return Err(unauthorized()),
        };
        state.limiter.check(&key.id).map_err(|seconds| {
            ApiError::rate_limited(
                "Rate limit exceeded for this API key (600 requests per minute)",
                seconds,
            )
        })?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_bearer;
    use proptest::prelude::*;

    const KEY_PREFIXES: &[&str] = &["pk_live_", "pk_test_"];

    fn hex64() -> impl Strategy<Value = String> {
        "[0-9a-f]{64}"
    }

    proptest! {
        #[test]
        fn exact_bearer_keys_are_accepted(hex in hex64(), live in any::<bool>()) {
            let key = format!("pk_{}_{hex}", if live { "live" } else { "test" });
            let header = format!("Bearer {key}");
            prop_assert_eq!(parse_bearer(&header, KEY_PREFIXES), Some(key.as_str()));
        }

        #[test]
        fn any_other_scheme_spacing_or_case_is_refused(
            hex in hex64(),
            scheme in "(bearer|BEARER|Basic|Token|Bearer |Bearer\t| Bearer|Bearer:)",
        ) {
            let header = format!("{scheme} pk_live_{hex}");
            prop_assert_eq!(parse_bearer(&header, KEY_PREFIXES), None);
        }

        #[test]
        fn malformed_keys_are_refused(
            body in "[0-9a-zA-Z_]{0,80}",
            prefix in "(pk_live_|pk_test_|pk_prod_|ps_|pk_|)",
        ) {
            let key = format!("{prefix}{body}");
            let valid = (prefix == "pk_live_" || prefix == "pk_test_")
                && body.len() == 64
                && body.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            let header = format!("Bearer {key}");
            prop_assert_eq!(parse_bearer(&header, KEY_PREFIXES).is_some(), valid, "{}", header);
        }

        #[test]
        fn trailing_or_leading_junk_is_refused(hex in hex64(), junk in "[ \t.=a-z0-9]{1,4}") {
            let before = format!("Bearer {junk}pk_test_{hex}");
            let after = format!("Bearer pk_test_{hex}{junk}");
            prop_assert_eq!(parse_bearer(&before, KEY_PREFIXES), None);
            prop_assert_eq!(parse_bearer(&after, KEY_PREFIXES), None);
        }

        #[test]
        fn session_tokens_are_not_keys(hex in hex64()) {
            let session = format!("Bearer ps_{hex}");
            prop_assert_eq!(parse_bearer(&session, KEY_PREFIXES), None);
            prop_assert_eq!(parse_bearer(&session, &["ps_"]), Some(&session[7..]));
        }
    }
}

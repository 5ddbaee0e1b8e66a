//! Authentication extractors for the two APIs.
//!
//! Both check, in API.md §5's order, the declared body size (413) and then the bearer (401). The
//! header must be exactly `Bearer <token>`; anything else, and any unknown, expired or revoked
//! credential, gets the same 401 body.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use rusqlite::{OptionalExtension, params};

use crate::AppState;
use crate::crypto::{digest, digests_equal};
use crate::error::{ApiError, UNAUTHORIZED_KEY, UNAUTHORIZED_SESSION};
use crate::extract::check_size;

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

/// The token of the one `Authorization` header (two are refused, even if they agree), if it is
/// exactly `Bearer ` then the given prefix and 64 lowercase hex.
fn bearer_token<'a>(parts: &'a Parts, prefixes: &[&str]) -> Option<&'a str> {
    let mut values = parts.headers.get_all(AUTHORIZATION).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    parse_bearer(value.to_str().ok()?, prefixes)
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
        check_size(&parts.headers, &parts.extensions)?;
        let unauthorized = || ApiError::unauthorized(UNAUTHORIZED_SESSION);
        let token = bearer_token(parts, &["ps_"]).ok_or_else(unauthorized)?;
        let wanted = digest(token);
        let now = state.now_unix();
        let usage = Arc::clone(&state.usage);
        let found = state
            .db
            .call(move |conn| {
                // Portal answers read usage counts and `last_used_at`: make them exact first.
                usage.flush(conn)?;
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
        check_size(&parts.headers, &parts.extensions)?;
        let unauthorized = || ApiError::unauthorized(UNAUTHORIZED_KEY);
        let token = bearer_token(parts, &["pk_live_", "pk_test_"]).ok_or_else(unauthorized)?;
        let wanted = digest(token);
        let now = state.now_unix();
        let key = match state.key_cache.get(&wanted, now) {
            Some(key) => key,
            None => {
                let generation = state.key_cache.generation();
                let (key, expires_at) = load_key(state, wanted.clone(), now)
                    .await?
                    .ok_or_else(unauthorized)?;
                state
                    .key_cache
                    .insert(wanted, key.clone(), expires_at, generation);
                key
            }
        };
        // Every authenticated request counts, whatever its answer, 429s included.
        state.usage.record(&key.id, now);
        state.limiter.check(&key.id).map_err(|seconds| {
            let per_minute = state.limiter.per_minute();
            ApiError::rate_limited(
                format!("Rate limit exceeded for this API key ({per_minute} requests per minute)"),
                seconds,
            )
        })?;
        Ok(key)
    }
}

/// The valid (not revoked, not expired at `now`) key whose secret has this digest, with its
/// `expires_at`.
async fn load_key(
    state: &AppState,
    wanted: Vec<u8>,
    now: i64,
) -> Result<Option<(PartnerKey, Option<i64>)>, ApiError> {
    let found = state
        .db
        .read_small(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT id, partner_id, environment, permission_preset, prefix,
                        scope_user_id, expires_at, secret_digest
                 FROM api_keys
                 WHERE secret_digest = ?1 AND revoked_at IS NULL
                   AND (expires_at IS NULL OR expires_at > ?2)",
            )?;
            let row = statement
                .query_row(params![wanted, now], |r| {
                    let key = PartnerKey {
                        id: r.get(0)?,
                        partner_id: r.get(1)?,
                        environment: r.get(2)?,
                        preset: r.get(3)?,
                        prefix: r.get(4)?,
                        scope_user_id: r.get(5)?,
                    };
                    Ok((key, r.get(6)?, r.get::<_, Vec<u8>>(7)?, wanted.clone()))
                })
                .optional()?;
            Ok(row)
        })
        .await?;
    Ok(found.and_then(|(key, expires_at, stored, wanted)| {
        digests_equal(&stored, &wanted).then_some((key, expires_at))
    }))
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

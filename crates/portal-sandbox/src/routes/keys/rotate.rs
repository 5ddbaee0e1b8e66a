//! `POST /api_keys/{id}/rotate` (Stripe's "roll key"): a new key with the same label,
//! environment, preset and scope (and no expiry), linked both ways (`replaces` /
//! `replaced_by`), and the old key's grace period:
//!
//! - `old_key_expires_in_seconds` null or absent (an empty body is `{}`): the old key stays
//!   active until revoked;
//! - `0`: the old key is revoked now (the "key leaked" path);
//! - `N` (1..=604800): the old key's `expires_at` becomes the earlier of its own and now + N.
//!
//! Only an active key not yet rotated can be rotated (else 409); the limit of 10 active keys
//! never blocks a rotation, since a replaced key does not count. Audit: `api_key.rotated`
//! naming the old key, `api_key.created` for the new one, and `api_key.revoked` for the old one
//! when N = 0; all with the admin and this request's id.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiKey, load_or_404};
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathId};
use crate::keys::{self, KeyStatus};
use crate::query::NoQuery;
use crate::request_id::RequestId;
use crate::wire::{Data, ErrorEnvelope};
use crate::{AppState, audit};

/// The longest grace period: 7 days.
pub const MAX_GRACE_SECONDS: i64 = 7 * 86_400;

/// `POST /api_keys/{id}/rotate`'s body. An empty body is `{}`, i.e. a null grace period.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateKey {
    /// Seconds the old key keeps working (0..=604800): 0 revokes it now; null (or absent)
    /// leaves it active until revoked.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 604800)]
    old_key_expires_in_seconds: Option<i64>,
}

/// A rotation's outcome: the new key with its secret (shown once) and the old key as it now is.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyRotated {
    /// The new key.
    pub api_key: ApiKey,
    /// The new key's secret: shown once, stored nowhere.
    pub secret: String,
    /// The old key, now `replaced_by` the new one.
    pub replaced: ApiKey,
}

/// Replaces a key by a new one with the same label, environment, preset and scope.
#[utoipa::path(
    post,
    path = "/api_keys/{id}/rotate",
    operation_id = "rotate_api_key",
    tag = "portal",
    security(("portal_session" = [])),
    params(("id" = String, Path, description = "The key's id, `key_…`")),
    request_body(content = Option<RotateKey>, description = "May be empty (= `{}`)"),
    responses(
        (status = 201, description = "The new key, its secret and the old key", body = Data<KeyRotated>),
        (status = 400, description = "old_key_expires_in_seconds out of range", body = ErrorEnvelope),
        (status = 401, description = "Missing, invalid or expired session", body = ErrorEnvelope),
        (status = 404, description = "No such key for this partner", body = ErrorEnvelope),
        (status = 409, description = "The key is not active or was already rotated", body = ErrorEnvelope),
        (status = 413, description = "Body over 64 KiB", body = ErrorEnvelope),
    )
)]
pub async fn rotate(
    State(state): State<AppState>,
    session: AdminSession,
    Extension(RequestId(request_id)): Extension<RequestId>,
    _: NoQuery,
    PathId(id): PathId,
    JsonBody(body): JsonBody<RotateKey>,
) -> ApiResult<(StatusCode, Json<Data<KeyRotated>>)> {
    let grace = body.old_key_expires_in_seconds;
    if grace.is_some_and(|n| !(0..=MAX_GRACE_SECONDS).contains(&n)) {
        return Err(ApiError::invalid(
            "old_key_expires_in_seconds",
            "old_key_expires_in_seconds must be null or between 0 and 604800",
        ));
    }
    let now = state.now_unix();
    let (secret, new, old) = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let old = load_or_404(&tx, &session.partner_id, &id)?;
            if old.status(now) != KeyStatus::Active {
                return Err(ApiError::conflict(format!(
                    "Only an active key can be rotated; this one is {}",
                    old.status(now).as_str()
                )));
            }
            if old.replaced_by.is_some() {
                return Err(ApiError::conflict(
                    "This key was already rotated; rotate its replacement instead",
                ));
            }
            let created = keys::create(
                &tx,
                &keys::NewKey {
                    partner_id: &session.partner_id,
                    environment: &old.environment,
                    label: &old.label,
                    preset: &old.preset,
                    scope_user_id: old.scope_user_id.as_deref(),
                    created_by: Some(&session.admin_id),
                    created_at: now,
                    expires_at: None,
                },
            )?;
            tx.execute(
                "UPDATE api_keys SET replaces = ?1 WHERE id = ?2",
                params![old.id, created.id],
            )?;
            tx.execute(
                "UPDATE api_keys SET replaced_by = ?1 WHERE id = ?2",
                params![created.id, old.id],
            )?;
            let event = |kind, key_id| audit::Event {
                partner_id: &session.partner_id,
                kind,
                actor: Some(&session.admin_id),
                api_key_id: Some(key_id),
                at: now,
                request_id: Some(&request_id),
            };
            audit::record(&tx, &event("api_key.created", &created.id))?;
            audit::record(&tx, &event("api_key.rotated", &old.id))?;
            match grace {
                Some(0) => {
                    keys::revoke(&tx, &old.id, now)?;
                    audit::record(&tx, &event("api_key.revoked", &old.id))?;
                }
                Some(seconds) => {
                    let until = old
                        .expires_at
                        .map_or(now + seconds, |own| own.min(now + seconds));
                    tx.execute(
                        "UPDATE api_keys SET expires_at = ?1 WHERE id = ?2",
                        params![until, old.id],
                    )?;
                }
                None => {}
            }
            let new = load_or_404(&tx, &session.partner_id, &created.id)?;
            let old = load_or_404(&tx, &session.partner_id, &old.id)?;
            tx.commit()?;
            Ok((created.secret, new, old))
        })
        .await?;
    // After the commit: see `key_cache` for why not before.
    state.key_cache.invalidate();
    tracing::info!(old = %old.id, new = %new.id, "api key rotated");
    let answer = KeyRotated {
        api_key: ApiKey::from_row(new, now),
        secret,
        replaced: ApiKey::from_row(old, now),
    };
    Ok((StatusCode::CREATED, Json(Data::new(answer))))
}

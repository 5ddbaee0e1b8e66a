//! `POST /api_keys/{id}/revoke`: the key stops working at once (the `PartnerKey` extractor reads
//! `revoked_at` on every request, nothing is cached). Idempotent: a second revoke answers the
//! same object with the first `revoked_at` and records no second event.

use axum::extract::State;
use axum::{Extension, Json};

use super::{ApiKey, load_or_404};
use crate::auth::AdminSession;
use crate::error::ApiResult;
use crate::extract::PathId;
use crate::query::NoQuery;
use crate::request_id::RequestId;
use crate::wire::{Data, ErrorEnvelope};
use crate::{AppState, audit, keys};

/// Revokes a key (any key of the partner, expired or replaced ones included).
#[utoipa::path(
    post,
    path = "/api_keys/{id}/revoke",
    operation_id = "revoke_api_key",
    tag = "portal",
    security(("portal_session" = [])),
    params(("id" = String, Path, description = "The key's id, `key_…`")),
    responses(
        (status = 200, description = "The key, revoked", body = Data<ApiKey>),
        (status = 401, description = "Missing, invalid or expired session", body = ErrorEnvelope),
        (status = 404, description = "No such key for this partner", body = ErrorEnvelope),
        (status = 413, description = "Body over 64 KiB", body = ErrorEnvelope),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    session: AdminSession,
    Extension(RequestId(request_id)): Extension<RequestId>,
    _: NoQuery,
    PathId(id): PathId,
) -> ApiResult<Json<Data<ApiKey>>> {
    let now = state.now_unix();
    let row = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let row = load_or_404(&tx, &session.partner_id, &id)?;
            if row.revoked_at.is_some() {
                return Ok(row);
            }
            keys::revoke(&tx, &row.id, now)?;
            audit::record(
                &tx,
                &audit::Event {
                    partner_id: &session.partner_id,
                    kind: "api_key.revoked",
                    actor: Some(&session.admin_id),
                    api_key_id: Some(&row.id),
                    at: now,
                    request_id: Some(&request_id),
                },
            )?;
            let row = load_or_404(&tx, &session.partner_id, &row.id)?;
            tx.commit()?;
            Ok(row)
        })
        .await?;
    // After the commit: see `key_cache` for why not before.
    state.key_cache.invalidate();
    Ok(Json(Data::new(ApiKey::from_row(row, now))))
}

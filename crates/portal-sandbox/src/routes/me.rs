//! `GET /me`: which key this is and whose. The cheapest health check.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::PartnerKey;
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me))
}

/// The key's scope as the API shows it.
pub fn scope_json(scope_user_id: Option<&str>) -> Value {
    match scope_user_id {
        Some(user_id) => json!({ "type": "user", "user_id": user_id }),
        None => json!({ "type": "partner" }),
    }
}

async fn me(State(state): State<AppState>, key: PartnerKey) -> ApiResult<Json<Value>> {
    let partner_id = key.partner_id.clone();
    let partner_name: String = state
        .db
        .call(move |conn| {
            conn.query_row(
                "SELECT name FROM partners WHERE id = ?1",
                [partner_id],
                |r| r.get(0),
            )
            .map_err(ApiError::from)
        })
        .await?;
    Ok(Json(json!({
        "data": {
            "api_key": {
                "environment": key.environment,
                "permission_preset": key.preset,
                "prefix": key.prefix,
                "scope": scope_json(key.scope_user_id.as_deref()),
            },
            "partner": { "id": key.partner_id, "name": partner_name },
        }
    })))
}

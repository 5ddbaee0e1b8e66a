//! `GET /me`: which key this is and whose. The cheapest health check.

use axum::Json;
use axum::extract::State;
use rusqlite::params;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::PartnerKey;
use crate::error::{ApiError, ApiResult};
use crate::query::NoQuery;
use crate::wire::{Data, ErrorEnvelope, PartnerRef, Scope};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// The key as `/me` describes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeKey {
    /// `live` or `test`.
    pub environment: String,
    /// `full`, `limited` or `read`.
    pub permission_preset: String,
    /// The first 24 characters of the key.
    pub prefix: String,
    /// Partner-wide or one customer.
    pub scope: Scope,
}

/// `GET /me`'s `data`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The key used.
    pub api_key: MeKey,
    /// Its partner.
    pub partner: PartnerRef,
}

/// Describes the key used and its partner.
#[utoipa::path(
    get,
    path = "/me",
    operation_id = "get_me",
    tag = "partner",
    security(("partner_key" = [])),
    responses(
        (status = 200, description = "The key and its partner", body = Data<Me>),
        (status = 401, description = "Missing or invalid key", body = ErrorEnvelope),
        (status = 429, description = "Rate limited", body = ErrorEnvelope),
    )
)]
async fn me(
    State(state): State<AppState>,
    key: PartnerKey,
    _: NoQuery,
) -> ApiResult<Json<Data<Me>>> {
    let partner_id = key.partner_id.clone();
    let partner_name: String = state
        .db
        .read_small(move |conn| {
            conn.query_row(
                "SELECT name FROM partners WHERE id = ?1",
                params![partner_id],
                |r| r.get(0),
            )
            .map_err(ApiError::from)
        })
        .await?;
    Ok(Json(Data::new(Me {
        api_key: MeKey {
            environment: key.environment,
            permission_preset: key.preset,
            prefix: key.prefix,
            scope: Scope::of(key.scope_user_id),
        },
        partner: PartnerRef {
            id: key.partner_id,
            name: partner_name,
        },
    })))
}

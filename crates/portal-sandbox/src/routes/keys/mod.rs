//! The portal API's key management (API.md §3 and §5): list, create, get, revoke, rotate and
//! usage of the signed-in admin's partner's keys. Another partner's key is 404.
//!
//! The secret of a key appears in exactly two answers, `POST /api_keys` and
//! `POST /api_keys/{id}/rotate`; everything else shows `prefix` and `last_four` only.

mod create;
mod list;
mod revoke;
mod rotate;
mod usage;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathId;
use crate::keys::{self, KeyRow, KeyStatus};
use crate::query::NoQuery;
use crate::wire::{Data, ErrorEnvelope, Scope};
use crate::{AppState, rfc3339};

/// The routes of this module, with their OpenAPI paths.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list::list, create::create))
        .routes(routes!(get))
        .routes(routes!(revoke::revoke))
        .routes(routes!(rotate::rotate))
        .routes(routes!(usage::usage))
}

/// A key's environment: which data set it sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// Real data.
    Live,
    /// The test data set.
    Test,
}

impl Environment {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Live => "live",
            Environment::Test => "test",
        }
    }
}

/// What a key may do; it never changes after creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// May write everything.
    Full,
    /// May only check availability.
    Limited,
    /// May write nothing.
    Read,
}

impl Preset {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Full => "full",
            Preset::Limited => "limited",
            Preset::Read => "read",
        }
    }
}

/// An API key as the portal shows it: never its secret. Optional fields are absent, not null.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKey {
    /// `key_…`
    pub id: String,
    /// The label (trimmed).
    pub label: String,
    /// The first 24 characters of the secret (`pk_test_` + 16 hex).
    pub prefix: String,
    /// The last 4 characters of the secret.
    pub last_four: String,
    /// `live` or `test`.
    #[schema(value_type = Environment)]
    pub environment: String,
    /// `full`, `limited` or `read`.
    #[schema(value_type = Preset)]
    pub permission_preset: String,
    /// Partner-wide or one customer.
    pub scope: Scope,
    /// Derived from `revoked_at` and `expires_at`.
    pub status: KeyStatus,
    /// When it was created.
    pub created_at: String,
    /// The admin who created it (`adm_…`); absent only on keys the sandbox made itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub created_by: Option<String>,
    /// When it stops (or stopped) working.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub expires_at: Option<String>,
    /// When it was revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub revoked_at: Option<String>,
    /// Its latest authenticated partner-API request.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub last_used_at: Option<String>,
    /// The key that replaced it by rotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub replaced_by: Option<String>,
    /// The key it replaced by rotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub replaces: Option<String>,
}

impl ApiKey {
    /// The wire form of a stored key, its status taken at `now`.
    pub fn from_row(row: KeyRow, now: i64) -> Self {
        let status = row.status(now);
        Self {
            id: row.id,
            label: row.label,
            prefix: row.prefix,
            last_four: row.last_four,
            environment: row.environment,
            permission_preset: row.preset,
            scope: Scope::of(row.scope_user_id),
            status,
            created_at: rfc3339(row.created_at),
            created_by: row.created_by,
            expires_at: row.expires_at.map(rfc3339),
            revoked_at: row.revoked_at.map(rfc3339),
            last_used_at: row.last_used_at.map(rfc3339),
            replaced_by: row.replaced_by,
            replaces: row.replaces,
        }
    }
}

/// The 404 for a key that does not exist or is another partner's.
fn no_such_key() -> ApiError {
    ApiError::not_found("No such API key")
}

/// The partner's key `id`, or 404.
fn load_or_404(
    conn: &rusqlite::Connection,
    partner_id: &str,
    id: &str,
) -> Result<KeyRow, ApiError> {
    keys::load(conn, partner_id, id)?.ok_or_else(no_such_key)
}

/// One of the partner's keys.
#[utoipa::path(
    get,
    path = "/api_keys/{id}",
    operation_id = "get_api_key",
    tag = "portal",
    security(("portal_session" = [])),
    params(("id" = String, Path, description = "The key's id, `key_…`")),
    responses(
        (status = 200, description = "The key", body = Data<ApiKey>),
        (status = 401, description = "Missing, invalid or expired session", body = ErrorEnvelope),
        (status = 404, description = "No such key for this partner", body = ErrorEnvelope),
    )
)]
async fn get(
    State(state): State<AppState>,
    session: AdminSession,
    _: NoQuery,
    PathId(id): PathId,
) -> ApiResult<Json<Data<ApiKey>>> {
    let now = state.now_unix();
    let row = state
        .db
        .call(move |conn| load_or_404(conn, &session.partner_id, &id))
        .await?;
    Ok(Json(Data::new(ApiKey::from_row(row, now))))
}

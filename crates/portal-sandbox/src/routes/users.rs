//! `GET /users`: the partner's customers in the key's environment, newest first, a page at a
//! time. A customer-scoped key sees only its own customer.

use axum::Json;
use axum::extract::State;
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::PartnerKey;
use crate::error::{ApiError, ApiResult};
use crate::list::ListUrl;
use crate::page::{Binding, Cursor, per_page};
use crate::query::Params;
use crate::wire::{ErrorEnvelope, List};
use crate::{AppState, rfc3339};

/// The users routes, mounted under the partner API.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// A customer's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// A current customer.
    Active,
    /// A former customer.
    Deleted,
}

impl UserStatus {
    fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Deleted => "deleted",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [UserStatus::Active, UserStatus::Deleted]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A customer of the partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    /// `usr_…`
    pub id: String,
    /// Their email.
    pub email: String,
    /// Given name, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub first_name: Option<String>,
    /// Family name, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub last_name: Option<String>,
    /// Current or former.
    pub status: UserStatus,
    /// When they became a customer.
    pub created_at: String,
    /// The row's position in the list (not sent).
    #[serde(skip)]
    #[schema(ignore)]
    created_unix: i64,
}

/// `GET /users`'s query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Only the customer with this email (exact, ignoring case).
    #[param(min_length = 1)]
    email: Option<String>,
    /// Only customers in this status.
    #[param(inline)]
    status: Option<UserStatus>,
    /// Rows per page, 1..=100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// Copied from `links.next`.
    #[param(min_length = 1)]
    page_token: Option<String>,
}

/// Lists the partner's customers, newest first (ties by id), a page at a time.
#[utoipa::path(
    get,
    path = "/users",
    operation_id = "list_users",
    tag = "partner",
    security(("partner_key" = [])),
    params(UsersQuery),
    responses(
        (status = 200, description = "A page of customers", body = List<User>),
        (status = 400, description = "A bad filter, per_page or page_token", body = ErrorEnvelope),
        (status = 401, description = "Missing or invalid key", body = ErrorEnvelope),
        (status = 429, description = "Rate limited", body = ErrorEnvelope),
    )
)]
async fn list(
    State(state): State<AppState>,
    key: PartnerKey,
    url: ListUrl,
    Params(query): Params<UsersQuery>,
) -> ApiResult<Json<List<User>>> {
    let per_page = per_page(query.per_page)?;
    let mut filters: Vec<(&str, String)> = Vec::new();
    if let Some(email) = &query.email {
        filters.push(("email", email.clone()));
    }
    if let Some(status) = query.status {
        filters.push(("status", status.as_str().to_owned()));
    }
    let binding = Binding {
        list: "users",
        partner_id: &key.partner_id,
        environment: &key.environment,
        scope: key.scope_user_id.as_deref(),
        filters: &filters,
    };
    let cursor = state
        .page_key
        .cursor(&binding, query.page_token.as_deref())?;

    // `users.email` is COLLATE NOCASE, so `=` ignores case (and uses `users_by_email`).
    let mut sql = "SELECT id, email, first_name, last_name, status, created_at FROM users
                   WHERE partner_id = ? AND environment = ?"
        .to_owned();
    let mut params: Vec<Value> = vec![
        key.partner_id.clone().into(),
        key.environment.clone().into(),
    ];
    let mut condition = |text: &str, value: Value| {
        sql.push_str(text);
        params.push(value);
    };
    if let Some(scope) = &key.scope_user_id {
        condition(" AND id = ?", scope.clone().into());
    }
    if let Some(email) = query.email {
        condition(" AND email = ?", email.into());
    }
    if let Some(status) = query.status {
        condition(" AND status = ?", status.as_str().to_owned().into());
    }
    if let Some(cursor) = &cursor {
        condition(" AND (created_at, id) < (?", cursor.created_at.into());
        condition(", ?)", cursor.id.clone().into());
    }
    condition(
        " ORDER BY created_at DESC, id DESC LIMIT ?",
        i64::from(per_page + 1).into(),
    );

    let rows = state
        .db
        .read_small(move |conn| {
            let mut statement = conn.prepare_cached(&sql)?;
            let rows = statement
                .query_map(params_from_iter(params), |r| {
                    let status: String = r.get(4)?;
                    let created_unix: i64 = r.get(5)?;
                    Ok((
                        status,
                        User {
                            id: r.get(0)?,
                            email: r.get(1)?,
                            first_name: r.get(2)?,
                            last_name: r.get(3)?,
                            status: UserStatus::Active,
                            created_at: rfc3339(created_unix),
                            created_unix,
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await?;
    let users = rows
        .into_iter()
        .map(|(status, mut user)| {
            user.status = UserStatus::parse(&status)
                .ok_or_else(|| ApiError::internal("unexpected user status in the database"))?;
            Ok(user)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(url.answer(
        &state.page_key,
        &binding,
        per_page,
        users,
        |u| Cursor {
            created_at: u.created_unix,
            id: u.id.clone(),
        },
    )))
}

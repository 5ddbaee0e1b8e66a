//! `GET /api_keys`: the partner's keys, newest first, keyset-paged, filtered by environment and
//! derived status.

use axum::Json;
use axum::extract::State;
use rusqlite::ToSql;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ApiKey, Environment};
use crate::AppState;
use crate::auth::AdminSession;
use crate::error::ApiResult;
use crate::keys::{COLUMNS, KeyRow, KeyStatus};
use crate::list::ListUrl;
use crate::page::{self, Binding, Cursor};
use crate::query::Params;
use crate::wire::{ErrorEnvelope, List};

/// `GET /api_keys`'s query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only keys of this environment.
    environment: Option<Environment>,
    /// Only keys with this status (at the time of the request).
    status: Option<KeyStatus>,
    /// Rows per page, 1..=100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// Copied from `links.next`.
    page_token: Option<String>,
}

/// The partner's keys, newest first.
#[utoipa::path(
    get,
    path = "/api_keys",
    operation_id = "list_api_keys",
    tag = "portal",
    security(("portal_session" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of keys", body = List<ApiKey>),
        (status = 400, description = "A bad filter, per_page or page_token", body = ErrorEnvelope),
        (status = 401, description = "Missing, invalid or expired session", body = ErrorEnvelope),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    url: ListUrl,
    Params(query): Params<ListQuery>,
) -> ApiResult<Json<List<ApiKey>>> {
    let per_page = page::per_page(query.per_page)?;
    let mut filters: Vec<(&str, String)> = Vec::new();
    if let Some(environment) = query.environment {
        filters.push(("environment", environment.as_str().to_owned()));
    }
    if let Some(status) = query.status {
        filters.push(("status", status.as_str().to_owned()));
    }
    let binding = Binding {
        list: "api_keys",
        partner_id: &session.partner_id,
        environment: "",
        scope: None,
        filters: &filters,
    };
    let cursor = state
        .page_key
        .cursor(&binding, query.page_token.as_deref())?;
    let now = state.now_unix();
    let partner_id = session.partner_id.clone();
    let (environment, status) = (query.environment, query.status);
    let rows = state
        .db
        .call(move |conn| {
            let mut sql = format!("SELECT {COLUMNS} FROM api_keys WHERE partner_id = :partner");
            let env = environment.map(Environment::as_str);
            let limit = i64::from(per_page) + 1;
            let (cursor_at, cursor_id) = cursor.map(|c| (c.created_at, c.id)).unzip();
            let mut args: Vec<(&str, &dyn ToSql)> =
                vec![(":partner", &partner_id), (":limit", &limit)];
            if let Some(env) = &env {
                sql.push_str(" AND environment = :env");
                args.push((":env", env));
            }
            if let Some(status) = status {
                sql.push_str(" AND ");
                sql.push_str(status.sql());
                if status.sql().contains(":now") {
                    args.push((":now", &now));
                }
            }
            if let (Some(at), Some(id)) = (&cursor_at, &cursor_id) {
                sql.push_str(" AND (created_at, id) < (:cursor_at, :cursor_id)");
                args.push((":cursor_at", at));
                args.push((":cursor_id", id));
            }
            sql.push_str(" ORDER BY created_at DESC, id DESC LIMIT :limit");
            let mut statement = conn.prepare(&sql)?;
            let rows = statement
                .query_map(args.as_slice(), KeyRow::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await?;
    let answer = url.answer(&state.page_key, &binding, per_page, rows, |row| Cursor {
        created_at: row.created_at,
        id: row.id.clone(),
    });
    Ok(Json(List {
        data: answer
            .data
            .into_iter()
            .map(|row| ApiKey::from_row(row, now))
            .collect(),
        links: answer.links,
        meta: answer.meta,
    }))
}

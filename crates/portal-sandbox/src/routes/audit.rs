//! `GET /audit_events`: what happened to sessions and keys, newest first. Never a secret.
//!
//! `api_key.expired` events are recorded lazily (see [`keys::record_expiries`]): each request to
//! this list first records the expiries that have passed, dated at the keys' `expires_at`, with
//! a null `actor` and a null `request_id`. The optional `api_key_id` filter (an extension the
//! app's Activity screen uses) keeps one key's events.

use axum::Json;
use axum::extract::State;
use rusqlite::ToSql;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::list::ListUrl;
use crate::page::{self, Binding, Cursor};
use crate::query::Params;
use crate::wire::{ErrorEnvelope, List};
use crate::{AppState, keys, rfc3339};

/// The routes of this module, with their OpenAPI paths.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// `GET /audit_events`'s query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only the events of this key (`key_…`); an id that matches nothing gives an empty list.
    api_key_id: Option<String>,
    /// Rows per page, 1..=100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// Copied from `links.next`.
    page_token: Option<String>,
}

/// One audit event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    /// `evt_…`
    pub id: String,
    /// `api_key.created`, `api_key.rotated` (naming the old key), `api_key.revoked`,
    /// `api_key.expired`, `session.created` or `session.failed`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The admin who acted (`adm_…`), or null (expiry, failed sign-in).
    #[schema(required = true)]
    pub actor: Option<String>,
    /// The key concerned; absent on session events.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub api_key_id: Option<String>,
    /// When it happened.
    pub at: String,
    /// The `Peeker-Request-Id` of the request that caused it; null only for `api_key.expired`.
    #[schema(required = true)]
    pub request_id: Option<String>,
}

struct EventRow {
    id: String,
    kind: String,
    actor: Option<String>,
    api_key_id: Option<String>,
    at: i64,
    request_id: Option<String>,
}

/// Whether `id` looks like a key id: `key_` + 26 upper-case Crockford characters.
fn is_key_id(id: &str) -> bool {
    id.strip_prefix("key_")
        .is_some_and(|ulid| ulid.len() == 26 && ulid.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The partner's audit events, newest first.
#[utoipa::path(
    get,
    path = "/audit_events",
    operation_id = "list_audit_events",
    tag = "portal",
    security(("portal_session" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of events", body = List<AuditEvent>),
        (status = 400, description = "A bad filter, per_page or page_token", body = ErrorEnvelope),
        (status = 401, description = "Missing, invalid or expired session", body = ErrorEnvelope),
    )
)]
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    url: ListUrl,
    Params(query): Params<AuditQuery>,
) -> ApiResult<Json<List<AuditEvent>>> {
    let per_page = page::per_page(query.per_page)?;
    if query.api_key_id.as_deref().is_some_and(|id| !is_key_id(id)) {
        return Err(ApiError::invalid(
            "api_key_id",
            "api_key_id must be a key id (key_…)",
        ));
    }
    let mut filters: Vec<(&str, String)> = Vec::new();
    if let Some(id) = &query.api_key_id {
        filters.push(("api_key_id", id.clone()));
    }
    let binding = Binding {
        list: "audit_events",
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
    let key_filter = query.api_key_id.clone();
    let rows = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            keys::record_expiries(&tx, &partner_id, now)?;
            let limit = i64::from(per_page) + 1;
            let (cursor_at, cursor_id) = cursor.map(|c| (c.created_at, c.id)).unzip();
            let mut sql = String::from(
                "SELECT id, type, actor, api_key_id, at, request_id FROM audit_events
                 WHERE partner_id = :partner",
            );
            let mut args: Vec<(&str, &dyn ToSql)> =
                vec![(":partner", &partner_id), (":limit", &limit)];
            if let Some(key_id) = &key_filter {
                sql.push_str(" AND api_key_id = :key");
                args.push((":key", key_id));
            }
            if let (Some(at), Some(id)) = (&cursor_at, &cursor_id) {
                sql.push_str(" AND (at, id) < (:cursor_at, :cursor_id)");
                args.push((":cursor_at", at));
                args.push((":cursor_id", id));
            }
            sql.push_str(" ORDER BY at DESC, id DESC LIMIT :limit");
            let rows = {
                let mut statement = tx.prepare(&sql)?;
                statement
                    .query_map(args.as_slice(), |r| {
                        Ok(EventRow {
                            id: r.get(0)?,
                            kind: r.get(1)?,
                            actor: r.get(2)?,
                            api_key_id: r.get(3)?,
                            at: r.get(4)?,
                            request_id: r.get(5)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?
            };
            tx.commit()?;
            Ok(rows)
        })
        .await?;
    let answer = url.answer(&state.page_key, &binding, per_page, rows, |row| Cursor {
        created_at: row.at,
        id: row.id.clone(),
    });
    let data = answer
        .data
        .into_iter()
        .map(|row| AuditEvent {
            id: row.id,
            kind: row.kind,
            actor: row.actor,
            api_key_id: row.api_key_id,
            at: rfc3339(row.at),
            request_id: row.request_id,
        })
        .collect();
    Ok(Json(List {
        data,
        links: answer.links,
        meta: answer.meta,
    }))
}

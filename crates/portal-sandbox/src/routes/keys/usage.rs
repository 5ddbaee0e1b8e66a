//! `GET /api_keys/{id}/usage`: a key's request counts over a window, from `key_usage` (one row
//! per key and minute, written by the `PartnerKey` extractor on every authenticated partner-API
//! request, 4xx and 429 answers included).
//!
//! Buckets are UTC-aligned, oldest first, and the last one is the current (partial) one:
//! `1h` = 60 one-minute buckets, `24h` (the default) = 24 hourly, `30d` = 30 daily.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::load_or_404;
use crate::auth::AdminSession;
use crate::error::ApiResult;
use crate::extract::PathId;
use crate::keys;
use crate::query::Params;
use crate::wire::{Data, ErrorEnvelope};
use crate::{AppState, rfc3339};

/// A usage window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Window {
    /// The last hour, by minute.
    #[serde(rename = "1h")]
    Hour,
    /// The last day, by hour.
    #[default]
    #[serde(rename = "24h")]
    Day,
    /// The last 30 days, by day.
    #[serde(rename = "30d")]
    Month,
}

impl Window {
    /// Bucket size in seconds and number of buckets.
    fn buckets(self) -> (i64, usize) {
        match self {
            Window::Hour => (60, 60),
            Window::Day => (3_600, 24),
            Window::Month => (86_400, 30),
        }
    }
}

/// `GET /api_keys/{id}/usage`'s query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// `1h`, `24h` (default) or `30d`.
    window: Option<Window>,
}

/// One bucket.
#[derive(Debug, Serialize, ToSchema)]
pub struct Bucket {
    /// The bucket's start (UTC-aligned).
    pub start: String,
    /// Requests in the bucket.
    pub count: i64,
}

/// A key's usage over a window.
#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    /// The window asked for.
    pub window: Window,
    /// Oldest first; the last one is the current one.
    pub buckets: Vec<Bucket>,
    /// The sum of the buckets.
    pub total: i64,
    /// The key's latest authenticated request, or null if it was never used.
    #[schema(required = true)]
    pub last_used_at: Option<String>,
}

/// A key's request counts over a window.
#[utoipa::path(
    get,
    path = "/api_keys/{id}/usage",
    operation_id = "get_api_key_usage",
    tag = "portal",
    security(("portal_session" = [])),
    params(("id" = String, Path, description = "The key's id, `key_…`"), UsageQuery),
    responses(
        (status = 200, description = "The key's usage", body = Data<Usage>),
        (status = 400, description = "A bad window", body = ErrorEnvelope),
        (status = 401, description = "Missing, invalid or expired session", body = ErrorEnvelope),
        (status = 404, description = "No such key for this partner", body = ErrorEnvelope),
    )
)]
pub async fn usage(
    State(state): State<AppState>,
    session: AdminSession,
    PathId(id): PathId,
    Params(query): Params<UsageQuery>,
) -> ApiResult<Json<Data<Usage>>> {
    let window = query.window.unwrap_or_default();
    let (size, count) = window.buckets();
    let now = state.now_unix();
    let current = now.div_euclid(size) * size;
    let first = current - size * (i64::try_from(count).unwrap_or(0) - 1);
    let (row, counts) = state
        .db
        .call(move |conn| {
            let row = load_or_404(conn, &session.partner_id, &id)?;
            let counts = keys::usage_counts(conn, &row.id, first, size, count)?;
            Ok((row, counts))
        })
        .await?;
    let buckets: Vec<Bucket> = counts
        .into_iter()
        .zip(0..)
        .map(|(count, i)| Bucket {
            start: rfc3339(first + i * size),
            count,
        })
        .collect();
    Ok(Json(Data::new(Usage {
        window,
        total: buckets.iter().map(|b| b.count).sum(),
        buckets,
        last_used_at: row.last_used_at.map(rfc3339),
    })))
}

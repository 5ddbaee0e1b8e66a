//! `GET /domains`, `GET /domains/stats` and `GET /domains/{id}`.

use axum::Json;
use axum::extract::State;
use rusqlite::{OptionalExtension, params_from_iter};
use serde::Serialize;
use utoipa::ToSchema;

use super::filter::{ListQuery, StatsQuery};
use super::sql::{conditions, page_query, stats_query};
use super::{COLUMNS, Domain, DomainCategory, DomainStatus, Provider, corrupt, is_id};
use crate::AppState;
use crate::auth::PartnerKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathId;
use crate::list::ListUrl;
use crate::page::{Binding, Cursor, per_page};
use crate::query::{NoQuery, Params};
use crate::wire::{Data, ErrorEnvelope, List};

/// Lists the domains the key may see, newest first (ties by id), a page at a time.
#[utoipa::path(
    get,
    path = "/domains",
    operation_id = "list_domains",
    tag = "partner",
    security(("partner_key" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of domains", body = List<Domain>),
        (status = 400, description = "A bad filter, per_page or page_token", body = ErrorEnvelope),
        (status = 401, description = "Missing or invalid key", body = ErrorEnvelope),
        (status = 429, description = "Rate limited", body = ErrorEnvelope),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    key: PartnerKey,
    url: ListUrl,
    Params(query): Params<ListQuery>,
) -> ApiResult<Json<List<Domain>>> {
    let (filters, per_page_asked, token) = query.split()?;
    let per_page = per_page(per_page_asked)?;
    let pairs = filters.pairs();
    let binding = Binding {
        list: "domains",
        partner_id: &key.partner_id,
        environment: &key.environment,
        scope: key.scope_user_id.as_deref(),
        filters: &pairs,
    };
    let cursor = state.page_key.cursor(&binding, token.as_deref())?;
    let caller = key.clone();
    let rows = state
        .db
        .read_small(move |conn| {
            let Some(c) = conditions(conn, &caller, &filters)? else {
                return Ok(Vec::new());
            };
            let (sql, params) = page_query(COLUMNS, &c, cursor.as_ref(), per_page + 1);
            let mut statement = conn.prepare_cached(&sql)?;
            let rows = statement
                .query_map(params_from_iter(params), Domain::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await?;
    Ok(Json(url.answer(
        &state.page_key,
        &binding,
        per_page,
        rows,
        |d| Cursor {
            created_at: d.created_unix,
            id: d.id.clone(),
        },
    )))
}

/// Counts per status, every status present.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ByStatus {
    /// `available`
    pub available: u64,
    /// `in_progress`
    pub in_progress: u64,
    /// `active`
    pub active: u64,
    /// `failed`
    pub failed: u64,
    /// `action_required`
    pub action_required: u64,
}

/// Counts per category, both present.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ByCategory {
    /// `inventory`
    pub inventory: u64,
    /// `connected`
    pub connected: u64,
}

/// Counts of connected domains per provider, both present.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ByProvider {
    /// `google`
    pub google: u64,
    /// `microsoft`
    pub microsoft: u64,
}

/// `GET /domains/stats`'s `data`: counts of the domains matching the filters.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct DomainStats {
    /// All matching domains.
    pub total: u64,
    /// Per status.
    pub by_status: ByStatus,
    /// Per category.
    pub by_category: ByCategory,
    /// Per provider (inventory domains have none).
    pub by_provider: ByProvider,
}

impl DomainStats {
    fn add(
        &mut self,
        status: DomainStatus,
        category: DomainCategory,
        provider: Option<Provider>,
        n: u64,
    ) {
        self.total += n;
        *match status {
            DomainStatus::Available => &mut self.by_status.available,
            DomainStatus::InProgress => &mut self.by_status.in_progress,
            DomainStatus::Active => &mut self.by_status.active,
            DomainStatus::Failed => &mut self.by_status.failed,
            DomainStatus::ActionRequired => &mut self.by_status.action_required,
        } += n;
        *match category {
            DomainCategory::Inventory => &mut self.by_category.inventory,
            DomainCategory::Connected => &mut self.by_category.connected,
        } += n;
        match provider {
            Some(Provider::Google) => self.by_provider.google += n,
            Some(Provider::Microsoft) => self.by_provider.microsoft += n,
            None => {}
        }
    }
}

/// Counts the domains matching the filters of `GET /domains` by status, category and provider
/// (for charts, without paging through everything). Takes no paging parameters.
#[utoipa::path(
    get,
    path = "/domains/stats",
    operation_id = "get_domain_stats",
    tag = "partner",
    security(("partner_key" = [])),
    params(StatsQuery),
    responses(
        (status = 200, description = "The counts, zeros included", body = Data<DomainStats>),
        (status = 400, description = "A bad or unknown parameter", body = ErrorEnvelope),
        (status = 401, description = "Missing or invalid key", body = ErrorEnvelope),
        (status = 429, description = "Rate limited", body = ErrorEnvelope),
    )
)]
pub async fn stats(
    State(state): State<AppState>,
    key: PartnerKey,
    Params(query): Params<StatsQuery>,
) -> ApiResult<Json<Data<DomainStats>>> {
    let filters = query.filters()?;
    let groups = state
        .db
        .read(move |conn| {
            let Some(c) = conditions(conn, &key, &filters)? else {
                return Ok(Vec::new());
            };
            let mut statement = conn.prepare_cached(&stats_query(&c))?;
            let groups = statement
                .query_map(params_from_iter(c.params), |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(groups)
        })
        .await?;
    let mut stats = DomainStats::default();
    for (status, category, provider, n) in groups {
        let status = DomainStatus::parse(&status).ok_or_else(|| corrupt("domain status"))?;
        let category =
            DomainCategory::parse(&category).ok_or_else(|| corrupt("domain category"))?;
        let provider = match provider {
            Some(p) => Some(Provider::parse(&p).ok_or_else(|| corrupt("domain provider"))?),
            None => None,
        };
        stats.add(status, category, provider, u64::try_from(n).unwrap_or(0));
    }
    Ok(Json(Data::new(stats)))
}

/// One domain the key may see; anything else (another partner's, another environment's,
/// another customer's for a scoped key, a malformed id) is 404.
#[utoipa::path(
    get,
    path = "/domains/{id}",
    operation_id = "get_domain",
    tag = "partner",
    security(("partner_key" = [])),
    params(("id" = String, Path, description = "`dom_…`")),
    responses(
        (status = 200, description = "The domain", body = Data<Domain>),
        (status = 401, description = "Missing or invalid key", body = ErrorEnvelope),
        (status = 404, description = "No such domain for this key", body = ErrorEnvelope),
        (status = 429, description = "Rate limited", body = ErrorEnvelope),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    key: PartnerKey,
    _: NoQuery,
    PathId(id): PathId,
) -> ApiResult<Json<Data<Domain>>> {
    let not_found = || ApiError::not_found("No such domain");
    if !is_id("dom", &id) {
        return Err(not_found());
    }
    let found = state
        .db
        .read_small(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM domains
                 WHERE id = ?1 AND partner_id = ?2 AND environment = ?3
                   AND (?4 IS NULL OR user_id = ?4)"
            );
            conn.query_row(
                &sql,
                rusqlite::params![id, key.partner_id, key.environment, key.scope_user_id],
                Domain::from_row,
            )
            .optional()
            .map_err(ApiError::from)
        })
        .await?;
    found.map(|d| Json(Data::new(d))).ok_or_else(not_found)
}

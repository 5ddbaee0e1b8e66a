//! `POST /domains/forwarding` (start a forwarding job) and `GET /domains/forwarding/{id}`.
//!
//! The job is stored `in_progress` before the answer is sent and finished in the background by
//! [`crate::jobs`]. Jobs belong to the key's partner and environment; a customer-scoped key
//! sees only the jobs made under its own scope, a partner-wide key every job of its
//! environment.

use std::sync::LazyLock;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use regex::Regex;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{corrupt, is_id};
use crate::auth::{Allowed, DomainForwarding, PartnerKey};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathId};
use crate::jobs::{self, JobFailure, JobStatus};
use crate::query::NoQuery;
use crate::wire::{Data, ErrorEnvelope};
use crate::{AppState, new_id, rfc3339};

/// Most entries in one job.
pub const MAX_ENTRIES: usize = 25;
/// Longest accepted `forwarding_url`.
pub const MAX_URL_CHARS: usize = 2048;
/// What a `forwarding_url` must match: `https://` (any case), a host name, an optional port, a
/// path and a query of URL characters; no user info, no fragment. The OpenAPI document states
/// the same pattern, so a client can check before sending.
pub const FORWARDING_URL_PATTERN: &str = r"^[Hh][Tt][Tt][Pp][Ss]://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$";

/// `POST /domains/forwarding`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardingRequest {
    /// 1..=25 entries, each a `dom_…` id or a domain name.
    #[schema(min_items = 1, max_items = 25)]
    domains: Vec<String>,
    /// Where web visits to the domains go: an absolute `https://` URL.
    #[schema(
        max_length = 2048,
        // FORWARDING_URL_PATTERN, which the check uses (a test keeps the two equal).
        pattern = r"^[Hh][Tt][Tt][Pp][Ss]://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$"
    )]
    forwarding_url: String,
}

/// A forwarding job.
#[derive(Debug, Serialize, ToSchema)]
pub struct Job {
    /// `fwj_…`
    pub id: String,
    /// Where it stands.
    pub status: JobStatus,
    /// Entries that succeeded.
    pub completed_count: u32,
    /// Entries that failed.
    pub failed_count: u32,
    /// The URL set on the domains.
    pub forwarding_url: String,
    /// The names of the domains now forwarded, in request order.
    pub completed: Vec<String>,
    /// The entries that failed, and why.
    pub failed: Vec<JobFailure>,
    /// When it was started.
    pub created_at: String,
    /// When it finished; absent while in progress.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub completed_at: Option<String>,
}

/// Starts setting `forwarding_url` on domains (keys with the `full` preset). Answers 202 with
/// the job `in_progress`; poll `GET /domains/forwarding/{id}` for its outcome.
#[utoipa::path(
    post,
    path = "/domains/forwarding",
    operation_id = "start_domain_forwarding",
    tag = "partner",
    security(("partner_key" = [])),
    request_body = ForwardingRequest,
    responses(
        (status = 202, description = "The job, in progress", body = Data<Job>),
        (status = 400, description = "Bad domains or forwarding_url", body = ErrorEnvelope),
        (status = 401, description = "Missing or invalid key", body = ErrorEnvelope),
        (status = 403, description = "The key's preset may not set forwarding",
            body = ErrorEnvelope),
        (status = 413, description = "Body over 64 KiB", body = ErrorEnvelope),
        (status = 429, description = "Rate limited", body = ErrorEnvelope),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    allowed: Allowed<DomainForwarding>,
    _: NoQuery,
    JsonBody(body): JsonBody<ForwardingRequest>,
) -> ApiResult<(StatusCode, Json<Data<Job>>)> {
    let key = allowed.0;
    if body.domains.is_empty() || body.domains.len() > MAX_ENTRIES {
        return Err(ApiError::invalid(
            "domains",
            "Give between 1 and 25 domains",
        ));
    }
    if body.domains.iter().any(|d| d.trim().is_empty()) {
        return Err(ApiError::invalid(
            "domains",
            "Each entry must be a dom_ id or a domain name",
        ));
    }
    check_url(&body.forwarding_url)?;
    let now = state.now_unix();
    let id = new_id("fwj");
    let requested = serde_json::to_string(&body.domains).map_err(ApiError::internal)?;
    let (job_id, url) = (id.clone(), body.forwarding_url.clone());
    state
        .db
        .call(move |conn| {
            conn.execute(
                "INSERT INTO forwarding_jobs (id, partner_id, environment, scope_user_id,
                     forwarding_url, requested, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'in_progress', ?7)",
                params![
                    job_id,
                    key.partner_id,
                    key.environment,
                    key.scope_user_id,
                    url,
                    requested,
                    now
                ],
            )?;
            Ok(())
        })
        .await?;
    tracing::info!(job = %id, entries = body.domains.len(), "forwarding job started");
    jobs::schedule(state, id.clone());
    let job = Job {
        id,
        status: JobStatus::InProgress,
        completed_count: 0,
        failed_count: 0,
        forwarding_url: body.forwarding_url,
        completed: Vec::new(),
        failed: Vec::new(),
        created_at: rfc3339(now),
        completed_at: None,
    };
    Ok((StatusCode::ACCEPTED, Json(Data::new(job))))
}

/// A forwarding job of the key's partner and environment (and scope); else 404.
#[utoipa::path(
    get,
    path = "/domains/forwarding/{id}",
    operation_id = "get_forwarding_job",
    tag = "partner",
    security(("partner_key" = [])),
    params(("id" = String, Path, description = "`fwj_…`")),
    responses(
        (status = 200, description = "The job", body = Data<Job>),
        (status = 401, description = "Missing or invalid key", body = ErrorEnvelope),
        (status = 404, description = "No such job for this key", body = ErrorEnvelope),
        (status = 429, description = "Rate limited", body = ErrorEnvelope),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    key: PartnerKey,
    _: NoQuery,
    PathId(id): PathId,
) -> ApiResult<Json<Data<Job>>> {
    let not_found = || ApiError::not_found("No such forwarding job");
    if !is_id("fwj", &id) {
        return Err(not_found());
    }
    let row = state
        .db
        .call(move |conn| {
            conn.query_row(
                "SELECT id, status, forwarding_url, completed, failed, created_at, completed_at
                 FROM forwarding_jobs
                 WHERE id = ?1 AND partner_id = ?2 AND environment = ?3
                   AND (?4 IS NULL OR scope_user_id = ?4)",
                params![id, key.partner_id, key.environment, key.scope_user_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                    ))
                },
            )
            .optional()
            .map_err(ApiError::from)
        })
        .await?;
    let (id, status, forwarding_url, completed, failed, created_at, completed_at) =
        row.ok_or_else(not_found)?;
    let status = JobStatus::parse(&status).ok_or_else(|| corrupt("job status"))?;
    let completed: Vec<String> =
        serde_json::from_str(&completed).map_err(|_| corrupt("job completed list"))?;
    let failed: Vec<JobFailure> =
        serde_json::from_str(&failed).map_err(|_| corrupt("job failed list"))?;
    Ok(Json(Data::new(Job {
        id,
        status,
        completed_count: u32::try_from(completed.len()).unwrap_or(u32::MAX),
        failed_count: u32::try_from(failed.len()).unwrap_or(u32::MAX),
        forwarding_url,
        completed,
        failed,
        created_at: rfc3339(created_at),
        completed_at: completed_at.map(rfc3339),
    })))
}

/// 400 `field: "forwarding_url"` unless `text` matches [`FORWARDING_URL_PATTERN`] (an absolute
/// `https://` URL with a host name of letters, digits, `-` and `.`, no user info, no white space)
/// and has at most [`MAX_URL_CHARS`] characters.
fn check_url(text: &str) -> ApiResult<()> {
    static URL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(FORWARDING_URL_PATTERN).expect("a valid pattern"));
    if text.len() > MAX_URL_CHARS || !URL.is_match(text) {
        return Err(ApiError::invalid(
            "forwarding_url",
            "forwarding_url must be an absolute https:// URL with a host name",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{FORWARDING_URL_PATTERN, ForwardingRequest, check_url};

    #[test]
    fn the_documented_pattern_is_the_one_checked() {
        let schema = <ForwardingRequest as utoipa::PartialSchema>::schema();
        let schema = serde_json::to_value(schema).expect("a schema is JSON");
        assert_eq!(
            schema["properties"]["forwarding_url"]["pattern"], FORWARDING_URL_PATTERN,
            "the OpenAPI document states the pattern the server checks"
        );
    }

    #[test]
    fn only_absolute_https_urls_with_a_host_pass() {
        for good in [
            "https://example.com",
            "https://example.com/landing?ref=x",
            "https://shop.example.co.uk:8443/a/b",
            "HTTPS://Example.com/",
            // The schema's pattern admits these characters; the check must too.
            "https://a-b.c9:8080/x_y~z.!$&'()*+,;=:@%/?q=1&r=%zz/?-._~!$'()*+,;=:@",
            "https://9",
            "https://example.com:65535/",
        ] {
            assert!(check_url(good).is_ok(), "{good} is an https URL");
        }
        for bad in [
            "",
            "example.com",
            "http://example.com",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://user:pw@example.com",
            "https://exa mple.com",
            "https://example..com",
            "https://-example.com",
            "https://exa_mple.com",
            "/relative/path",
            "javascript:alert(1)",
            "https://example.com:7841*",
            "https://example.com:123456",
            "https://example.com/#top",
        ] {
            let error = check_url(bad).expect_err(bad);
            assert_eq!(error.field(), Some("forwarding_url"), "{bad}");
        }
    }
}

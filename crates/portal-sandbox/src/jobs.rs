//! Forwarding jobs (`POST /domains/forwarding`, API.md §2 and §5).
//!
//! The handler stores a job `in_progress` and calls [`schedule`]; a Tokio task finishes it
//! [`FINISH_AFTER`] later (so a client polling at once sees it in progress, and then done well
//! within the "couple of seconds" of the contract). Finishing is one transaction: every entry is
//! resolved within the job's partner, environment and customer scope, the domains that qualify
//! get the job's `forwarding_url`, and the job gets its outcome and `completed_at`. A job is
//! only finished while it is `in_progress`, so finishing twice changes nothing. A job left
//! unfinished (the process stopped before its task ran) is finished by
//! [`finish_unfinished`], which [`crate::spawn`] runs before serving.

use std::collections::HashSet;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;

/// How long after its creation a job is finished.
pub const FINISH_AFTER: Duration = Duration::from_millis(500);

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Not finished yet.
    InProgress,
    /// Every entry succeeded.
    Completed,
    /// Some entries succeeded, some failed.
    PartialSuccess,
    /// No entry succeeded.
    Failed,
}

impl JobStatus {
    /// The value as the wire and the database spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::InProgress => "in_progress",
            JobStatus::Completed => "completed",
            JobStatus::PartialSuccess => "partial_success",
            JobStatus::Failed => "failed",
        }
    }

    /// The value spelled `text`, if any.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::InProgress,
            Self::Completed,
            Self::PartialSuccess,
            Self::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// Why an entry of a job failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(clippy::enum_variant_names)] // The wire's names: not_found, not_connected, not_active.
pub enum FailureReason {
    /// No such domain in the key's environment and scope.
    NotFound,
    /// An inventory domain: nothing to forward yet.
    NotConnected,
    /// A connected domain whose status is not `active`.
    NotActive,
}

/// A failed entry of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobFailure {
    /// The domain's name, or the entry as given (trimmed) when it named no domain.
    pub domain: String,
    /// Why it failed.
    pub reason: FailureReason,
}

/// Finishes the job `job_id` after [`FINISH_AFTER`], on its own task. An error is logged; the
/// job then stays `in_progress` until the next start.
pub fn schedule(state: AppState, job_id: String) {
    tokio::spawn(async move {
        tokio::time::sleep(FINISH_AFTER).await;
        let now = state.now_unix();
        let id = job_id.clone();
        let finished = state.db.call(move |conn| Ok(finish(conn, &id, now)?)).await;
        if let Err(error) = finished {
            tracing::error!(job = %job_id, code = error.code(), "forwarding job not finished");
        }
    });
}

/// Finishes every job still `in_progress`; returns how many.
pub fn finish_unfinished(conn: &mut Connection, now: i64) -> rusqlite::Result<usize> {
    let ids = conn
        .prepare("SELECT id FROM forwarding_jobs WHERE status = 'in_progress'")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut finished = 0;
    for id in ids {
        if finish(conn, &id, now)? {
            finished += 1;
        }
    }
    Ok(finished)
}

struct Target {
    id: String,
    name: String,
    category: String,
    status: String,
    user_id: Option<String>,
}

/// Finishes the job if it is still `in_progress`, at `now`; returns whether it did.
pub fn finish(conn: &mut Connection, job_id: &str, now: i64) -> rusqlite::Result<bool> {
    let tx = conn.transaction()?;
    let job = tx
        .query_row(
            "SELECT partner_id, environment, scope_user_id, forwarding_url, requested
             FROM forwarding_jobs WHERE id = ?1 AND status = 'in_progress'",
            [job_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((partner_id, environment, scope, url, requested)) = job else {
        return Ok(false);
    };
    let requested: Vec<String> = serde_json::from_str(&requested).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, e.into())
    })?;

    let mut completed: Vec<String> = Vec::new();
    let mut failed: Vec<JobFailure> = Vec::new();
    let mut seen = HashSet::new();
    for entry in requested {
        let entry = entry.trim().to_owned();
        let target = find(&tx, &partner_id, &environment, &entry)?
            .filter(|t| scope.is_none() || t.user_id == scope);
        let Some(target) = target else {
            if seen.insert(entry.clone()) {
                failed.push(JobFailure {
                    domain: entry,
                    reason: FailureReason::NotFound,
                });
            }
            continue;
        };
        if !seen.insert(target.id.clone()) {
            continue;
        }
        let reason = if target.category != "connected" {
            Some(FailureReason::NotConnected)
        } else if target.status != "active" {
            Some(FailureReason::NotActive)
        } else {
            None
        };
        match reason {
            Some(reason) => failed.push(JobFailure {
                domain: target.name,
                reason,
            }),
            None => {
                tx.execute(
                    "UPDATE domains SET forwarding_url = ?1 WHERE id = ?2",
                    params![url, target.id],
                )?;
                completed.push(target.name);
            }
        }
    }
    let status = if failed.is_empty() {
        JobStatus::Completed
    } else if completed.is_empty() {
        JobStatus::Failed
    } else {
        JobStatus::PartialSuccess
    };
    tx.execute(
        "UPDATE forwarding_jobs SET status = ?1, completed = ?2, failed = ?3, completed_at = ?4
         WHERE id = ?5",
        params![
            status.as_str(),
            to_json(&completed),
            to_json(&failed),
            now,
            job_id
        ],
    )?;
    tx.commit()?;
    Ok(true)
}

/// The domain an entry names in one partner's environment: a `dom_…` id, else a name (trimmed,
/// lower-cased; the newest if several rows carry it).
fn find(
    conn: &Connection,
    partner_id: &str,
    environment: &str,
    entry: &str,
) -> rusqlite::Result<Option<Target>> {
    let by_id = entry.starts_with("dom_");
    let sql = if by_id {
        "SELECT id, domain, category, status, user_id FROM domains
         WHERE partner_id = ?1 AND environment = ?2 AND id = ?3"
    } else {
        "SELECT id, domain, category, status, user_id FROM domains
         WHERE partner_id = ?1 AND environment = ?2 AND domain = ?3
         ORDER BY created_at DESC, id DESC LIMIT 1"
    };
    let key = if by_id {
        entry.to_owned()
    } else {
        entry.to_lowercase()
    };
    conn.prepare_cached(sql)?
        .query_row(params![partner_id, environment, key], |r| {
            Ok(Target {
                id: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                status: r.get(3)?,
                user_id: r.get(4)?,
            })
        })
        .optional()
}

/// A job's list for its JSON column (lists of strings and plain structs always serialize).
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

//! API keys in storage: creating one hands out its secret once and stores only its digest.
//!
//! A key's status is derived, never stored: `revoked` once `revoked_at` is set (whatever its
//! expiry), else `expired` once `expires_at <= now`, else `active` (exactly the keys the
//! `PartnerKey` extractor accepts). A *lineage* is a key and the keys that replaced it by
//! rotation: only its newest key (`replaced_by IS NULL`) counts towards the limit of active keys
//! per environment and towards label uniqueness, so a rotation is never blocked by either.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit;
use crate::crypto::{digest, random_hex32};
use crate::new_id;

/// Most active (not yet replaced) keys one partner may have in one environment.
pub const MAX_ACTIVE_PER_ENVIRONMENT: i64 = 10;

/// SQL condition (on `api_keys`, with `:now` bound) for a key that works now.
pub const ACTIVE_SQL: &str = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :now)";
/// SQL condition for an expired key (expiry passed, never revoked).
pub const EXPIRED_SQL: &str = "revoked_at IS NULL AND expires_at <= :now";
/// SQL condition for a revoked key.
pub const REVOKED_SQL: &str = "revoked_at IS NOT NULL";

/// What a new key is.
#[derive(Debug, Clone)]
pub struct NewKey<'a> {
    /// `org_…`
    pub partner_id: &'a str,
    /// `live` or `test`.
    pub environment: &'a str,
    /// The label shown in lists.
    pub label: &'a str,
    /// `full`, `limited` or `read`.
    pub preset: &'a str,
    /// Limit the key to one customer.
    pub scope_user_id: Option<&'a str>,
    /// The admin creating it.
    pub created_by: Option<&'a str>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, if it expires.
    pub expires_at: Option<i64>,
}

/// A created key: its id and the secret, which exists nowhere else from here on. Its `Debug`
/// never shows the secret.
pub struct CreatedKey {
    /// `key_…`
    pub id: String,
    /// `pk_<env>_<64 hex>`; hand it to the caller once and drop it.
    pub secret: String,
}

impl std::fmt::Debug for CreatedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedKey")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// Inserts a key with a fresh secret. The secret's digest, `prefix` (first 24 characters) and
/// `last_four` are stored; the secret is not.
pub fn create(conn: &Connection, key: &NewKey<'_>) -> rusqlite::Result<CreatedKey> {
    let secret = format!("pk_{}_{}", key.environment, random_hex32());
    let id = new_id("key");
    let prefix = &secret[..24];
    let last_four = &secret[secret.len() - 4..];
    conn.execute(
        "INSERT INTO api_keys (id, partner_id, environment, label, prefix, last_four,
             permission_preset, scope_user_id, secret_digest, created_at, created_by, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            key.partner_id,
            key.environment,
            key.label,
            prefix,
            last_four,
            key.preset,
            key.scope_user_id,
            digest(&secret),
            key.created_at,
            key.created_by,
            key.expires_at
        ],
    )?;
    Ok(CreatedKey { id, secret })
}

/// Revokes a key at `at`; a key already revoked keeps its first `revoked_at`.
pub fn revoke(conn: &Connection, id: &str, at: i64) -> rusqlite::Result<bool> {
    conn.execute(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?1) WHERE id = ?2",
        params![at, id],
    )
    .map(|n| n > 0)
}

/// A key's derived status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// It works.
    Active,
    /// Its `expires_at` has passed.
    Expired,
    /// It was revoked.
    Revoked,
}

impl KeyStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Expired => "expired",
            KeyStatus::Revoked => "revoked",
        }
    }

    /// The SQL condition selecting keys with this status (`:now` bound).
    pub fn sql(self) -> &'static str {
        match self {
            KeyStatus::Active => ACTIVE_SQL,
            KeyStatus::Expired => EXPIRED_SQL,
            KeyStatus::Revoked => REVOKED_SQL,
        }
    }
}

/// A stored key, without its digest.
#[derive(Debug, Clone)]
pub struct KeyRow {
    /// `key_…`
    pub id: String,
    /// `live` or `test`.
    pub environment: String,
    /// Trimmed label.
    pub label: String,
    /// First 24 characters of the secret.
    pub prefix: String,
    /// Last 4 characters of the secret.
    pub last_four: String,
    /// `full`, `limited` or `read`.
    pub preset: String,
    /// Set when the key is limited to one customer.
    pub scope_user_id: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// The admin who created it (`None` for keys the sandbox made itself).
    pub created_by: Option<String>,
    /// Unix seconds.
    pub expires_at: Option<i64>,
    /// Unix seconds.
    pub revoked_at: Option<i64>,
    /// Unix seconds of the latest authenticated request.
    pub last_used_at: Option<i64>,
    /// The key that replaced this one by rotation.
    pub replaced_by: Option<String>,
    /// The key this one replaced by rotation.
    pub replaces: Option<String>,
}

/// The columns [`KeyRow::from_row`] reads, in order.
pub const COLUMNS: &str = "id, environment, label, prefix, last_four, permission_preset, \
    scope_user_id, created_at, created_by, expires_at, revoked_at, last_used_at, replaced_by, \
    replaces";

impl KeyRow {
    /// Reads a row selected with [`COLUMNS`].
    pub fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            environment: r.get(1)?,
            label: r.get(2)?,
            prefix: r.get(3)?,
            last_four: r.get(4)?,
            preset: r.get(5)?,
            scope_user_id: r.get(6)?,
            created_at: r.get(7)?,
            created_by: r.get(8)?,
            expires_at: r.get(9)?,
            revoked_at: r.get(10)?,
            last_used_at: r.get(11)?,
            replaced_by: r.get(12)?,
            replaces: r.get(13)?,
        })
    }

    /// The status at `now` (the same rule as [`ACTIVE_SQL`] and friends).
    pub fn status(&self, now: i64) -> KeyStatus {
        if self.revoked_at.is_some() {
            KeyStatus::Revoked
        } else if self.expires_at.is_some_and(|at| at <= now) {
            KeyStatus::Expired
        } else {
            KeyStatus::Active
        }
    }
}

/// The partner's key `id`, if it is theirs.
pub fn load(conn: &Connection, partner_id: &str, id: &str) -> rusqlite::Result<Option<KeyRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM api_keys WHERE id = ?1 AND partner_id = ?2"),
        params![id, partner_id],
        KeyRow::from_row,
    )
    .optional()
}

/// Active keys of the partner in `environment` that have not been replaced by a rotation.
pub fn count_active(
    conn: &Connection,
    partner_id: &str,
    environment: &str,
    now: i64,
) -> rusqlite::Result<i64> {
    conn.query_row(
        &format!(
            "SELECT COUNT(*) FROM api_keys WHERE partner_id = :partner AND environment = :env
             AND replaced_by IS NULL AND {ACTIVE_SQL}"
        ),
        rusqlite::named_params! { ":partner": partner_id, ":env": environment, ":now": now },
        |r| r.get(0),
    )
}

/// Whether an active, not replaced key of the partner in `environment` has `label` (already
/// trimmed).
pub fn label_taken(
    conn: &Connection,
    partner_id: &str,
    environment: &str,
    label: &str,
    now: i64,
) -> rusqlite::Result<bool> {
    conn.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM api_keys WHERE partner_id = :partner
             AND environment = :env AND label = :label AND replaced_by IS NULL AND {ACTIVE_SQL})"
        ),
        rusqlite::named_params! {
            ":partner": partner_id, ":env": environment, ":label": label, ":now": now
        },
        |r| r.get(0),
    )
}

/// Records the missing `api_key.expired` events of the partner's keys, exactly once per key.
///
/// Expiry happens by the clock, not by a request, so it is recorded lazily: whoever reads the
/// audit log first calls this. The event is dated at the key's `expires_at` (when it happened),
/// with no actor and no request id. A key revoked before (or when) it expired never expired.
/// Since an event is only recorded once `expires_at <= now`, it never lands behind a page
/// already served. Returns how many events were recorded.
pub fn record_expiries(conn: &Connection, partner_id: &str, now: i64) -> rusqlite::Result<usize> {
    let mut statement = conn.prepare(
        "SELECT k.id, k.expires_at FROM api_keys k
         WHERE k.partner_id = ?1 AND k.expires_at <= ?2
           AND (k.revoked_at IS NULL OR k.revoked_at > k.expires_at)
           AND NOT EXISTS (SELECT 1 FROM audit_events e
                           WHERE e.partner_id = ?1 AND e.api_key_id = k.id
                             AND e.type = 'api_key.expired')",
    )?;
    let expired = statement
        .query_map(params![partner_id, now], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (key_id, at) in &expired {
        audit::record(
            conn,
            &audit::Event {
                partner_id,
                kind: "api_key.expired",
                actor: None,
                api_key_id: Some(key_id),
                at: *at,
                request_id: None,
            },
        )?;
    }
    Ok(expired.len())
}

/// Per-bucket request counts of a key: `buckets` buckets of `size` seconds starting at `first`
/// (aligned), oldest first.
pub fn usage_counts(
    conn: &Connection,
    key_id: &str,
    first: i64,
    size: i64,
    buckets: usize,
) -> rusqlite::Result<Vec<i64>> {
    let mut counts = vec![0; buckets];
    let mut statement = conn.prepare(
        "SELECT (minute - ?2) / ?3, SUM(count) FROM key_usage
         WHERE api_key_id = ?1 AND minute >= ?2 GROUP BY 1",
    )?;
    let rows = statement.query_map(params![key_id, first, size], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (index, count) = row?;
        if let Some(slot) = usize::try_from(index).ok().and_then(|i| counts.get_mut(i)) {
            *slot += count;
        }
    }
    Ok(counts)
}

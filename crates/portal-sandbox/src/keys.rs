//! API keys in storage: creating one hands out its secret once and stores only its digest.

use rusqlite::{Connection, params};

use crate::crypto::{digest, random_hex32};
use crate::new_id;

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

/// A created key: its id and the secret, which exists nowhere else from here on.
#[derive(Debug)]
pub struct CreatedKey {
    /// `key_…`
    pub id: String,
    /// `pk_<env>_<64 hex>`; hand it to the caller once and drop it.
    pub secret: String,
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

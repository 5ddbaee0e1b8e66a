//! Audit events: what happened to sessions and keys, never a secret.

use rusqlite::{Connection, params};

use crate::new_id;

/// One event to record.
#[derive(Debug)]
pub struct Event<'a> {
    /// The partner the event belongs to.
    pub partner_id: &'a str,
    /// `api_key.created`, `session.created`, ...
    pub kind: &'a str,
    /// The admin who acted, if one did.
    pub actor: Option<&'a str>,
    /// The key concerned, if any.
    pub api_key_id: Option<&'a str>,
    /// Unix seconds.
    pub at: i64,
    /// The request that caused it (none for expiry).
    pub request_id: Option<&'a str>,
}

/// Inserts the event (inside the caller's transaction).
pub fn record(conn: &Connection, event: &Event<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_events (id, partner_id, type, actor, api_key_id, at, request_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            new_id("evt"),
            event.partner_id,
            event.kind,
            event.actor,
            event.api_key_id,
            event.at,
            event.request_id
        ],
    )
    .map(drop)
}

//! SQLite storage: one database file in WAL mode with `synchronous=FULL`.
//!
//! [`Db::call`] runs a closure on a blocking thread with the one writing connection, so handlers
//! never block the async runtime; [`Db::read`] does the same with one of a few read-only
//! connections, which WAL lets run alongside each other and alongside the writer (each statement
//! sees every transaction committed before it started). The schema is versioned with `PRAGMA user_version`. Secrets and session
//! tokens are stored only as SHA-256 digests, passwords only as Argon2id hashes.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::ApiError;

/// The schema, applied to a new database. Times are Unix seconds (UTC).
const SCHEMA_V1: &str = r"
CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE admins (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners(id),
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_digest BLOB NOT NULL UNIQUE,
    admin_id TEXT NOT NULL REFERENCES admins(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE TABLE sign_in_failures (
    email TEXT NOT NULL COLLATE NOCASE,
    at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email, at);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners(id),
    environment TEXT NOT NULL CHECK (environment IN ('live', 'test')),
    label TEXT NOT NULL,
    prefix TEXT NOT NULL,
    last_four TEXT NOT NULL,
    permission_preset TEXT NOT NULL CHECK (permission_preset IN ('full', 'limited', 'read')),
    scope_user_id TEXT,
    secret_digest BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    expires_at INTEGER,
    revoked_at INTEGER,
    last_used_at INTEGER,
    replaced_by TEXT,
    replaces TEXT
);
CREATE INDEX api_keys_page ON api_keys (partner_id, environment, created_at DESC, id DESC);
CREATE TABLE key_usage (
    api_key_id TEXT NOT NULL,
    minute INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, minute)
) WITHOUT ROWID;
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners(id),
    environment TEXT NOT NULL CHECK (environment IN ('live', 'test')),
    email TEXT NOT NULL COLLATE NOCASE,
    first_name TEXT,
    last_name TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'deleted')),
    created_at INTEGER NOT NULL
);
CREATE INDEX users_page ON users (partner_id, environment, created_at DESC, id DESC);
CREATE INDEX users_by_email ON users (partner_id, environment, email);
CREATE TABLE domains (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners(id),
    environment TEXT NOT NULL CHECK (environment IN ('live', 'test')),
    domain TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('inventory', 'connected')),
    status TEXT NOT NULL
        CHECK (status IN ('available', 'in_progress', 'active', 'failed', 'action_required')),
    -- bit 1: google, bit 2: microsoft
    usable_for INTEGER NOT NULL,
    provider TEXT CHECK (provider IN ('google', 'microsoft')),
    user_id TEXT,
    order_id TEXT,
    forwarding_url TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX domains_page ON domains (partner_id, environment, created_at DESC, id DESC);
CREATE INDEX domains_by_status ON domains (partner_id, environment, status, created_at DESC, id DESC);
CREATE INDEX domains_by_category
    ON domains (partner_id, environment, category, created_at DESC, id DESC);
CREATE INDEX domains_by_category_status
    ON domains (partner_id, environment, category, status, created_at DESC, id DESC);
CREATE INDEX domains_by_user ON domains (partner_id, environment, user_id, created_at DESC, id DESC);
CREATE INDEX domains_by_name ON domains (partner_id, environment, domain);
CREATE INDEX domains_counts
    ON domains (partner_id, environment, status, category, provider, usable_for);
CREATE TABLE forwarding_jobs (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners(id),
    environment TEXT NOT NULL CHECK (environment IN ('live', 'test')),
    scope_user_id TEXT,
    forwarding_url TEXT NOT NULL,
    -- JSON array of the entries as requested (dom_ ids or names)
    requested TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('in_progress', 'completed', 'partial_success', 'failed')),
    -- JSON arrays, filled when the job finishes
    completed TEXT NOT NULL DEFAULT '[]',
    failed TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    completed_at INTEGER
);
CREATE INDEX forwarding_jobs_unfinished ON forwarding_jobs (status) WHERE status = 'in_progress';
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners(id),
    type TEXT NOT NULL,
    actor TEXT,
    api_key_id TEXT,
    at INTEGER NOT NULL,
    request_id TEXT
);
CREATE INDEX audit_events_by_partner ON audit_events (partner_id, at DESC, id DESC);
CREATE INDEX audit_events_by_key ON audit_events (partner_id, api_key_id, at DESC, id DESC);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// A handle on the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
    /// Read-only connections of a database file; empty for an in-memory database, whose reads
    /// then go to the writer.
    readers: Arc<[Mutex<Connection>]>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

/// How many read-only connections a database file gets: one per core, at least two.
fn reader_count() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings the schema up to date.
    /// Returns whether the database was new.
    pub fn open(path: &Path) -> anyhow::Result<(Self, bool)> {
        let (mut db, fresh) = Self::configure(Connection::open(path)?)?;
        let readers = (0..reader_count())
            .map(|_| {
                let conn = Connection::open(path)?;
                conn.pragma_update(None, "query_only", true)?;
                tune(&conn)?;
                Ok(Mutex::new(conn))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        db.readers = readers.into();
        Ok((db, fresh))
    }

    /// An in-memory database, for tests.
    pub fn open_in_memory() -> anyhow::Result<(Self, bool)> {
        Self::configure(Connection::open_in_memory()?)
    }

    fn configure(conn: Connection) -> anyhow::Result<(Self, bool)> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        tune(&conn)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let fresh = version == 0;
        if fresh {
            conn.execute_batch(&format!(
                "BEGIN; {SCHEMA_V1} PRAGMA user_version = 1; COMMIT;"
            ))?;
        } else if version != 1 {
            anyhow::bail!("database schema version {version} is newer than this sandbox knows");
        }
        Ok((
            Self {
                conn: Arc::new(Mutex::new(conn)),
                readers: Arc::new([]),
            },
            fresh,
        ))
    }

    /// Runs `f` with the writing connection on a blocking thread.
    pub async fn call<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = lock(&conn)?;
            f(&mut guard)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Runs `f`, which only reads, with a read-only connection on a blocking thread: the first
    /// idle one, or else the next in turn. A write in `f` fails (`query_only`).
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        if self.readers.is_empty() {
            return self.call(move |conn| f(conn)).await;
        }
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let idle = readers.iter().find_map(|r| r.try_lock().ok());
            match idle {
                Some(conn) => f(&conn),
                None => {
                    let turn = NEXT_READER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let guard = lock(&readers[turn % readers.len()])?;
                    f(&guard)
                }
            }
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// [`Db::read`] for a small read: a lookup by a unique index or one page (an index range of
    /// at most 101 rows), well under a millisecond. An idle reader answers on this thread, which
    /// is cheaper than handing the read to another thread; when none is idle, it goes to the
    /// blocking pool. Never for reads that grow with the data set (counts, scans).
    pub async fn read_small<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        match self.read_if_idle(f) {
            Ok(answer) => answer,
            Err(f) => self.read(f).await,
        }
    }

    /// Runs `f` on this thread with an idle reader, or gives it back when none is idle.
    fn read_if_idle<T, F>(&self, f: F) -> Result<Result<T, ApiError>, F>
    where
        F: FnOnce(&Connection) -> Result<T, ApiError>,
    {
        match self.readers.iter().find_map(|r| r.try_lock().ok()) {
            Some(conn) => Ok(f(&conn)),
            None => Err(f),
        }
    }

    /// Runs `f` with the writing connection on the current thread (start-up and seeding only).
    pub fn blocking<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> anyhow::Result<T> {
        let mut guard = self
            .conn
            .lock()
            .map_err(|_| anyhow::anyhow!("database lock poisoned"))?;
        Ok(f(&mut guard))
    }
}

/// Settings every connection gets.
///
/// The query planner stability guarantee keeps one plan per prepared statement. Without it, the
/// bundled SQLite (built with STAT4) marks a statement for recompiling whenever a parameter the
/// planner looked at is bound again, `LIMIT ?` included: every page of `GET /domains` was parsed
/// and planned anew. Our plans come from the indexes, not from statistics, so nothing is lost.
/// The statement cache holds every query the API makes (16 by default would not).
fn tune(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Spreads readers that found no idle connection over all of them.
static NEXT_READER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn lock(conn: &Mutex<Connection>) -> Result<std::sync::MutexGuard<'_, Connection>, ApiError> {
    conn.lock()
        .map_err(|_| ApiError::internal("database lock poisoned"))
}

/// Reads a `meta` value.
pub fn meta_get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

/// Writes a `meta` value.
pub fn meta_set(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .map(drop)
}

/// The default partner's id (the sandbox serves one partner).
pub fn partner_id(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row(
        "SELECT id FROM partners ORDER BY created_at, id LIMIT 1",
        [],
        |r| r.get(0),
    )
}

/// The key that signs page tokens: random, made once per database.
pub fn page_key(conn: &mut Connection) -> anyhow::Result<crate::page::PageKey> {
    let hex_key = match meta_get(conn, "page_token_key")? {
        Some(existing) => existing,
        None => {
            let fresh = crate::crypto::random_hex32();
            meta_set(conn, "page_token_key", &fresh)?;
            fresh
        }
    };
    let bytes: [u8; 32] = hex::decode(&hex_key)?
        .try_into()
        .map_err(|_| anyhow::anyhow!("the page-token key in the database is not 32 bytes"))?;
    Ok(crate::page::PageKey::new(bytes))
}

#[cfg(test)]
mod tests {
    use rusqlite::config::DbConfig;
    use rusqlite::{Connection, StatementStatus};

    use super::{Db, tune};

    /// Runs a page-like query (`LIMIT ?` over an index) three times with new bindings, as the
    /// statement cache does, and returns how often SQLite recompiled it.
    fn recompiles(conn: &Connection) -> i32 {
        conn.execute_batch(
            "CREATE TABLE t (a INTEGER, b INTEGER); CREATE INDEX t_a ON t (a, b DESC);
             INSERT INTO t VALUES (1, 1), (1, 2), (1, 3);",
        )
        .unwrap();
        let mut statement = conn
            .prepare_cached("SELECT b FROM t WHERE a = ? ORDER BY b DESC LIMIT ?")
            .unwrap();
        for limit in 1..=3 {
            let rows = statement
                .query_map([1, limit], |r| r.get::<_, i64>(0))
                .unwrap()
                .count();
            assert_eq!(rows, usize::try_from(limit).unwrap());
        }
        statement.get_status(StatementStatus::RePrepare)
    }

    #[test]
    fn page_queries_are_compiled_once() {
        // The trap: the bundled SQLite recompiles a statement whenever `LIMIT ?` is bound anew.
        assert!(recompiles(&Connection::open_in_memory().unwrap()) > 0);
        let conn = Connection::open_in_memory().unwrap();
        tune(&conn).unwrap();
        assert_eq!(recompiles(&conn), 0);
    }

    #[test]
    fn every_connection_is_tuned() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = Db::open(&dir.path().join("t.sqlite")).unwrap();
        let qpsg = |conn: &Connection| {
            conn.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG)
                .unwrap()
        };
        assert!(qpsg(&db.conn.lock().unwrap()));
        assert!(!db.readers.is_empty());
        for reader in db.readers.iter() {
            assert!(qpsg(&reader.lock().unwrap()));
        }
    }
}

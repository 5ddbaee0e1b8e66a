//! Per-key usage counts, buffered in memory and written to SQLite in batches.
//!
//! Every authenticated partner request counts (API.md §5), but a durable commit per request
//! (`synchronous=FULL`) would cap the partner API at the disk's fsync rate. So a request only
//! bumps an in-memory counter, and [`UsageBuffer::flush`] writes everything pending in one
//! transaction: every second from a background task, before any portal request is answered (so
//! `last_used_at` and the usage windows are exact when an admin reads them), and when the server
//! stops. A process killed with `kill -9` loses at most the last second of counts, never a key,
//! a session or any other row.

use std::collections::HashMap;
use std::sync::Mutex;

use rusqlite::{Connection, params};

/// Counts not yet written to `key_usage` and `api_keys.last_used_at`.
#[derive(Debug, Default)]
pub struct UsageBuffer {
    pending: Mutex<Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    /// (key id, minute start) → requests.
    counts: HashMap<(String, i64), i64>,
    /// key id → latest request time.
    last_used: HashMap<String, i64>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.last_used.is_empty()
    }

    /// Adds `other` back (after a failed write), keeping the latest `last_used`.
    fn merge(&mut self, other: Pending) {
        for (bucket, count) in other.counts {
            *self.counts.entry(bucket).or_default() += count;
        }
        for (key, at) in other.last_used {
            let latest = self.last_used.entry(key).or_insert(at);
            *latest = (*latest).max(at);
        }
    }
}

impl UsageBuffer {
    /// Counts one request of `key_id` at unix time `now`.
    pub fn record(&self, key_id: &str, now: i64) {
        let minute = now.div_euclid(60) * 60;
        let mut pending = self.lock();
        *pending
            .counts
            .entry((key_id.to_owned(), minute))
            .or_default() += 1;
        let latest = pending.last_used.entry(key_id.to_owned()).or_insert(now);
        *latest = (*latest).max(now);
    }

    /// Writes every pending count in one transaction. On failure the counts stay pending, to be
    /// written by the next flush. Returns the number of usage buckets written.
    pub fn flush(&self, conn: &mut Connection) -> rusqlite::Result<usize> {
        let taken = std::mem::take(&mut *self.lock());
        if taken.is_empty() {
            return Ok(0);
        }
        match write(conn, &taken) {
            Ok(()) => Ok(taken.counts.len()),
            Err(error) => {
                self.lock().merge(taken);
                Err(error)
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        // A panic while holding this lock cannot leave the maps half-updated in a way that
        // matters (at worst one count is lost), so a poisoned lock is simply taken over.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn write(conn: &mut Connection, pending: &Pending) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut bump = tx.prepare_cached(
            "INSERT INTO key_usage (api_key_id, minute, count) VALUES (?1, ?2, ?3)
             ON CONFLICT (api_key_id, minute) DO UPDATE SET count = count + excluded.count",
        )?;
        for ((key_id, minute), count) in &pending.counts {
            bump.execute(params![key_id, minute, count])?;
        }
        let mut touch = tx.prepare_cached(
            "UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?1) WHERE id = ?2",
        )?;
        for (key_id, at) in &pending.last_used {
            touch.execute(params![at, key_id])?;
        }
    }
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE api_keys (id TEXT PRIMARY KEY, last_used_at INTEGER);
             CREATE TABLE key_usage (api_key_id TEXT, minute INTEGER, count INTEGER,
                                     PRIMARY KEY (api_key_id, minute));
             INSERT INTO api_keys (id) VALUES ('key_a'), ('key_b');",
        )
        .unwrap();
        conn
    }

    fn counts(conn: &Connection) -> Vec<(String, i64, i64)> {
        let mut stmt = conn
            .prepare("SELECT api_key_id, minute, count FROM key_usage ORDER BY 1, 2")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn flush_adds_to_existing_buckets_and_keeps_the_latest_use() {
        let mut conn = db();
        let buffer = UsageBuffer::default();
        buffer.record("key_a", 120);
        buffer.record("key_a", 179);
        buffer.record("key_a", 180);
        buffer.record("key_b", 61);
        assert_eq!(buffer.flush(&mut conn).unwrap(), 3);
        buffer.record("key_a", 150);
        assert_eq!(buffer.flush(&mut conn).unwrap(), 1);
        assert_eq!(buffer.flush(&mut conn).unwrap(), 0, "nothing left pending");

        assert_eq!(
            counts(&conn),
            vec![
                ("key_a".into(), 120, 3),
                ("key_a".into(), 180, 1),
                ("key_b".into(), 60, 1),
            ]
        );
        let last: i64 = conn
            .query_row(
                "SELECT last_used_at FROM api_keys WHERE id = 'key_a'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            last, 180,
            "an older request flushed later does not move it back"
        );
    }

    #[test]
    fn a_failed_flush_keeps_the_counts_for_the_next_one() {
        let mut conn = db();
        let buffer = UsageBuffer::default();
        buffer.record("key_a", 60);
        conn.execute_batch("ALTER TABLE key_usage RENAME TO gone")
            .unwrap();
        assert!(buffer.flush(&mut conn).is_err());
        buffer.record("key_a", 61);
        conn.execute_batch("ALTER TABLE gone RENAME TO key_usage")
            .unwrap();
        buffer.flush(&mut conn).unwrap();
        assert_eq!(counts(&conn), vec![("key_a".into(), 60, 2)]);
    }
}

//! How long seeding takes and what it costs on disk.
//!
//! `cargo bench -p portal-sandbox --bench seed [-- --domains N --seed N]` (or the environment
//! variables `SEED_DOMAINS` and `SEED`; defaults: seed 1, 1,000,000 domains per environment).
//! Seeds a fresh database file in a temporary directory exactly as the sandbox does on first
//! start, then prints the row counts, the time taken, rows per second, the file size after a WAL
//! checkpoint, and the time of a few queries the list and stats endpoints run.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use portal_sandbox::seed;
use portal_sandbox::store::{Db, partner_id};
use rusqlite::{Connection, OptionalExtension, params};

/// Queries the list and stats endpoints run, timed on the seeded data: `?1` is the partner,
/// `?2`/`?3` the cursor (`created_at`, `id`) of the 100th newest failed live domain.
const QUERIES: &[(&str, &str)] = &[
    (
        "first page, newest 100",
        "SELECT id, domain, category, status, usable_for, provider, user_id, order_id,
                forwarding_url, created_at
         FROM domains WHERE partner_id = ?1 AND environment = 'live'
         ORDER BY created_at DESC, id DESC LIMIT 101",
    ),
    (
        "second page by cursor, status failed",
        "SELECT id, domain, category, status, usable_for, provider, user_id, order_id,
                forwarding_url, created_at
         FROM domains
         WHERE partner_id = ?1 AND environment = 'live' AND status = 'failed'
           AND (created_at, id) < (?2, ?3)
         ORDER BY created_at DESC, id DESC LIMIT 101",
    ),
    (
        "first page of the oldest customer's domains",
        "SELECT id, domain, created_at FROM domains
         WHERE partner_id = ?1 AND environment = 'live'
           AND user_id = (SELECT id FROM users WHERE partner_id = ?1 AND environment = 'live'
                          ORDER BY created_at, id LIMIT 1)
         ORDER BY created_at DESC, id DESC LIMIT 101",
    ),
    (
        "counts by status, category and provider (whole environment)",
        "SELECT status, category, provider, count(*) FROM domains
         WHERE partner_id = ?1 AND environment = 'live'
         GROUP BY status, category, provider",
    ),
];

fn main() -> anyhow::Result<()> {
    let domains: u32 = setting("--domains", "SEED_DOMAINS")?.unwrap_or(1_000_000);
    let seed_value: u64 = setting("--seed", "SEED")?.unwrap_or(1);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("seed-bench.sqlite");
    let (db, fresh) = Db::open(&path)?;
    anyhow::ensure!(fresh, "the benchmark needs a fresh database");

    let started = Instant::now();
    db.blocking(|conn| seed::seed(conn, seed_value, domains))??;
    let took = started.elapsed();

    let (users, rows, size, timings) = db.blocking(|conn| -> anyhow::Result<_> {
        let count = |table: &str| -> rusqlite::Result<i64> {
            conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        };
        let (users, rows) = (count("users")?, count("domains")?);
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let size = std::fs::metadata(&path)?.len();
        Ok((users, rows, size, time_queries(conn)?))
    })??;

    let secs = took.as_secs_f64();
    println!("seed {seed_value}, {domains} domains per environment (live and test)");
    println!(
        "domains: {rows} in all; customers: {} per environment",
        users / 2
    );
    println!(
        "seeding took {secs:.2} s: {:.0} rows/s (customers and domains)",
        (users + rows) as f64 / secs
    );
    println!(
        "database file: {:.1} MiB after a WAL checkpoint",
        size as f64 / 1_048_576.0
    );
    for (label, took) in timings {
        println!("query, {label}: {:.3} ms", took.as_secs_f64() * 1000.0);
    }
    Ok(())
}

/// Runs each query of [`QUERIES`] once to warm the cache, then times a second run.
fn time_queries(conn: &Connection) -> anyhow::Result<Vec<(&'static str, Duration)>> {
    let partner = partner_id(conn)?;
    let (cursor_at, cursor_id): (i64, String) = conn
        .query_row(
            "SELECT created_at, id FROM domains
         WHERE partner_id = ?1 AND environment = 'live' AND status = 'failed'
         ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET 99",
            [&partner],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((i64::MAX, String::new()));
    let mut timings = Vec::with_capacity(QUERIES.len());
    for &(label, sql) in QUERIES {
        let mut stmt = conn.prepare(sql)?;
        let mut took = Duration::ZERO;
        for _ in 0..2 {
            let started = Instant::now();
            let mut rows = if stmt.parameter_count() == 3 {
                stmt.query(params![partner, cursor_at, cursor_id])?
            } else {
                stmt.query(params![partner])?
            };
            while rows.next()?.is_some() {}
            took = started.elapsed();
        }
        timings.push((label, took));
    }
    Ok(timings)
}

/// `--name N` from the arguments (cargo passes `--bench` too, which is ignored), else the
/// environment variable, else `None`.
fn setting<T: std::str::FromStr>(flag: &str, var: &str) -> anyhow::Result<Option<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let args: Vec<String> = std::env::args().collect();
    let given = args
        .iter()
        .position(|a| a == flag)
        .map(|i| {
            args.get(i + 1)
                .cloned()
                .with_context(|| format!("{flag} needs a value"))
        })
        .transpose()?
        .or_else(|| std::env::var(var).ok());
    given
        .map(|v| {
            v.parse::<T>()
                .with_context(|| format!("{flag}: not a number: {v}"))
        })
        .transpose()
}

//! Deterministic synthetic data: the same `--seed` gives the same partner, admin, customers and
//! domains, byte for byte, on any machine and any day.
//!
//! Every row is dated in the two years before the fixed [`REFERENCE_UNIX`] (2026-11-01), never
//! from the clock; ids are ULIDs built from the row's own `created_at` and the seeded generator;
//! no platform-dependent floating-point function is used. The live and test data sets come from
//! two generators derived from the seed and the environment, so they differ.
//!
//! Seeding is built for size (a million domains per environment): one transaction, one cached
//! prepared statement per table, no allocation per row, the domains of both environments
//! inserted in creation order (so the primary-key index grows at its end), and on a fresh
//! database the secondary indexes of `users` and `domains` are dropped during the bulk insert and
//! re-created from their own stored DDL at the end, so the schema ends up exactly as `store.rs`
//! made it (whatever indexes it defines).

mod domains;
mod names;
mod users;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, Transaction, params};
use ulid::Ulid;

use crate::store::meta_set;

/// The reference date synthetic data is dated from: 2026-11-01T00:00:00Z.
pub const REFERENCE_UNIX: i64 = 1_793_491_200;
/// The start of the synthetic data's history: 2024-11-01T00:00:00Z, two years (730 days) before
/// [`REFERENCE_UNIX`]. Every seeded row has `START_UNIX <= created_at < REFERENCE_UNIX`.
pub const START_UNIX: i64 = REFERENCE_UNIX - 730 * DAY;
/// The default partner's name.
pub const PARTNER_NAME: &str = "Acme Resellers";
/// The admin's display name.
pub const ADMIN_NAME: &str = "Alex Morgan";

const DAY: i64 = 86_400;
/// Environments, each with the salt that derives its generator from the seed.
const ENVIRONMENTS: [(&str, u64); 2] = [("live", 0x6c69_7665), ("test", 0x7465_7374)];
/// Page cache during seeding, in KiB (64 MiB; the default is 2 MiB). Larger gained nothing
/// measurable at a million domains per environment. Only pages in use are allocated, and the
/// previous size is restored afterwards.
const SEEDING_CACHE_KIB: i64 = 64 * 1024;

/// The number of customers seeded per environment for `domains` domains: one for every eight
/// domains (about five connected domains each), and never fewer than 40.
pub fn customers_for(domains: u32) -> u32 {
    (domains / 8).max(40)
}

/// A deterministic id: `prefix_` + a ULID whose time and randomness come from `rng`.
fn seeded_id(rng: &mut StdRng, prefix: &str, unix: i64) -> String {
    IdBuf::new(rng, prefix, unix).as_str().to_owned()
}

/// An id kept on the stack: a three-letter prefix, `_`, and a canonical 26-character ULID whose
/// milliseconds lie within the second `unix` and whose randomness comes from `rng`.
#[derive(Debug, Clone, Copy)]
struct IdBuf([u8; 30]);

impl IdBuf {
    fn new(rng: &mut StdRng, prefix: &str, unix: i64) -> Self {
        let millis = u64::try_from(unix).unwrap_or(0) * 1000 + rng.random_range(0..1000);
        let ulid = Ulid::from_parts(millis, rng.random::<u128>());
        let mut bytes = [b'_'; 30];
        bytes[..3].copy_from_slice(&prefix.as_bytes()[..3]);
        let mut encoded = [0u8; ulid::ULID_LEN];
        ulid.array_to_str(&mut encoded);
        bytes[4..].copy_from_slice(&encoded);
        Self(bytes)
    }

    fn as_str(&self) -> &str {
        // Always ASCII: a fixed prefix and Crockford base32.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// What every row of one environment's data set shares.
struct Env<'a> {
    partner_id: &'a str,
    environment: &'static str,
    rng: StdRng,
}

/// Seeds a new database: the partner and its admin (without a password: see [`set_admin`]),
/// then for each environment [`customers_for`]`(domains)` customers and `domains` domains.
/// Runs in one transaction: on error nothing is written.
///
/// For the bulk write, a database in WAL mode is switched to a rollback journal (`DELETE`) and
/// back: the rows are then written once, straight into the file, instead of once into the WAL
/// and again at the checkpoint, and pages the transaction adds to a new file need no journal, so
/// a crash still leaves the database as it was. Meanwhile the page cache is enlarged and SQLite
/// may sort with helper threads (one per core, at most four) when it builds the indexes; every
/// setting is restored afterwards. The data does not depend on any of this.
pub fn seed(conn: &mut Connection, seed: u64, domains: u32) -> rusqlite::Result<()> {
    let cache_kib: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    let threads: i64 = conn.pragma_query_value(None, "threads", |r| r.get(0))?;
    let journal: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    let wal = journal.eq_ignore_ascii_case("wal");
    if wal {
        conn.pragma_update(None, "journal_mode", "DELETE")?;
    }
    conn.pragma_update(None, "cache_size", -SEEDING_CACHE_KIB)?;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    conn.pragma_update(None, "threads", i64::try_from(cores.min(4)).unwrap_or(1))?;
    let seeded = seed_in_transaction(conn, seed, domains);
    conn.pragma_update(None, "cache_size", cache_kib)?;
    conn.pragma_update(None, "threads", threads)?;
    if wal {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    seeded
}

fn seed_in_transaction(conn: &mut Connection, seed: u64, domains: u32) -> rusqlite::Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let created = START_UNIX;
    let partner_id = seeded_id(&mut rng, "org", created);
    let admin_id = seeded_id(&mut rng, "adm", created);
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO partners (id, name, created_at) VALUES (?1, ?2, ?3)",
        params![partner_id, PARTNER_NAME, created],
    )?;
    tx.execute(
        "INSERT INTO admins (id, partner_id, email, name, password_hash, created_at)
         VALUES (?1, ?2, '', ?3, '', ?4)",
        params![admin_id, partner_id, ADMIN_NAME, created],
    )?;
    let deferred = defer_indexes(&tx)?;
    let mut streams = Vec::with_capacity(ENVIRONMENTS.len());
    for (environment, salt) in ENVIRONMENTS {
        let mut env = Env {
            partner_id: &partner_id,
            environment,
            rng: StdRng::seed_from_u64(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt),
        };
        let customers = users::insert(&tx, &mut env, customers_for(domains))?;
        streams.push(domains::Domains::new(env, domains, customers));
    }
    domains::insert_all(&tx, &mut streams)?;
    drop(streams);
    for sql in &deferred {
        tx.execute_batch(sql)?;
    }
    meta_set(&tx, "seed", &seed.to_string())?;
    meta_set(&tx, "domains_per_environment", &domains.to_string())?;
    tx.commit()
}

/// On a fresh database (no customers, no domains), drops the secondary indexes of `users` and
/// `domains` and returns their DDL as stored, to be run again after the bulk insert: building an
/// index in one sort costs about a quarter less CPU than updating it row by row (measured at a
/// million domains per environment). Returns nothing to re-create when the tables hold rows.
fn defer_indexes(tx: &Transaction<'_>) -> rusqlite::Result<Vec<String>> {
    let empty: bool = tx.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM domains)",
        [],
        |r| r.get(0),
    )?;
    if !empty {
        return Ok(Vec::new());
    }
    // `sql` is NULL for the automatic indexes of PRIMARY KEY/UNIQUE, which stay.
    let mut stmt = tx.prepare(
        "SELECT name, sql FROM sqlite_schema
         WHERE type = 'index' AND tbl_name IN ('users', 'domains') AND sql IS NOT NULL
         ORDER BY rowid",
    )?;
    let indexes = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut deferred = Vec::with_capacity(indexes.len());
    for (name, sql) in indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        deferred.push(sql);
    }
    Ok(deferred)
}

/// `n` creation times in `[from, REFERENCE_UNIX)`, ascending. The density grows linearly to five
/// times its starting value (a business that grows), and weekends are about 40 % quieter. Uses
/// only IEEE-exact arithmetic (`sqrt` is correctly rounded), so every platform agrees.
fn growth_times(rng: &mut StdRng, n: usize, from: i64) -> Vec<i64> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let mut t = growth_time(rng, from);
        if is_weekend(t) && rng.random_bool(0.45) {
            t = growth_time(rng, from);
        }
        times.push(t);
    }
    times.sort_unstable();
    times
}

/// One time drawn from the density `1 + 4x` over the span (x from 0 to 1), by inverting its
/// distribution function `(x + 2x²) / 3`.
fn growth_time(rng: &mut StdRng, from: i64) -> i64 {
    const SLOPE: f64 = 4.0;
    let u: f64 = rng.random();
    let x = ((1.0 + 2.0 * SLOPE * u * (1.0 + SLOPE / 2.0)).sqrt() - 1.0) / SLOPE;
    let span = REFERENCE_UNIX - from;
    (from + (x * span as f64) as i64).clamp(from, REFERENCE_UNIX - 1)
}

fn is_weekend(unix: i64) -> bool {
    // 1970-01-01 was a Thursday: day 2 is Saturday, day 3 Sunday.
    matches!(unix.div_euclid(DAY).rem_euclid(7), 2 | 3)
}

/// Sets the (single) admin's email and password hash.
pub fn set_admin(conn: &mut Connection, email: &str, password_hash: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE admins SET email = ?1, password_hash = ?2
         WHERE id = (SELECT id FROM admins ORDER BY created_at, id LIMIT 1)",
        params![email, password_hash],
    )
    .map(drop)
}

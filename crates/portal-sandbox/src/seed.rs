//! Deterministic synthetic data: the same `--seed` gives the same partner, admin and data on any
//! machine and any day (dates lie before the fixed 2026-11-01).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, params};
use ulid::Ulid;

use crate::store::meta_set;

/// The reference date synthetic data is dated from: 2026-11-01T00:00:00Z.
pub const REFERENCE_UNIX: i64 = 1_793_491_200;
/// The default partner's name.
pub const PARTNER_NAME: &str = "Acme Resellers";
/// The admin's display name.
pub const ADMIN_NAME: &str = "Alex Morgan";

/// A deterministic id: `prefix_` + a ULID whose time and randomness come from `rng`.
fn seeded_id(rng: &mut StdRng, prefix: &str, unix: i64) -> String {
    let millis = u64::try_from(unix).unwrap_or(0) * 1000 + rng.random_range(0..1000);
    format!(
        "{prefix}_{}",
        Ulid::from_parts(millis, rng.random::<u128>())
    )
}

/// Seeds a new database: the partner and its admin (without a password: see [`set_admin`]).
pub fn seed(conn: &mut Connection, seed: u64) -> rusqlite::Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let created = REFERENCE_UNIX - 2 * 365 * 86_400;
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
    meta_set(&tx, "seed", &seed.to_string())?;
    tx.commit()
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

//! The synthetic data set (API.md §4 and §5 "Sandbox data"): deterministic from the seed, dated in
//! the two years before 2026-11-01, and consistent with the schema and the domain object's rules.

mod determinism;
mod rules;
mod storage;

use portal_sandbox::seed;
use portal_sandbox::store::Db;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// A fresh in-memory database seeded with `seed` and `domains` domains per environment.
pub fn seeded(seed_value: u64, domains: u32) -> Db {
    let (db, fresh) = Db::open_in_memory().expect("in-memory database");
    assert!(fresh, "a new database is fresh");
    db.blocking(|conn| seed::seed(conn, seed_value, domains))
        .expect("db")
        .expect("seeded");
    db
}

/// SHA-256 over every row of `table` (all columns, in id order), as hex.
pub fn digest(db: &Db, table: &str) -> String {
    db.blocking(|conn| {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
            .expect("select");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        let mut hasher = Sha256::new();
        while let Some(row) = rows.next().expect("row") {
            for i in 0..columns {
                hasher.update(format!("{:?}\x1f", row.get_ref(i).expect("value")));
            }
            hasher.update(b"\x1e");
        }
        hex::encode(hasher.finalize())
    })
    .expect("db")
}

/// Digest of the whole data set: partner, admin, customers, domains.
pub fn data_digest(db: &Db) -> String {
    ["partners", "admins", "users", "domains"]
        .map(|t| digest(db, t))
        .join("/")
}

#[derive(Debug)]
pub struct User {
    pub id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub status: String,
    pub created_at: i64,
}

#[derive(Debug)]
pub struct Domain {
    pub id: String,
    pub domain: String,
    pub category: String,
    pub status: String,
    pub usable_for: i64,
    pub provider: Option<String>,
    pub user_id: Option<String>,
    pub order_id: Option<String>,
    pub forwarding_url: Option<String>,
    pub created_at: i64,
}

pub fn users(conn: &Connection, environment: &str) -> Vec<User> {
    let mut stmt = conn
        .prepare(
            "SELECT id, email, first_name, last_name, status, created_at, partner_id
             FROM users WHERE environment = ?1 ORDER BY created_at, id",
        )
        .expect("select users");
    let partner = portal_sandbox::store::partner_id(conn).expect("partner");
    stmt.query_map([environment], |r| {
        assert_eq!(
            r.get::<_, String>(6)?,
            partner,
            "every customer belongs to the partner"
        );
        Ok(User {
            id: r.get(0)?,
            email: r.get(1)?,
            first_name: r.get(2)?,
            last_name: r.get(3)?,
            status: r.get(4)?,
            created_at: r.get(5)?,
        })
    })
    .expect("users")
    .collect::<Result<_, _>>()
    .expect("users")
}

pub fn domains(conn: &Connection, environment: &str) -> Vec<Domain> {
    let mut stmt = conn
        .prepare(
            "SELECT id, domain, category, status, usable_for, provider, user_id, order_id,
                    forwarding_url, created_at, partner_id
             FROM domains WHERE environment = ?1 ORDER BY created_at, id",
        )
        .expect("select domains");
    let partner = portal_sandbox::store::partner_id(conn).expect("partner");
    stmt.query_map([environment], |r| {
        assert_eq!(
            r.get::<_, String>(10)?,
            partner,
            "every domain belongs to the partner"
        );
        Ok(Domain {
            id: r.get(0)?,
            domain: r.get(1)?,
            category: r.get(2)?,
            status: r.get(3)?,
            usable_for: r.get(4)?,
            provider: r.get(5)?,
            user_id: r.get(6)?,
            order_id: r.get(7)?,
            forwarding_url: r.get(8)?,
            created_at: r.get(9)?,
        })
    })
    .expect("domains")
    .collect::<Result<_, _>>()
    .expect("domains")
}

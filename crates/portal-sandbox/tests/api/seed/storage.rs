//! Seeding a database file: the schema and settings are left as they were, an existing file is
//! reused, and the test harness gets the default size.

use portal_sandbox::seed;
use portal_sandbox::store::Db;
use portal_sandbox::{Config, prepare_database};

use super::{data_digest, digest, seeded};
use crate::support::*;

fn schema(db: &Db) -> Vec<(String, String, Option<String>)> {
    db.blocking(|conn| {
        let mut stmt = conn
            .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
            .expect("schema");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("schema")
            .collect::<Result<Vec<_>, _>>()
            .expect("schema")
    })
    .expect("db")
}

/// The connection settings seeding changes for a while: journal mode, page cache, sort threads.
fn settings(db: &Db) -> (String, i64, i64) {
    db.blocking(|conn| {
        let journal: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("journal");
        let number = |name| -> i64 {
            conn.pragma_query_value(None, name, |r| r.get(0))
                .expect(name)
        };
        (journal, number("cache_size"), number("threads"))
    })
    .expect("db")
}

#[test]
fn seeding_a_file_leaves_the_schema_and_settings_as_they_were() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("seeded.sqlite");
    let (db, fresh) = Db::open(&path).expect("database");
    assert!(fresh);
    let before = schema(&db);
    let original = settings(&db);
    db.blocking(|conn| seed::seed(conn, 9, 300))
        .expect("db")
        .expect("seeded");
    assert_eq!(
        schema(&db),
        before,
        "the indexes dropped for the bulk insert are back, unchanged"
    );
    assert_eq!(
        settings(&db),
        original,
        "WAL mode, the page cache size and the sort threads are restored"
    );
    assert_eq!(original.0, "wal", "the file database is in WAL mode");
    let in_file = data_digest(&db);
    drop(db);
    assert_eq!(
        in_file,
        data_digest(&seeded(9, 300)),
        "a file and memory get the same data"
    );
}

#[test]
fn a_failed_seeding_writes_nothing_and_restores_the_settings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, _) = Db::open(&dir.path().join("twice.sqlite")).expect("database");
    db.blocking(|conn| seed::seed(conn, 4, 50))
        .expect("db")
        .expect("seeded");
    let (data, before) = (data_digest(&db), settings(&db));
    let again = db.blocking(|conn| seed::seed(conn, 4, 50)).expect("db");
    assert!(
        again.is_err(),
        "seeding twice fails: the partner already exists"
    );
    assert_eq!(
        data_digest(&db),
        data,
        "the failed seeding is rolled back entirely"
    );
    assert_eq!(
        settings(&db),
        before,
        "and the settings are restored all the same"
    );
}

#[test]
fn an_existing_database_is_reused_not_reseeded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("reused.sqlite");
    let count = |db: &Db| -> i64 {
        db.blocking(|c| c.query_row("SELECT count(*) FROM domains", [], |r| r.get(0)))
            .expect("db")
            .expect("count")
    };
    // The admin's row changes: its password is hashed again with a new salt.
    let data = |db: &Db| ["partners", "users", "domains"].map(|t| digest(db, t));
    let (db, _) = Db::open(&path).expect("database");
    prepare_database(&db, 1, 60, EMAIL, PASSWORD).expect("prepared");
    assert_eq!(count(&db), 120, "60 domains in each environment");
    let first = data(&db);
    drop(db);
    let (db, fresh) = Db::open(&path).expect("database");
    assert!(!fresh, "the file exists");
    prepare_database(&db, 2, 90, EMAIL, PASSWORD).expect("prepared");
    assert_eq!(
        data(&db),
        first,
        "another seed or size does not touch an existing data set"
    );
}

#[test]
fn the_test_sandbox_holds_the_default_number_of_domains() {
    let s = sandbox();
    let per_env: Vec<i64> =
        s.db.blocking(|conn| {
            ["live", "test"].map(|env| {
                conn.query_row(
                    "SELECT count(*) FROM domains WHERE environment = ?1",
                    [env],
                    |r| r.get(0),
                )
                .expect("count")
            })
        })
        .expect("db")
        .to_vec();
    let expected = i64::from(Config::default().domains);
    assert_eq!(
        per_env,
        vec![expected, expected],
        "the test sandbox seeds the default size"
    );
}

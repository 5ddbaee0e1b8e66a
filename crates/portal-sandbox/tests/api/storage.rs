//! What reaches the database file.

use portal_sandbox::store::Db;

use crate::support::*;

#[tokio::test]
async fn the_database_never_holds_a_token_or_a_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sandbox.sqlite");
    let s = sandbox_over(Db::open(&path).expect("database"));
    let token = s.sign_in(EMAIL, PASSWORD).await.body["data"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let key = s.key("test", "full");
    drop(s);
    let mut bytes = std::fs::read(&path).expect("db file");
    if let Ok(wal) = std::fs::read(path.with_extension("sqlite-wal")) {
        bytes.extend(wal);
    }
    let haystack = String::from_utf8_lossy(&bytes);
    for needle in [&token[3..], &key.secret[8..], PASSWORD] {
        assert!(
            !haystack.contains(needle),
            "a secret reached the database file"
        );
    }
}

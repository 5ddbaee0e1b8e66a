//! No secret outside the one create/rotate answer: not in the database, not in other answers.

use axum::http::StatusCode;
use portal_sandbox::store::Db;
use serde_json::json;

use super::*;

/// The part of a secret that is not public (the prefix is shown everywhere by design).
fn hidden(secret: &str) -> &str {
    &secret[24..]
}

#[tokio::test]
async fn keys_made_through_the_api_never_reach_the_database_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sandbox.sqlite");
    let s = sandbox_over(Db::open(&path).expect("database"));
    let a = admin(&s).await;
    let (id, first) = new_key(&s, &a.token, "stored", "live").await;
    let rotated = post(&s, &format!("{KEYS}/{id}/rotate"), &a.token, json!({})).await;
    assert_eq!(rotated.status, StatusCode::CREATED);
    let second = rotated.body["data"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    me(&s, &first).await;
    drop(s);
    let mut bytes = std::fs::read(&path).expect("db file");
    if let Ok(wal) = std::fs::read(path.with_extension("sqlite-wal")) {
        bytes.extend(wal);
    }
    let haystack = String::from_utf8_lossy(&bytes);
    assert!(
        haystack.contains(&first[..24]),
        "the prefix is stored (so the scan sees the keys)"
    );
    for secret in [&first, &second] {
        assert!(
            !haystack.contains(hidden(secret)),
            "a key's secret reached the database file"
        );
    }
}

#[tokio::test]
async fn only_the_create_and_rotate_answers_carry_a_secret() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, first) = new_key(&s, &a.token, "watched", "test").await;
    let rotated = post(&s, &format!("{KEYS}/{id}/rotate"), &a.token, json!({})).await;
    let second = rotated.body["data"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let new_id = rotated.body["data"]["api_key"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    me(&s, &first).await;
    me(&s, &second).await;
    let mut answers = vec![
        get(&s, KEYS, &a.token).await,
        get(&s, &format!("{KEYS}/{id}"), &a.token).await,
        get(&s, &format!("{KEYS}/{new_id}"), &a.token).await,
        get(&s, &format!("{KEYS}/{id}/usage"), &a.token).await,
        get(&s, &format!("{KEYS}/{new_id}/usage?window=1h"), &a.token).await,
        post(&s, &format!("{KEYS}/{id}/revoke"), &a.token, json!({})).await,
        post(&s, &format!("{KEYS}/{id}/rotate"), &a.token, json!({})).await,
        post(&s, &format!("{KEYS}/{new_id}/revoke"), &a.token, json!({})).await,
        get(&s, "/api/portal/v1/audit_events", &a.token).await,
    ];
    let me_answer = s
        .send(
            axum::http::Method::GET,
            "/api/partner/v1/me",
            Some(&first),
            axum::body::Body::empty(),
        )
        .await;
    answers.push(me_answer);
    for answer in &answers {
        let text = answer.body.to_string();
        for secret in [&first, &second] {
            assert!(
                !text.contains(hidden(secret)),
                "a secret leaked into {text}"
            );
        }
    }
}

#[test]
fn a_created_keys_debug_output_hides_the_secret() {
    let s = sandbox();
    let key = s.key("test", "full");
    let shown = format!("{key:?}");
    assert!(shown.contains(&key.id), "{shown}");
    assert!(
        !shown.contains(hidden(&key.secret)),
        "Debug must not print the secret: {shown}"
    );
}

//! `POST /api_keys`: the 409s (duplicate label, 10 active keys per environment).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;

fn body(label: &str, environment: &str) -> Value {
    json!({ "label": label, "environment": environment, "permission_preset": "limited" })
}

#[tokio::test]
async fn a_duplicate_active_label_in_one_environment_is_a_409_on_label() {
    let s = sandbox();
    let a = admin(&s).await;
    let (first, _) = new_key(&s, &a.token, "CI", "test").await;
    let duplicate = post(&s, KEYS, &a.token, body("  CI ", "test")).await;
    assert_error(
        &duplicate,
        StatusCode::CONFLICT,
        "conflict",
        "labels are compared trimmed",
    );
    assert_eq!(duplicate.body["error"]["field"], "label");
    same_shape(&fixture("error_conflict"), &duplicate.body).expect("409 envelope with field");
    new_key(&s, &a.token, "CI", "live").await;
    new_key(&s, &a.token, "ci", "test").await;
    let revoked = post(&s, &format!("{KEYS}/{first}/revoke"), &a.token, json!({})).await;
    assert_eq!(revoked.status, StatusCode::OK);
    new_key(&s, &a.token, "CI", "test").await;
}

#[tokio::test]
async fn at_most_10_active_keys_per_environment() {
    let s = sandbox();
    let a = admin(&s).await;
    let mut ids = Vec::new();
    for i in 0..9 {
        ids.push(new_key(&s, &a.token, &format!("key {i}"), "test").await.0);
    }
    let soon = json!({ "label": "short-lived", "environment": "test", "permission_preset": "full",
                       "expires_at": "2026-11-20T10:05:00Z" });
    create_ok(&s, &a.token, soon).await;
    let eleventh = post(&s, KEYS, &a.token, body("eleventh", "test")).await;
    assert_error(
        &eleventh,
        StatusCode::CONFLICT,
        "conflict",
        "the 11th active key",
    );
    assert_eq!(eleventh.body["error"]["details"]["limit"], 10);
    assert!(
        eleventh.body["error"].get("field").is_none(),
        "no single field is at fault"
    );
    let message = eleventh.body["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("revoke one first"),
        "says what to do: {message}"
    );
    same_shape(&fixture("error_limit"), &eleventh.body).expect("409 envelope with details");

    new_key(&s, &a.token, "live is separate", "live").await;
    s.clock.advance(300);
    new_key(&s, &a.token, "after an expiry", "test").await;
    let twelfth = post(&s, KEYS, &a.token, body("twelfth", "test")).await;
    assert_eq!(twelfth.status, StatusCode::CONFLICT, "full again");
    let revoke = post(
        &s,
        &format!("{KEYS}/{}/revoke", ids[0]),
        &a.token,
        json!({}),
    )
    .await;
    assert_eq!(revoke.status, StatusCode::OK);
    new_key(&s, &a.token, "after a revoke", "test").await;
}

#[tokio::test]
async fn a_replaced_key_in_its_grace_period_does_not_hold_its_label() {
    let s = sandbox();
    let a = admin(&s).await;
    let (old, _) = new_key(&s, &a.token, "CI", "test").await;
    let rotated = post(&s, &format!("{KEYS}/{old}/rotate"), &a.token, json!({})).await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.body);
    let new = rotated.body["data"]["api_key"]["id"].as_str().expect("id");
    let taken = post(&s, KEYS, &a.token, body("CI", "test")).await;
    assert_eq!(
        taken.status,
        StatusCode::CONFLICT,
        "the replacement holds the label"
    );
    post(&s, &format!("{KEYS}/{new}/revoke"), &a.token, json!({})).await;
    let old_key = get(&s, &format!("{KEYS}/{old}"), &a.token).await;
    assert_eq!(
        old_key.body["data"]["status"], "active",
        "still in its grace period"
    );
    let again = post(&s, KEYS, &a.token, body("CI", "test")).await;
    assert_eq!(
        again.status,
        StatusCode::CREATED,
        "a lineage holds its label once: {}",
        again.body
    );
}

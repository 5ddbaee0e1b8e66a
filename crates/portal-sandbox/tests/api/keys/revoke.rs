//! `POST /api_keys/{id}/revoke`.

use axum::http::StatusCode;
use serde_json::json;

use super::*;

#[tokio::test]
async fn revoking_is_immediate_and_idempotent_with_one_audit_event() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, secret) = new_key(&s, &a.token, "to revoke", "live").await;
    assert_eq!(me(&s, &secret).await, StatusCode::OK);
    s.clock.advance(10);
    let uri = format!("{KEYS}/{id}/revoke");
    let first = call(&s, axum::http::Method::POST, &uri, &a.token, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    same_shape(&fixture("key_revoked"), &first.body).expect("a revoked ApiKey as in API.md");
    assert_eq!(first.body["data"]["id"], id.as_str());
    assert_eq!(first.body["data"]["status"], "revoked");
    assert_eq!(first.body["data"]["revoked_at"], "2026-11-20T10:00:10Z");
    assert_eq!(
        me(&s, &secret).await,
        StatusCode::UNAUTHORIZED,
        "the very next request fails"
    );

    s.clock.advance(60);
    let second = post(&s, &uri, &a.token, json!({})).await;
    assert_eq!(
        second.status,
        StatusCode::OK,
        "revoking twice is 200 both times"
    );
    assert_eq!(
        second.body, first.body,
        "the same object, revoked_at unchanged"
    );

    let events = events_of(&s, &a.token, &id, "api_key.revoked").await;
    assert_eq!(events.len(), 1, "one event for two revokes: {events:?}");
    assert_eq!(events[0]["actor"], a.id.as_str());
    assert_eq!(events[0]["api_key_id"], id.as_str());
    assert_eq!(events[0]["at"], "2026-11-20T10:00:10Z");
    assert_eq!(
        events[0]["request_id"],
        request_id(&first),
        "the revoking request's id"
    );
    let fetched = get(&s, &format!("{KEYS}/{id}"), &a.token).await;
    assert_eq!(fetched.body["data"]["status"], "revoked");
}

#[tokio::test]
async fn an_expired_key_can_still_be_revoked() {
    let s = sandbox();
    let a = admin(&s).await;
    let body = json!({ "label": "short", "environment": "test", "permission_preset": "full",
                       "expires_at": "2026-11-20T10:01:00Z" });
    let (key, _) = create_ok(&s, &a.token, body).await;
    let id = key["id"].as_str().expect("id");
    s.clock.advance(120);
    let answer = post(&s, &format!("{KEYS}/{id}/revoke"), &a.token, json!({})).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.body["data"]["status"], "revoked",
        "revoked wins over expired"
    );
    assert_eq!(answer.body["data"]["expires_at"], "2026-11-20T10:01:00Z");
}

#[tokio::test]
async fn another_partners_key_cannot_be_revoked() {
    let s = sandbox();
    let a = admin(&s).await;
    let theirs = other_partners_key(&s);
    for id in [theirs.id.as_str(), "key_01JD3Q4VX2M7P8K9N0R1S2T3U4"] {
        let answer = post(&s, &format!("{KEYS}/{id}/revoke"), &a.token, json!({})).await;
        assert_error(&answer, axum::http::StatusCode::NOT_FOUND, "not_found", id);
    }
    assert_eq!(
        me(&s, &theirs.secret).await,
        StatusCode::OK,
        "their key still works"
    );
}

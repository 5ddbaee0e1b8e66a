//! `POST /api_keys/{id}/rotate`.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

pub fn rotate_uri(id: &str) -> String {
    format!("{KEYS}/{id}/rotate")
}

/// A rotation that must succeed: the answer's `data`.
pub async fn rotate_ok(s: &Sandbox, token: &str, id: &str, body: Option<Value>) -> Value {
    let answer = call(s, Method::POST, &rotate_uri(id), token, body).await;
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "rotate: {}",
        answer.body
    );
    answer.body["data"].clone()
}

#[tokio::test]
async fn rotating_with_null_keeps_the_old_key_active_and_links_both() {
    let s = sandbox();
    let a = admin(&s).await;
    let user = new_customer(&s, "test", "active");
    let body = json!({ "label": "CI", "environment": "test", "permission_preset": "limited",
                       "scope": { "type": "user", "user_id": user } });
    let (old, old_secret) = create_ok(&s, &a.token, body).await;
    let old_id = old["id"].as_str().expect("id");
    s.clock.advance(60);
    let answer = post(
        &s,
        &rotate_uri(old_id),
        &a.token,
        json!({ "old_key_expires_in_seconds": null }),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let data = &answer.body["data"];
    let (new, replaced) = (&data["api_key"], &data["replaced"]);
    let secret = data["secret"].as_str().expect("secret");
    assert!(
        secret.starts_with("pk_test_") && secret != old_secret,
        "a fresh test secret"
    );
    assert_ne!(new["id"], old["id"]);
    for same in ["label", "environment", "permission_preset", "scope"] {
        assert_eq!(
            new[same], old[same],
            "the new key keeps the old one's {same}"
        );
    }
    assert_eq!(new["prefix"], &secret[..24]);
    assert_eq!(new["replaces"], old_id, "new.replaces = old.id");
    assert_eq!(new["created_at"], "2026-11-20T10:01:00Z");
    assert_eq!(new["created_by"], a.id.as_str());
    assert!(
        new.get("expires_at").is_none(),
        "the new key has no expiry: {new}"
    );
    assert_eq!(replaced["id"], old_id);
    assert_eq!(
        replaced["replaced_by"], new["id"],
        "old.replaced_by = new.id"
    );
    assert_eq!(
        replaced["status"], "active",
        "null: the old key stays active"
    );
    assert!(replaced.get("expires_at").is_none() && replaced.get("revoked_at").is_none());
    assert_eq!(
        me(&s, &old_secret).await,
        StatusCode::OK,
        "the old key still works"
    );
    assert_eq!(me(&s, secret).await, StatusCode::OK, "the new key works");

    let again = post(&s, &rotate_uri(old_id), &a.token, json!({})).await;
    assert_error(
        &again,
        StatusCode::CONFLICT,
        "conflict",
        "an already rotated key",
    );
    let new_id = new["id"].as_str().expect("id");
    let next = rotate_ok(&s, &a.token, new_id, None).await;
    assert_eq!(
        next["replaced"]["id"], new_id,
        "the replacement can be rotated in turn"
    );
    let fetched = get(&s, &format!("{KEYS}/{old_id}"), &a.token).await;
    assert_eq!(
        fetched.body["data"]["replaced_by"], new["id"],
        "the link is stored"
    );

    let rotated = events_of(&s, &a.token, old_id, "api_key.rotated").await;
    assert_eq!(
        rotated.len(),
        1,
        "api_key.rotated names the old key: {rotated:?}"
    );
    assert_eq!(rotated[0]["actor"], a.id.as_str());
    assert_eq!(rotated[0]["request_id"], request_id(&answer));
    let created = events_of(&s, &a.token, new_id, "api_key.created").await;
    assert_eq!(
        created.len(),
        1,
        "the new key's creation is recorded: {created:?}"
    );
    assert!(
        events_of(&s, &a.token, old_id, "api_key.revoked")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn an_empty_body_means_null_and_keeps_the_old_key() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, secret) = new_key(&s, &a.token, "empty", "live").await;
    let answer = s
        .send(
            Method::POST,
            &rotate_uri(&id),
            Some(&a.token),
            Body::empty(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.body["data"]["replaced"]["status"], "active");
    assert_eq!(me(&s, &secret).await, StatusCode::OK);
}

#[tokio::test]
async fn rotating_with_0_revokes_the_old_key_now() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, old_secret) = new_key(&s, &a.token, "leaked", "live").await;
    s.clock.advance(5);
    let answer = post(
        &s,
        &rotate_uri(&id),
        &a.token,
        json!({ "old_key_expires_in_seconds": 0 }),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    same_shape(&fixture("key_rotated_revoked"), &answer.body).expect("rotate with 0");
    let replaced = &answer.body["data"]["replaced"];
    assert_eq!(replaced["status"], "revoked", "0: the key-leaked path");
    assert_eq!(replaced["revoked_at"], "2026-11-20T10:00:05Z");
    assert_eq!(
        me(&s, &old_secret).await,
        StatusCode::UNAUTHORIZED,
        "the old key is dead at once"
    );
    let secret = answer.body["data"]["secret"].as_str().expect("secret");
    assert_eq!(me(&s, secret).await, StatusCode::OK);
    let revoked = events_of(&s, &a.token, &id, "api_key.revoked").await;
    assert_eq!(
        revoked.len(),
        1,
        "the revocation is recorded too: {revoked:?}"
    );
    assert_eq!(revoked[0]["request_id"], request_id(&answer));
    assert_eq!(
        events_of(&s, &a.token, &id, "api_key.rotated").await.len(),
        1
    );
    let again = post(&s, &format!("{KEYS}/{id}/revoke"), &a.token, json!({})).await;
    assert_eq!(
        again.body["data"]["revoked_at"], "2026-11-20T10:00:05Z",
        "still the same"
    );
    assert_eq!(
        events_of(&s, &a.token, &id, "api_key.revoked").await.len(),
        1
    );
}

#[tokio::test]
async fn rotating_with_n_seconds_sets_the_earlier_expiry() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, old_secret) = new_key(&s, &a.token, "grace", "test").await;
    let data = rotate_ok(
        &s,
        &a.token,
        &id,
        Some(json!({ "old_key_expires_in_seconds": 3600 })),
    )
    .await;
    same_shape(&fixture("key_rotated"), &json!({ "data": data })).expect("rotate as in API.md");
    assert_eq!(
        data["replaced"]["expires_at"], "2026-11-20T11:00:00Z",
        "now + N"
    );
    assert_eq!(
        data["replaced"]["status"], "active",
        "still working during the grace period"
    );
    s.clock.advance(3599);
    assert_eq!(
        me(&s, &old_secret).await,
        StatusCode::OK,
        "works until then"
    );
    s.clock.advance(1);
    assert_eq!(
        me(&s, &old_secret).await,
        StatusCode::UNAUTHORIZED,
        "and stops then"
    );
    let old = get(&s, &format!("{KEYS}/{id}"), &a.token).await;
    assert_eq!(old.body["data"]["status"], "expired");

    let early = json!({ "label": "early", "environment": "test", "permission_preset": "full",
                        "expires_at": "2026-11-20T11:10:00Z" });
    let (key, _) = create_ok(&s, &a.token, early).await;
    let early_id = key["id"].as_str().expect("id");
    let data = rotate_ok(
        &s,
        &a.token,
        early_id,
        Some(json!({ "old_key_expires_in_seconds": 604800 })),
    )
    .await;
    assert_eq!(
        data["replaced"]["expires_at"], "2026-11-20T11:10:00Z",
        "its own is earlier"
    );
    let late = json!({ "label": "late", "environment": "test", "permission_preset": "full",
                       "expires_at": "2026-12-20T00:00:00Z" });
    let (key, _) = create_ok(&s, &a.token, late).await;
    let late_id = key["id"].as_str().expect("id");
    let data = rotate_ok(
        &s,
        &a.token,
        late_id,
        Some(json!({ "old_key_expires_in_seconds": 60 })),
    )
    .await;
    assert_eq!(
        data["replaced"]["expires_at"], "2026-11-20T11:01:00Z",
        "now + 60 is earlier"
    );
}

//! `POST /api_keys/{id}/rotate`: what may be rotated, the grace period's bounds and the limit.

use axum::http::StatusCode;
use serde_json::json;

use super::rotate::{rotate_ok, rotate_uri};
use super::*;

#[tokio::test]
async fn the_grace_period_must_be_null_or_0_to_604800() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, _) = new_key(&s, &a.token, "bounds", "test").await;
    let field = "old_key_expires_in_seconds";
    for value in [
        json!(-1),
        json!(604_801),
        json!("60"),
        json!(1.5),
        json!(true),
    ] {
        let answer = post(&s, &rotate_uri(&id), &a.token, json!({ field: value })).await;
        assert_invalid(&answer, field, &format!("{value}"));
    }
    assert_invalid(
        &post(&s, &rotate_uri(&id), &a.token, json!({ "grace": 1 })).await,
        "grace",
        "unknown",
    );
    assert_invalid(
        &post(&s, &rotate_uri(&id), &a.token, json!([1])).await,
        "body",
        "not an object",
    );
    let theirs = other_partners_key(&s);
    let bad_and_unknown = post(&s, &rotate_uri(&theirs.id), &a.token, json!({ field: -1 })).await;
    assert_invalid(&bad_and_unknown, field, "400 comes before 404");
    let answer = post(&s, &rotate_uri(&theirs.id), &a.token, json!({})).await;
    assert_error(
        &answer,
        StatusCode::NOT_FOUND,
        "not_found",
        "another partner's key",
    );
    let fetched = get(&s, &format!("{KEYS}/{id}"), &a.token).await;
    assert!(
        fetched.body["data"].get("replaced_by").is_none(),
        "no refused rotation happened"
    );
}

#[tokio::test]
async fn only_an_active_key_not_yet_rotated_can_be_rotated() {
    let s = sandbox();
    let a = admin(&s).await;
    let (revoked, _) = new_key(&s, &a.token, "revoked", "test").await;
    post(&s, &format!("{KEYS}/{revoked}/revoke"), &a.token, json!({})).await;
    let soon = json!({ "label": "expired", "environment": "test", "permission_preset": "full",
                       "expires_at": "2026-11-20T10:00:01Z" });
    let (expired, _) = create_ok(&s, &a.token, soon).await;
    let expired = expired["id"].as_str().expect("id").to_owned();
    let (rotated, _) = new_key(&s, &a.token, "rotated", "test").await;
    rotate_ok(&s, &a.token, &rotated, None).await;
    s.clock.advance(1);
    for (id, why) in [
        (&revoked, "revoked"),
        (&expired, "expired"),
        (&rotated, "already rotated"),
    ] {
        let answer = post(&s, &rotate_uri(id), &a.token, json!({})).await;
        assert_error(&answer, StatusCode::CONFLICT, "conflict", why);
    }
}

#[tokio::test]
async fn a_rotation_is_never_blocked_by_the_limit_and_the_new_key_shares_the_label() {
    let s = sandbox();
    let a = admin(&s).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(new_key(&s, &a.token, &format!("full {i}"), "test").await.0);
    }
    let data = rotate_ok(&s, &a.token, &ids[0], None).await;
    assert_eq!(data["api_key"]["label"], "full 0");
    let status = |q: &str| format!("{KEYS}?environment=test&status={q}&per_page=100");
    let active = get(&s, &status("active"), &a.token).await;
    assert_eq!(
        active.body["data"].as_array().map(Vec::len),
        Some(11),
        "11 keys work now"
    );
    let blocked = post(
        &s,
        KEYS,
        &a.token,
        json!({ "label": "new", "environment": "test",
                                                    "permission_preset": "full" }),
    )
    .await;
    assert_eq!(
        blocked.status,
        StatusCode::CONFLICT,
        "the lineage counts once: still 10"
    );
    assert_eq!(blocked.body["error"]["details"]["limit"], 10);
    post(
        &s,
        &format!("{KEYS}/{}/revoke", ids[1]),
        &a.token,
        json!({}),
    )
    .await;
    let duplicate = post(
        &s,
        KEYS,
        &a.token,
        json!({ "label": "full 0", "environment": "test",
                                                      "permission_preset": "full" }),
    )
    .await;
    assert_error(
        &duplicate,
        StatusCode::CONFLICT,
        "conflict",
        "the replacement holds the label",
    );
    assert_eq!(duplicate.body["error"]["field"], "label");
    // 10 keys work (the replaced one included), but they are 9 lineages: room for one more.
    let fresh = json!({ "label": "fresh", "environment": "test", "permission_preset": "full" });
    create_ok(&s, &a.token, fresh).await;
    let new_id = data["api_key"]["id"].as_str().expect("id");
    let at_limit = json!({ "old_key_expires_in_seconds": 0 });
    rotate_ok(&s, &a.token, new_id, Some(at_limit)).await;
}

//! `POST /api_keys`: the body's rules, each a 400 naming its field (API.md §5).

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

fn body(label: &str, environment: &str) -> Value {
    json!({ "label": label, "environment": environment, "permission_preset": "limited" })
}

#[tokio::test]
async fn labels_are_trimmed_1_to_64_characters_without_control_characters() {
    let s = sandbox();
    let a = admin(&s).await;
    let long = "x".repeat(65);
    for (label, why) in [
        ("", "an empty label"),
        ("   ", "a blank label"),
        (long.as_str(), "65 characters"),
        ("bell\u{7}label", "a control character"),
        ("two\nlines", "a newline inside"),
        ("nul\u{0}", "a NUL"),
    ] {
        let answer = post(&s, KEYS, &a.token, body(label, "test")).await;
        assert_invalid(&answer, "label", why);
    }
    let (key, _) = create_ok(
        &s,
        &a.token,
        body(&format!("  {}  ", "é".repeat(64)), "test"),
    )
    .await;
    assert_eq!(
        key["label"],
        "é".repeat(64),
        "64 characters (not bytes) after trimming is fine"
    );
}

#[tokio::test]
async fn malformed_bodies_name_the_field_at_fault() {
    let s = sandbox();
    let a = admin(&s).await;
    let cases = [
        (
            json!({ "environment": "test", "permission_preset": "full" }),
            "label",
        ),
        (
            json!({ "label": "a", "permission_preset": "full" }),
            "environment",
        ),
        (
            json!({ "label": "a", "environment": "prod", "permission_preset": "full" }),
            "environment",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "admin" }),
            "permission_preset",
        ),
        (
            json!({ "label": 7, "environment": "test", "permission_preset": "full" }),
            "label",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "full", "colour": 1 }),
            "colour",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "full",
                    "scope": { "type": "user" } }),
            "scope.user_id",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "full",
                    "scope": { "type": "user", "user_id": 1 } }),
            "scope.user_id",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "full",
                    "scope": { "type": "user", "user_id": "usr_01JD3Q4VX2M7P8K9N0R1S2T3V4",
                               "role": "owner" } }),
            "scope.role",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "full",
                    "scope": { "type": "partner", "user_id": "usr_01JD3Q4VX2M7P8K9N0R1S2T3V4" } }),
            "scope.user_id",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "full",
                    "scope": { "type": "partner", "extra": 1 } }),
            "scope.extra",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "full",
                    "scope": { "type": "galaxy" } }),
            "scope.type",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "full",
                    "scope": "partner" }),
            "scope",
        ),
        (
            json!({ "label": "a", "environment": "test", "permission_preset": "full",
                    "expires_at": 5 }),
            "expires_at",
        ),
    ];
    for (body, field) in cases {
        let answer = post(&s, KEYS, &a.token, body.clone()).await;
        assert_invalid(&answer, field, &format!("{body}"));
    }
    let answer = s
        .send(Method::POST, KEYS, Some(&a.token), Body::from("{not json"))
        .await;
    assert_invalid(&answer, "body", "unparseable JSON");
    let answer = s
        .send(Method::POST, KEYS, Some(&a.token), Body::empty())
        .await;
    assert_invalid(&answer, "label", "an empty body is {}, so label is missing");
    let keys = get(&s, KEYS, &a.token).await;
    assert_eq!(
        keys.body["data"].as_array().map(Vec::len),
        Some(0),
        "no refused body made a key: {}",
        keys.body
    );
}

#[tokio::test]
async fn a_customer_scope_must_name_an_active_customer_of_that_environment() {
    let s = sandbox();
    let a = admin(&s).await;
    let test_user = new_customer(&s, "test", "active");
    let live_user = new_customer(&s, "live", "active");
    let deleted = new_customer(&s, "test", "deleted");
    let scoped = |user: &str| {
        json!({ "label": format!("for {user}"), "environment": "test", "permission_preset": "read",
                "scope": { "type": "user", "user_id": user } })
    };
    for (user, why) in [
        ("usr_01JD3Q4VX2M7P8K9N0R1S2T3U4", "an unknown customer"),
        (live_user.as_str(), "a customer of the other environment"),
        (deleted.as_str(), "a deleted customer"),
    ] {
        let answer = post(&s, KEYS, &a.token, scoped(user)).await;
        assert_invalid(&answer, "scope.user_id", why);
    }
    let (key, secret) = create_ok(&s, &a.token, scoped(&test_user)).await;
    assert_eq!(
        key["scope"],
        json!({ "type": "user", "user_id": test_user })
    );
    let me = s
        .send(
            Method::GET,
            "/api/partner/v1/me",
            Some(&secret),
            Body::empty(),
        )
        .await;
    assert_eq!(
        me.body["data"]["api_key"]["scope"]["user_id"],
        test_user.as_str()
    );

    let partner = json!({ "label": "wide", "environment": "test", "permission_preset": "read",
                          "scope": { "type": "partner" } });
    let (key, _) = create_ok(&s, &a.token, partner).await;
    assert_eq!(key["scope"], json!({ "type": "partner" }));
}

#[tokio::test]
async fn expires_at_must_be_an_rfc3339_time_in_the_future() {
    let s = sandbox();
    let a = admin(&s).await;
    let with = |at: &str| {
        json!({ "label": format!("exp {at}"), "environment": "test", "permission_preset": "full",
                "expires_at": at })
    };
    for (at, why) in [
        ("2026-11-20T09:59:59Z", "the past"),
        ("2026-11-20T10:00:00Z", "now is not the future"),
        ("tomorrow", "not a time"),
        ("2026-11-21", "a date without a time"),
    ] {
        assert_invalid(&post(&s, KEYS, &a.token, with(at)).await, "expires_at", why);
    }
    let (key, secret) = create_ok(&s, &a.token, with("2026-11-20T12:00:00+01:00")).await;
    assert_eq!(
        key["expires_at"], "2026-11-20T11:00:00Z",
        "stored and shown in UTC"
    );
    assert_eq!(key["status"], "active");
    s.clock.advance(3600);
    assert_eq!(
        me(&s, &secret).await,
        StatusCode::UNAUTHORIZED,
        "it stops working then"
    );
    let id = key["id"].as_str().expect("id");
    let fetched = get(&s, &format!("{KEYS}/{id}"), &a.token).await;
    assert_eq!(fetched.body["data"]["status"], "expired");
}

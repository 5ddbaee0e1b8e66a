//! `POST /api_keys` and `GET /api_keys/{id}`.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

fn body(label: &str, environment: &str) -> Value {
    json!({ "label": label, "environment": environment, "permission_preset": "limited" })
}

#[tokio::test]
async fn create_answers_201_with_the_key_and_its_secret_and_records_an_event() {
    let s = sandbox();
    let a = admin(&s).await;
    let answer = post(&s, KEYS, &a.token, body("  CI deploys  ", "test")).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    same_shape(&fixture("key_created"), &answer.body).expect("POST /api_keys as in API.md");
    let key = &answer.body["data"]["api_key"];
    let secret = answer.body["data"]["secret"].as_str().expect("secret");
    let hex = secret
        .strip_prefix("pk_test_")
        .expect("a test key's secret starts pk_test_");
    assert!(
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "64 lowercase hex after the prefix: {secret}"
    );
    assert!(
        key["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("key_") && id.len() == 30)
    );
    assert_eq!(key["label"], "CI deploys", "labels are trimmed");
    assert_eq!(
        key["prefix"],
        &secret[..24],
        "prefix = the first 24 characters"
    );
    assert_eq!(key["last_four"], &secret[secret.len() - 4..]);
    assert_eq!(key["environment"], "test");
    assert_eq!(key["permission_preset"], "limited");
    assert_eq!(
        key["scope"],
        json!({ "type": "partner" }),
        "partner-wide by default"
    );
    assert_eq!(key["status"], "active");
    assert_eq!(key["created_at"], "2026-11-20T10:00:00Z");
    assert_eq!(key["created_by"], a.id.as_str(), "the admin who created it");
    for absent in [
        "expires_at",
        "revoked_at",
        "last_used_at",
        "replaced_by",
        "replaces",
    ] {
        assert!(
            key.get(absent).is_none(),
            "{absent} is absent, never null: {key}"
        );
    }
    assert_eq!(
        me(&s, secret).await,
        StatusCode::OK,
        "the new key works at once"
    );

    let id = key["id"].as_str().expect("id");
    let fetched = get(&s, &format!("{KEYS}/{id}"), &a.token).await;
    assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.body);
    same_shape(&fixture("api_key"), &fetched.body).expect("GET /api_keys/{id} as in API.md");
    assert_eq!(
        fetched.body["data"]["last_used_at"], "2026-11-20T10:00:00Z",
        "used by /me"
    );
    assert!(
        fetched.body["data"].get("secret").is_none(),
        "only create shows the secret"
    );

    let events = events_of(&s, &a.token, id, "api_key.created").await;
    assert_eq!(events.len(), 1, "one api_key.created event: {events:?}");
    assert_eq!(events[0]["actor"], a.id.as_str());
    assert_eq!(events[0]["at"], "2026-11-20T10:00:00Z");
    assert_eq!(
        events[0]["request_id"],
        request_id(&answer),
        "the creating request's id"
    );
}

#[tokio::test]
async fn a_live_key_is_a_pk_live_key() {
    let s = sandbox();
    let a = admin(&s).await;
    let (key, secret) = create_ok(&s, &a.token, body("prod", "live")).await;
    assert!(secret.starts_with("pk_live_"), "{secret}");
    assert_eq!(key["environment"], "live");
}

#[tokio::test]
async fn get_answers_404_for_unknown_keys_and_other_partners_keys() {
    let s = sandbox();
    let a = admin(&s).await;
    let theirs = other_partners_key(&s);
    for id in [
        theirs.id.as_str(),
        "key_01JD3Q4VX2M7P8K9N0R1S2T3U4",
        "nonsense",
    ] {
        let answer = get(&s, &format!("{KEYS}/{id}"), &a.token).await;
        assert_error(&answer, StatusCode::NOT_FOUND, "not_found", id);
    }
}

#[tokio::test]
async fn every_key_endpoint_needs_a_session_and_checks_it_before_the_input() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, _) = new_key(&s, &a.token, "mine", "test").await;
    let endpoints = [
        (Method::GET, format!("{KEYS}?status=bogus")),
        (Method::POST, KEYS.to_owned()),
        (Method::GET, format!("{KEYS}/{id}")),
        (Method::POST, format!("{KEYS}/{id}/revoke")),
        (Method::POST, format!("{KEYS}/{id}/rotate")),
        (Method::GET, format!("{KEYS}/{id}/usage?window=7d")),
        (
            Method::GET,
            "/api/portal/v1/audit_events?per_page=0".to_owned(),
        ),
    ];
    for (method, uri) in endpoints {
        for bearer in [
            None,
            Some("ps_nope"),
            Some(&*format!("ps_{}", "a".repeat(64))),
        ] {
            let answer = s
                .send(method.clone(), &uri, bearer, Body::from("{bad json"))
                .await;
            assert_error(
                &answer,
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                &format!("{method} {uri}"),
            );
        }
    }
    let stranger = get(
        &s,
        &format!("{KEYS}/{id}"),
        &format!("ps_{}", "0".repeat(64)),
    )
    .await;
    assert_eq!(stranger.status, StatusCode::UNAUTHORIZED);
}

//! Portal sessions: sign-in, throttling, sign-out and expiry.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use serde_json::Value;

use crate::support::*;

#[tokio::test]
async fn sign_in_returns_a_token_the_admin_and_the_partner() {
    let s = sandbox();
    let answer = s.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let data = &answer.body["data"];
    let token = data["token"].as_str().expect("token");
    assert!(
        token.starts_with("ps_") && token.len() == 67,
        "ps_ + 64 hex: {token}"
    );
    assert_eq!(data["partner"]["name"], "Acme Resellers");
    assert_eq!(data["admin"]["email"], EMAIL);
    assert!(
        data["admin"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("adm_"))
    );
    assert_eq!(
        data["expires_at"], "2026-11-20T22:00:00Z",
        "sessions last 12 h"
    );
}

#[tokio::test]
async fn email_matches_ignoring_case_and_surrounding_spaces() {
    let s = sandbox();
    let answer = s.sign_in("  ADMIN@Acme.Example ", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
}

#[tokio::test]
async fn wrong_email_and_wrong_password_get_the_same_401() {
    let s = sandbox();
    let wrong_password = s.sign_in(EMAIL, "nope").await;
    let wrong_email = s.sign_in("someone@else.example", PASSWORD).await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_email.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong_password.body, wrong_email.body,
        "nothing to learn by probing"
    );
    assert_eq!(error_code(&wrong_password), "unauthorized");
}

#[tokio::test]
async fn five_failures_throttle_the_email_until_the_oldest_leaves_the_window() {
    let s = sandbox();
    for _ in 0..5 {
        assert_eq!(
            s.sign_in(EMAIL, "wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
        s.clock.advance(60);
    }
    let throttled = s.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(
        throttled.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert_eq!(error_code(&throttled), "rate_limited");
    // The oldest failure was 5 minutes ago; the window is 15 minutes.
    assert_eq!(
        throttled.body["error"]["details"]["retry_after_seconds"],
        600
    );
    assert_eq!(
        throttled
            .headers
            .get(header::RETRY_AFTER)
            .expect("Retry-After"),
        "600"
    );
    s.clock.advance(601);
    assert_eq!(s.sign_in(EMAIL, PASSWORD).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_failure_count() {
    let s = sandbox();
    for _ in 0..4 {
        s.sign_in(EMAIL, "wrong").await;
    }
    assert_eq!(s.sign_in(EMAIL, PASSWORD).await.status, StatusCode::CREATED);
    for _ in 0..4 {
        s.sign_in(EMAIL, "wrong").await;
    }
    assert_eq!(s.sign_in(EMAIL, PASSWORD).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn sign_out_ends_the_session_at_once_and_expiry_ends_it_after_12_hours() {
    let s = sandbox();
    let token = s.sign_in(EMAIL, PASSWORD).await.body["data"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let out = s.send(
        Method::DELETE,
        "/api/portal/v1/sessions/current",
        Some(&token),
        Body::empty(),
    );
    let out = out.await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(out.body, Value::Null, "204 has no body");
    let again = s
        .send(
            Method::DELETE,
            "/api/portal/v1/sessions/current",
            Some(&token),
            Body::empty(),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNAUTHORIZED,
        "a signed-out token stops working"
    );

    let token = s.sign_in(EMAIL, PASSWORD).await.body["data"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    s.clock.advance(12 * 3600);
    let expired = s
        .send(
            Method::DELETE,
            "/api/portal/v1/sessions/current",
            Some(&token),
            Body::empty(),
        )
        .await;
    assert_eq!(
        expired.status,
        StatusCode::UNAUTHORIZED,
        "sessions last 12 h"
    );
}

#[tokio::test]
async fn answers_have_the_shapes_written_from_the_contract() {
    let s = sandbox();
    let created = s.sign_in(EMAIL, PASSWORD).await;
    same_shape(&fixture("session_created"), &created.body).expect("POST /sessions as in API.md");
    let refused = s.sign_in(EMAIL, "nope").await;
    same_shape(&fixture("error_unauthorized"), &refused.body).expect("401 envelope");
    let body = Body::from(r#"{"email": "admin@acme.example"}"#);
    let missing = s
        .send(Method::POST, "/api/portal/v1/sessions", None, body)
        .await;
    same_shape(&fixture("error_invalid_field"), &missing.body).expect("400 envelope with field");
    for _ in 0..5 {
        s.sign_in(EMAIL, "nope").await;
    }
    let throttled = s.sign_in(EMAIL, "nope").await;
    same_shape(&fixture("error_rate_limited"), &throttled.body).expect("429 envelope");
}

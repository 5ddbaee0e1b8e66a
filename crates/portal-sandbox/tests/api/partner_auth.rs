//! Partner-API authentication and `GET /me`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use portal_sandbox::{Clock, keys};

use crate::support::*;

#[tokio::test]
async fn me_describes_the_key_and_its_partner() {
    let s = sandbox();
    let key = s.key("test", "limited");
    let answer = s
        .send(
            Method::GET,
            "/api/partner/v1/me",
            Some(&key.secret),
            Body::empty(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let data = &answer.body["data"];
    assert_eq!(data["api_key"]["environment"], "test");
    assert_eq!(data["api_key"]["permission_preset"], "limited");
    assert_eq!(data["api_key"]["prefix"], &key.secret[..24]);
    assert_eq!(data["api_key"]["scope"], json!({ "type": "partner" }));
    assert_eq!(data["partner"]["name"], "Acme Resellers");
    same_shape(&fixture("me"), &answer.body).expect("GET /me as in API.md");
}

#[tokio::test]
async fn every_auth_failure_on_the_partner_api_is_the_same_401() {
    let s = sandbox();
    let key = s.key("live", "full");
    let revoked = s.key("live", "read");
    let now = s.clock.now().unix_timestamp();
    s.db.blocking(|c| keys::revoke(c, &revoked.id, now))
        .expect("db")
        .expect("revoked");

    let unknown = format!("pk_live_{}", "0".repeat(64));
    let upper = key.secret.to_uppercase();
    let exact = format!("Bearer {}", key.secret);
    let headers: Vec<Vec<String>> = vec![
        vec![],
        vec![format!("Basic {}", key.secret)],
        vec![format!("bearer {}", key.secret)],
        vec![format!("Bearer  {}", key.secret)],
        vec![format!("Bearer {}x", key.secret)],
        vec![format!("Bearer {upper}")],
        vec![format!("Bearer {unknown}")],
        vec![format!("Bearer {}", revoked.secret)],
        vec![exact.clone(), exact.clone()],
        vec![exact.clone(), format!("Bearer {unknown}")],
    ];
    let mut bodies = Vec::new();
    for values in headers {
        let mut request = Request::builder()
            .uri("/api/partner/v1/me")
            .header(header::HOST, AUTHORITY);
        for value in &values {
            request = request.header(header::AUTHORIZATION, value);
        }
        let response = s
            .app
            .clone()
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("ok");
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{values:?} must be refused"
        );
        bodies.push(
            response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes(),
        );
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "one identical 401 body for every failure"
    );

    let ok = s
        .send(
            Method::GET,
            "/api/partner/v1/me",
            Some(&key.secret),
            Body::empty(),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "the valid key still works");
}

//! Portal API keys: list, create, get, revoke, rotate, usage (API.md §3 and §5).

mod conflicts;
mod create;
mod list;
mod openapi;
mod revoke;
mod rotate;
mod rotate_rules;
mod secrets;
mod usage;
mod validation;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use portal_sandbox::keys;
use serde_json::Value;

use crate::support::*;

pub const KEYS: &str = "/api/portal/v1/api_keys";

/// A signed-in admin: the session token and the admin's id.
pub struct Admin {
    pub token: String,
    pub id: String,
}

pub async fn admin(s: &Sandbox) -> Admin {
    let answer = s.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "sign-in: {}",
        answer.body
    );
    let data = &answer.body["data"];
    Admin {
        token: data["token"].as_str().expect("token").to_owned(),
        id: data["admin"]["id"].as_str().expect("admin id").to_owned(),
    }
}

/// `method uri` with the token and an optional JSON body.
pub async fn call(
    s: &Sandbox,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    let body = body.map_or_else(Body::empty, |v| Body::from(v.to_string()));
    s.send(method, uri, Some(token), body).await
}

pub async fn post(s: &Sandbox, uri: &str, token: &str, body: Value) -> Answer {
    call(s, Method::POST, uri, token, Some(body)).await
}

/// `POST /api_keys`, which must succeed: `(api_key, secret)`.
pub async fn create_ok(s: &Sandbox, token: &str, body: Value) -> (Value, String) {
    let answer = post(s, KEYS, token, body).await;
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "create: {}",
        answer.body
    );
    let data = &answer.body["data"];
    (
        data["api_key"].clone(),
        data["secret"].as_str().expect("secret").to_owned(),
    )
}

/// A new key labelled `label` in `environment` (full, partner-wide): `(id, secret)`.
pub async fn new_key(s: &Sandbox, token: &str, label: &str, environment: &str) -> (String, String) {
    let body = serde_json::json!({
        "label": label, "environment": environment, "permission_preset": "full"
    });
    let (key, secret) = create_ok(s, token, body).await;
    (key["id"].as_str().expect("id").to_owned(), secret)
}

/// `GET /api/partner/v1/me` with a key: its status.
pub async fn me(s: &Sandbox, secret: &str) -> StatusCode {
    s.send(
        Method::GET,
        "/api/partner/v1/me",
        Some(secret),
        Body::empty(),
    )
    .await
    .status
}

/// Asserts an error answer with this status and code.
pub fn assert_error(answer: &Answer, status: StatusCode, code: &str, why: &str) {
    assert_eq!(answer.status, status, "{why}: {}", answer.body);
    assert_eq!(error_code(answer), code, "{why}");
}

/// An active or deleted customer of the default partner in `environment`: its id.
pub fn new_customer(s: &Sandbox, environment: &str, status: &str) -> String {
    let email = format!("{}@example.com", ulid::Ulid::new());
    insert_user(s, environment, &email, None, status, 0)
}

/// A key of another partner: its id and secret.
pub fn other_partners_key(s: &Sandbox) -> keys::CreatedKey {
    s.db.blocking(|conn| {
        conn.execute(
            "INSERT OR IGNORE INTO partners (id, name, created_at) VALUES ('org_OTHER', 'Other', 0)",
            [],
        )?;
        keys::create(
            conn,
            &keys::NewKey {
                partner_id: "org_OTHER",
                environment: "test",
                label: "theirs",
                preset: "full",
                scope_user_id: None,
                created_by: None,
                created_at: 0,
                expires_at: None,
            },
        )
    })
    .expect("db")
    .expect("key created")
}

/// The partner's audit events (first page of 100), newest first.
pub async fn audit_events(s: &Sandbox, token: &str, query: &str) -> Vec<Value> {
    let answer = get(
        s,
        &format!("/api/portal/v1/audit_events?per_page=100{query}"),
        token,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "audit: {}", answer.body);
    answer.body["data"].as_array().expect("data").clone()
}

/// The events of `key_id` with `kind`.
pub async fn events_of(s: &Sandbox, token: &str, key_id: &str, kind: &str) -> Vec<Value> {
    audit_events(s, token, &format!("&api_key_id={key_id}"))
        .await
        .into_iter()
        .filter(|e| e["type"] == kind)
        .collect()
}

/// The `Peeker-Request-Id` of an answer.
pub fn request_id(answer: &Answer) -> String {
    answer.headers["peeker-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned()
}

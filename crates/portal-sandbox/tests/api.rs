//! The sandbox through its router (no socket): the envelope, request ids, sessions and `/me`,
//! checked against API.md.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use portal_sandbox::store::{Db, partner_id};
use portal_sandbox::{AppState, Clock, keys, prepare_database, router};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;
use tower::ServiceExt;

const EMAIL: &str = "admin@acme.example";
const PASSWORD: &str = "correct horse battery";

/// A clock the test moves by hand.
#[derive(Clone)]
struct ManualClock(Arc<Mutex<OffsetDateTime>>);

impl ManualClock {
    fn advance(&self, seconds: i64) {
        let mut now = self.0.lock().expect("clock lock");
        *now += time::Duration::seconds(seconds);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().expect("clock lock")
    }
}

struct Sandbox {
    app: Router,
    db: Db,
    clock: ManualClock,
}

fn sandbox() -> Sandbox {
    let (db, fresh) = Db::open_in_memory().expect("in-memory database");
    prepare_database(&db, fresh, 7, EMAIL, PASSWORD).expect("seeded");
    let clock = ManualClock(Arc::new(Mutex::new(datetime!(2026-11-20 10:00 UTC))));
    let app = router(AppState::new(db.clone(), Arc::new(clock.clone())));
    Sandbox { app, db, clock }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
}

impl Sandbox {
    async fn send(&self, method: Method, uri: &str, bearer: Option<&str>, body: Body) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(body).expect("valid request"))
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                panic!(
                    "{status} answered a non-JSON body: {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        assert_request_id(&headers);
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn sign_in(&self, email: &str, password: &str) -> Answer {
        let body = json!({ "email": email, "password": password }).to_string();
        self.send(
            Method::POST,
            "/api/portal/v1/sessions",
            None,
            Body::from(body),
        )
        .await
    }

    fn key(&self, environment: &'static str, preset: &'static str) -> keys::CreatedKey {
        self.db
            .blocking(|conn| {
                let partner = partner_id(conn)?;
                keys::create(
                    conn,
                    &keys::NewKey {
                        partner_id: &partner,
                        environment,
                        label: "test key",
                        preset,
                        scope_user_id: None,
                        created_by: None,
                        created_at: datetime!(2026-11-19 10:00 UTC).unix_timestamp(),
                        expires_at: None,
                    },
                )
            })
            .expect("db")
            .expect("key created")
    }
}

fn assert_request_id(headers: &axum::http::HeaderMap) {
    let id = headers
        .get("peeker-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("every response carries Peeker-Request-Id");
    let ulid = id
        .strip_prefix("req_")
        .expect("request ids start with req_");
    assert_eq!(ulid.len(), 26, "a ULID has 26 characters: {id}");
    assert!(
        ulid.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
        "canonical upper-case Crockford: {id}"
    );
}

fn error_code(answer: &Answer) -> &str {
    answer.body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no envelope: {}", answer.body))
}

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
async fn bad_bodies_name_the_field_and_never_500() {
    let s = sandbox();
    let cases = [
        ("{", "body"),
        ("[]", "body"),
        ("\"x\"", "body"),
        ("", "email"),
        (r#"{"email": "a@b.c"}"#, "password"),
        (r#"{"email": 1, "password": "x"}"#, "email"),
        (
            r#"{"email": "a@b.c", "password": "x", "remember": true}"#,
            "remember",
        ),
        (r#"{"email": "", "password": "x"}"#, "email"),
    ];
    for (body, field) in cases {
        let answer = s
            .send(
                Method::POST,
                "/api/portal/v1/sessions",
                None,
                Body::from(body),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body:?} → {}",
            answer.body
        );
        assert_eq!(error_code(&answer), "invalid_request");
        assert_eq!(answer.body["error"]["field"], field, "{body:?}");
    }
    let not_utf8 = s
        .send(
            Method::POST,
            "/api/portal/v1/sessions",
            None,
            Body::from(vec![b'{', 0xff, b'}']),
        )
        .await;
    assert_eq!(not_utf8.body["error"]["field"], "body");
}

#[tokio::test]
async fn framework_errors_use_the_envelope() {
    let s = sandbox();
    let missing = s
        .send(
            Method::GET,
            "/api/partner/v1/nothing-here",
            None,
            Body::empty(),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&missing), "not_found");

    let wrong_method = s
        .send(Method::PUT, "/api/portal/v1/sessions", None, Body::empty())
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&wrong_method), "method_not_allowed");
    let allow = wrong_method
        .headers
        .get(header::ALLOW)
        .expect("405 names what is allowed");
    assert!(
        allow.to_str().expect("ascii").contains("POST"),
        "Allow: {allow:?}"
    );

    let big = format!(
        r#"{{"email": "{}", "password": "x"}}"#,
        "a".repeat(70 * 1024)
    );
    let too_big = s
        .send(
            Method::POST,
            "/api/portal/v1/sessions",
            None,
            Body::from(big),
        )
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&too_big), "payload_too_large");
}

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
    let headers: Vec<Option<String>> = vec![
        None,
        Some(format!("Basic {}", key.secret)),
        Some(format!("bearer {}", key.secret)),
        Some(format!("Bearer  {}", key.secret)),
        Some(format!("Bearer {}x", key.secret)),
        Some(format!("Bearer {upper}")),
        Some(format!("Bearer {unknown}")),
        Some(format!("Bearer {}", revoked.secret)),
    ];
    let mut bodies = Vec::new();
    for value in headers {
        let mut request = Request::builder().uri("/api/partner/v1/me");
        if let Some(value) = &value {
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
            "{value:?} must be refused"
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

#[tokio::test]
async fn the_database_never_holds_a_token_or_a_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sandbox.sqlite");
    let (db, fresh) = Db::open(&path).expect("database");
    prepare_database(&db, fresh, 1, EMAIL, PASSWORD).expect("seeded");
    let clock = ManualClock(Arc::new(Mutex::new(datetime!(2026-11-20 10:00 UTC))));
    let s = Sandbox {
        app: router(AppState::new(db.clone(), Arc::new(clock.clone()))),
        db,
        clock,
    };
    let token = s.sign_in(EMAIL, PASSWORD).await.body["data"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let key = s.key("test", "full");
    drop(s);
    let mut bytes = std::fs::read(&path).expect("db file");
    if let Ok(wal) = std::fs::read(path.with_extension("sqlite-wal")) {
        bytes.extend(wal);
    }
    let haystack = String::from_utf8_lossy(&bytes);
    for needle in [&token[3..], &key.secret[8..], PASSWORD] {
        assert!(
            !haystack.contains(needle),
            "a secret reached the database file"
        );
    }
}

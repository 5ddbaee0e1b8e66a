//! API.md §5's order of checks: unknown route 404 → wrong method 405 → body over 64 KiB 413 →
//! auth 401 → rate limit 429 → preset 403 → input 400 → unknown object 404 → conflict 409.
//! Each request below is wrong in several ways at once; only the earliest check may answer.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::keys::{KEYS, admin, create_ok};
use crate::support::*;

const PARTNER: &str = "/api/partner/v1";
const FORWARDING: &str = "/api/partner/v1/domains/forwarding";

/// A JSON body well over 64 KiB.
fn oversized() -> String {
    json!({ "domains": ["a.com"], "forwarding_url": format!("https://{}.com", "a".repeat(70_000)) })
        .to_string()
}

/// `method uri` with an optional bearer, the body, and its length declared or not (a body
/// without `Content-Length` is how a chunked upload reaches the router).
fn request(
    method: Method,
    uri: &str,
    bearer: Option<&str>,
    body: String,
    declare_length: bool,
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(token) = bearer {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if declare_length {
        builder = builder.header(header::CONTENT_LENGTH, body.len());
    }
    builder.body(Body::from(body)).expect("valid request")
}

fn assert_error(answer: &Answer, status: StatusCode, code: &str, why: &str) {
    assert_eq!(answer.status, status, "{why}: {}", answer.body);
    assert_eq!(error_code(answer), code, "{why}");
}

/// A key whose bucket is empty: 600 requests spent on `GET /me` (the fake clock stands still).
async fn spent_key(s: &Sandbox, preset: &'static str) -> String {
    let key = s.key("test", preset);
    for _ in 0..600 {
        let answer = get(s, &format!("{PARTNER}/me"), &key.secret).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
    key.secret
}

#[tokio::test]
async fn routes_and_methods_come_before_size_and_auth() {
    let s = sandbox();
    let answer = s
        .send_request(request(
            Method::POST,
            "/api/partner/v1/nothing-here",
            Some("nonsense"),
            oversized(),
            false,
        ))
        .await;
    assert_error(&answer, StatusCode::NOT_FOUND, "not_found", "unknown route");
    let answer = s
        .send_request(request(Method::PUT, FORWARDING, None, oversized(), true))
        .await;
    assert_error(
        &answer,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "wrong method",
    );
    assert!(answer.headers.contains_key(header::ALLOW));
}

#[tokio::test]
async fn an_oversized_body_is_413_before_auth_rate_limit_and_preset_however_it_is_framed() {
    let s = sandbox();
    let read = s.key("test", "read");
    let spent = spent_key(&s, "full").await;
    let a = admin(&s).await;
    for declare_length in [true, false] {
        let framing = if declare_length {
            "declared length"
        } else {
            "no length (chunked)"
        };
        for (uri, bearer, why) in [
            (FORWARDING, None, "no key"),
            (FORWARDING, Some(read.secret.as_str()), "a read key"),
            (FORWARDING, Some(spent.as_str()), "a spent bucket"),
            (KEYS, None, "no session"),
            (KEYS, Some(a.token.as_str()), "a session"),
        ] {
            let answer = s
                .send_request(request(
                    Method::POST,
                    uri,
                    bearer,
                    oversized(),
                    declare_length,
                ))
                .await;
            assert_error(
                &answer,
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                &format!("{uri} with {why}, {framing}"),
            );
        }
    }
    let small = json!({ "domains": ["a.com"], "forwarding_url": "https://example.com" });
    let answer = s
        .send_request(request(
            Method::POST,
            FORWARDING,
            Some(&read.secret),
            small.to_string(),
            false,
        ))
        .await;
    assert_error(
        &answer,
        StatusCode::FORBIDDEN,
        "forbidden",
        "a small body without a length is read and passed on",
    );
}

#[tokio::test]
async fn auth_then_rate_limit_then_preset_then_input() {
    let s = sandbox();
    // An unknown parameter and unparseable JSON, which only a full key gets to hear about.
    let forward = |bearer: Option<String>| {
        let request = request(
            Method::POST,
            &format!("{FORWARDING}?colour=red"),
            bearer.as_deref(),
            "{not json".to_owned(),
            true,
        );
        s.send_request(request)
    };
    let spent_read = spent_key(&s, "read").await;
    for (bearer, status, code, why) in [
        (None, StatusCode::UNAUTHORIZED, "unauthorized", "no key"),
        (
            Some(spent_read),
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "a spent read key",
        ),
        (
            Some(s.key("test", "read").secret),
            StatusCode::FORBIDDEN,
            "forbidden",
            "a read key",
        ),
    ] {
        assert_error(&forward(bearer).await, status, code, why);
    }
    let full = s.key("test", "full");
    let answer = forward(Some(full.secret)).await;
    assert_invalid(&answer, "colour", "a full key, an unknown parameter");
}

#[tokio::test]
async fn endpoints_without_parameters_refuse_any_before_looking_up_the_object() {
    let s = sandbox();
    let full = s.key("test", "full");
    let a = admin(&s).await;
    let missing_key = format!("{KEYS}/key_01JD3Q4VX2M7P8K9N0R1S2T3V4");
    for (method, uri, bearer, field) in [
        (
            Method::GET,
            format!("{PARTNER}/me?colour=red"),
            &full.secret,
            "colour",
        ),
        (
            Method::GET,
            format!("{PARTNER}/domains/dom_01JD3Q4VX2M7P8K9N0R1S2T3V4?verbose=1"),
            &full.secret,
            "verbose",
        ),
        (
            Method::GET,
            format!("{FORWARDING}/fwj_01JD3Q4VX2M7P8K9N0R1S2T3V4?x=1"),
            &full.secret,
            "x",
        ),
        (
            Method::POST,
            format!("{PARTNER}/domains/availability?colour="),
            &full.secret,
            "colour",
        ),
        (Method::GET, format!("{missing_key}?x=1"), &a.token, "x"),
        (
            Method::POST,
            format!("{missing_key}/revoke?x=1"),
            &a.token,
            "x",
        ),
        (
            Method::POST,
            format!("{missing_key}/rotate?x=1"),
            &a.token,
            "x",
        ),
        (
            Method::POST,
            format!("{KEYS}?dry_run=1"),
            &a.token,
            "dry_run",
        ),
        (
            Method::DELETE,
            "/api/portal/v1/sessions/current?all=1".to_owned(),
            &a.token,
            "all",
        ),
    ] {
        let body = json!({ "domains": ["a.com"] }).to_string();
        let answer = s
            .send_request(request(method.clone(), &uri, Some(bearer), body, true))
            .await;
        assert_invalid(&answer, field, &format!("{method} {uri}"));
    }
    let answer = s
        .send(
            Method::POST,
            "/api/portal/v1/sessions?remember=1",
            None,
            Body::from(json!({ "email": EMAIL, "password": PASSWORD }).to_string()),
        )
        .await;
    assert_invalid(&answer, "remember", "sign-in takes no parameter either");
    let me = get(&s, &format!("{PARTNER}/me"), &full.secret).await;
    assert_eq!(
        me.status,
        StatusCode::OK,
        "the session still works: {}",
        me.body
    );
}

#[tokio::test]
async fn an_id_that_is_not_utf8_names_nothing() {
    let s = sandbox();
    let full = s.key("test", "full");
    let a = admin(&s).await;
    for (method, uri, bearer) in [
        (Method::GET, format!("{PARTNER}/domains/%FF"), &full.secret),
        (Method::GET, format!("{FORWARDING}/%FF%FE"), &full.secret),
        (Method::GET, format!("{KEYS}/%FF"), &a.token),
        (Method::GET, format!("{KEYS}/%FF/usage"), &a.token),
        (Method::POST, format!("{KEYS}/%FF/revoke"), &a.token),
        (Method::POST, format!("{KEYS}/%FF/rotate"), &a.token),
    ] {
        let answer = s
            .send(method.clone(), &uri, Some(bearer), Body::empty())
            .await;
        assert_error(
            &answer,
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("{method} {uri}"),
        );
    }
}

#[tokio::test]
async fn input_comes_before_conflicts() {
    let s = sandbox();
    let a = admin(&s).await;
    let body = |expires_at: Option<&str>| {
        let mut body =
            json!({ "label": "Twin", "environment": "test", "permission_preset": "read" });
        if let Some(at) = expires_at {
            body["expires_at"] = json!(at);
        }
        body
    };
    create_ok(&s, &a.token, body(None)).await;
    let past = crate::keys::call(
        &s,
        Method::POST,
        KEYS,
        &a.token,
        Some(body(Some("2020-01-01T00:00:00Z"))),
    )
    .await;
    assert_invalid(&past, "expires_at", "a duplicate label with a past expiry");
    let twin = crate::keys::call(&s, Method::POST, KEYS, &a.token, Some(body(None))).await;
    assert_error(&twin, StatusCode::CONFLICT, "conflict", "a duplicate label");
    assert_eq!(twin.body["error"]["field"], "label");
}

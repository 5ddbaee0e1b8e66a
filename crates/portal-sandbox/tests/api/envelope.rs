//! The envelope for every error: bad bodies, unknown routes, wrong methods, oversized bodies.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};

use crate::support::*;

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

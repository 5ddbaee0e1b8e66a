//! The client against answers written by hand from API.md (`tests/fixtures/api/`), served by a
//! minimal HTTP server, so the client is checked against the contract and not only against our
//! own sandbox.

use portal_core::server::{ServerConfig, ServerKind};
use portal_core::services::session::{Credentials, sign_in};
use portal_core::{Error, ErrorCode, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const REQUEST_ID: &str = "req_01JD3Q4VX2M7P8K9N0R1S2T3U6";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/api/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Serves one canned answer to every request; returns the origin.
async fn serve(status: &'static str, content_type: &'static str, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16 * 1024];
                let _ = stream.read(&mut buffer).await;
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
                     peeker-request-id: {REQUEST_ID}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
            });
        }
    });
    origin
}

async fn try_sign_in(origin: &str) -> Result<portal_core::services::session::Connection, Error> {
    let server = ServerConfig::parse(ServerKind::Remote, origin).expect("loopback origin");
    let password = Secret::new("pw".into());
    sign_in(
        server,
        Credentials {
            email: "admin@acme.example",
            password: &password,
        },
        "test/0",
    )
    .await
}

#[tokio::test]
async fn reads_a_created_session() {
    let origin = serve(
        "201 Created",
        "application/json",
        fixture("session_created"),
    )
    .await;
    let connection = try_sign_in(&origin)
        .await
        .expect("the fixture is a valid session");
    let view = connection.view();
    assert_eq!(view.partner.name, "Acme Resellers");
    assert_eq!(view.admin.name, "Alex Morgan");
    assert_eq!(view.server.base_url, origin);
    let expires = serde_json::to_value(view.expires_at).expect("serializes");
    assert_eq!(expires, "2026-11-20T22:00:00Z");
}

#[tokio::test]
async fn maps_error_envelopes_to_codes_with_request_ids() {
    let origin = serve(
        "401 Unauthorized",
        "application/json",
        fixture("error_unauthorized"),
    )
    .await;
    let error = try_sign_in(&origin).await.expect_err("401");
    assert_eq!(error.code(), ErrorCode::Unauthorized);
    assert_eq!(error.request_id(), Some(REQUEST_ID));

    let origin = serve(
        "429 Too Many Requests",
        "application/json",
        fixture("error_rate_limited"),
    )
    .await;
    let error = try_sign_in(&origin).await.expect_err("429");
    assert_eq!(error.code(), ErrorCode::RateLimited);
    assert_eq!(error.retry_after_seconds(), Some(600));

    let origin = serve(
        "400 Bad Request",
        "application/json",
        fixture("error_invalid_field"),
    )
    .await;
    let error = try_sign_in(&origin).await.expect_err("400");
    assert_eq!(
        (error.code(), error.field()),
        (ErrorCode::InvalidRequest, Some("password"))
    );
}

#[tokio::test]
async fn anything_but_the_envelope_is_not_a_partner_api() {
    let cases = [
        (
            "200 OK",
            "text/html",
            "<!doctype html><h1>Welcome</h1>".to_owned(),
        ),
        ("404 Not Found", "text/plain", "Not Found".to_owned()),
        (
            "201 Created",
            "application/json",
            r#"{"token": "x"}"#.to_owned(),
        ),
        (
            "500 Internal Server Error",
            "application/json",
            r#"{"oops": true}"#.to_owned(),
        ),
    ];
    for (status, content_type, body) in cases {
        let origin = serve(status, content_type, body.clone()).await;
        let error = try_sign_in(&origin).await.expect_err("not the API");
        assert_eq!(
            error.code(),
            ErrorCode::NotAPartnerApi,
            "{status} {body}: {error}"
        );
        assert!(
            error.to_string().contains(&status[..3]),
            "the message names the status: {error}"
        );
    }
}

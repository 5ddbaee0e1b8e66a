//! The HTTP transport under injected faults: which failures are retried, how often, what error
//! the caller gets, what the request log shows, and that no secret leaks on the way. A scripted
//! server on loopback (`faults/server.rs`) plays 429s, 5xx, slow answers, resets and answers that
//! are not the API's; `faults/paging.rs` scans lists of the sandbox.
//!
//! Waits are milliseconds: the policy here counts one "second" of `Retry-After` as 1 ms.

mod hostile;
mod paging;
mod scan;
mod server;

use std::time::Duration;

use portal_core::api::{Call, Client, ClientOptions, Retry, RetryPolicy};
use portal_core::server::{ServerConfig, ServerKind};
use portal_core::{ErrorCode, Secret};
use serde_json::{Value, json};
use server::{Fault, FaultServer, request_id};

/// A partner key that must never show up in a message or a log entry.
const KEY: &str = "pk_test_5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e7";

fn quick_options() -> ClientOptions {
    ClientOptions {
        request_timeout: Duration::from_millis(300),
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(50),
            retry_after_unit: Duration::from_millis(1),
            retry_after_jitter: Duration::from_millis(1),
        },
        rate_limit: None,
        ..ClientOptions::new("faults/0")
    }
}

fn client(server: &FaultServer) -> Client {
    let config = ServerConfig::parse(ServerKind::Remote, server.origin()).expect("loopback");
    Client::with_options(config, quick_options()).expect("client")
}

fn key() -> Secret {
    Secret::new(KEY.to_owned())
}

fn get(server: &FaultServer) -> Call {
    Call::get(format!(
        "{}/api/partner/v1/domains?per_page=2",
        server.origin()
    ))
    .bearer(&key())
}

fn create(server: &FaultServer) -> Call {
    let body = json!({ "label": "ci", "environment": "test", "permission_preset": "read" });
    Call::post(format!("{}/api/portal/v1/api_keys", server.origin()), body).bearer(&key())
}

fn html() -> Fault {
    Fault::Raw {
        status: 200,
        content_type: "text/html",
        body: "<!doctype html><h1>Welcome</h1>".into(),
    }
}

fn rate_limited(details_retry: Option<u32>, header_retry: Option<u32>) -> Fault {
    Fault::Envelope {
        status: 429,
        code: "rate_limited",
        details_retry,
        header_retry,
    }
}

/// Every fault, each with the code the caller must get and whether the server sent a request id.
fn every_fault() -> Vec<(&'static str, Fault, ErrorCode, bool)> {
    vec![
        (
            "429",
            rate_limited(Some(1), Some(1)),
            ErrorCode::RateLimited,
            true,
        ),
        (
            "500",
            Fault::status(500, "internal"),
            ErrorCode::Server,
            true,
        ),
        (
            "503",
            Fault::status(503, "unavailable"),
            ErrorCode::Server,
            true,
        ),
        (
            "slow",
            Fault::Slow(Duration::from_secs(2)),
            ErrorCode::Timeout,
            false,
        ),
        ("reset", Fault::Reset, ErrorCode::Network, false),
        (
            "malformed",
            Fault::json_200(r#"{"data": [1, 2"#),
            ErrorCode::NotAPartnerApi,
            true,
        ),
        ("html", html(), ErrorCode::NotAPartnerApi, true),
        (
            "not an envelope",
            Fault::json_200(r#"{"items": []}"#),
            ErrorCode::NotAPartnerApi,
            true,
        ),
    ]
}

#[tokio::test]
async fn a_create_is_attempted_exactly_once_whatever_the_failure() {
    for (name, fault, code, has_id) in every_fault() {
        let server = FaultServer::start(vec![fault, Fault::Ok]).await;
        let client = client(&server);
        let error = client
            .call::<Value>(create(&server))
            .await
            .expect_err("the first attempt fails and there is no second");
        assert_eq!(error.code(), code, "{name}: {error}");
        assert_eq!(
            server.requests(),
            1,
            "{name}: a retried create could make a second key"
        );
        let expected_id = has_id.then(|| request_id(1));
        assert_eq!(error.request_id(), expected_id.as_deref(), "{name}");
        let log = client.request_log();
        assert_eq!(log.len(), 1, "{name}: one attempt, one log entry");
        assert_eq!((log[0].attempt, log[0].error), (1, Some(code)), "{name}");
        assert_eq!(log[0].method, "POST");
        assert_eq!(log[0].request_id, expected_id, "{name}");
    }
}

#[tokio::test]
async fn a_get_is_retried_through_transient_faults_and_succeeds_when_they_clear() {
    let transient = [
        ("429 without a wait", rate_limited(None, None), Some(429)),
        (
            "429 with Retry-After",
            rate_limited(None, Some(3)),
            Some(429),
        ),
        (
            "429 with retry_after_seconds",
            rate_limited(Some(2), None),
            Some(429),
        ),
        ("502", Fault::status(502, "bad_gateway"), Some(502)),
        ("503", Fault::status(503, "unavailable"), Some(503)),
        ("504", Fault::status(504, "gateway_timeout"), Some(504)),
        ("reset", Fault::Reset, None),
        ("slow", Fault::Slow(Duration::from_secs(2)), None),
    ];
    for (name, fault, status) in transient {
        let server = FaultServer::start(vec![fault, Fault::Ok]).await;
        let client = client(&server);
        let reply = client
            .call::<Value>(get(&server))
            .await
            .unwrap_or_else(|e| panic!("{name}: the retry must succeed, got {e}"));
        assert_eq!(reply.data, json!({"ok": true}), "{name}");
        assert_eq!(
            reply.request_id,
            Some(request_id(2)),
            "{name}: the id of the answer used"
        );
        assert_eq!(server.requests(), 2, "{name}: one failure, one retry");
        let log = client.request_log();
        let seen: Vec<_> = log.iter().map(|e| (e.attempt, e.status)).collect();
        assert_eq!(
            seen,
            [(2, Some(200)), (1, status)],
            "{name}: newest first, per attempt"
        );
        assert!(log[1].error.is_some() && log[0].error.is_none(), "{name}");
    }
}

#[tokio::test]
async fn final_failures_are_not_retried_and_transient_ones_stop_at_the_limit() {
    let server = FaultServer::start(vec![Fault::status(500, "internal"), Fault::Ok]).await;
    let error = client(&server)
        .call::<Value>(get(&server))
        .await
        .expect_err("500");
    assert_eq!(error.code(), ErrorCode::Server);
    assert_eq!(server.requests(), 1, "a 500 is final");

    for fault in [
        html(),
        Fault::json_200(r#"{"items": []}"#),
        Fault::status(404, "not_found"),
    ] {
        let server = FaultServer::start(vec![fault.clone(), Fault::Ok]).await;
        let _ = client(&server)
            .call::<Value>(get(&server))
            .await
            .expect_err("final");
        assert_eq!(server.requests(), 1, "{fault:?} is not transient");
    }

    let server = FaultServer::start(vec![Fault::status(503, "unavailable")]).await;
    let client = client(&server);
    let error = client
        .call::<Value>(get(&server))
        .await
        .expect_err("503 forever");
    assert_eq!(error.code(), ErrorCode::Server);
    assert_eq!(
        server.requests(),
        4,
        "max_attempts = 4 counts the first one"
    );
    assert_eq!(
        error.request_id(),
        Some(request_id(4).as_str()),
        "the last attempt's id"
    );
    let attempts: Vec<_> = client.request_log().iter().map(|e| e.attempt).collect();
    assert_eq!(attempts, [4, 3, 2, 1]);
}

#[tokio::test]
async fn a_wait_longer_than_the_cap_is_returned_not_slept() {
    // 100 "seconds" of 1 ms each is past the 50 ms cap.
    let server = FaultServer::start(vec![rate_limited(Some(100), Some(100)), Fault::Ok]).await;
    let error = client(&server)
        .call::<Value>(get(&server))
        .await
        .expect_err("429");
    assert_eq!(error.code(), ErrorCode::RateLimited);
    assert_eq!(
        error.retry_after_seconds(),
        Some(100),
        "the UI shows the server's wait"
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_a_get_only() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener); // nothing listens there now
    let config = ServerConfig::parse(ServerKind::Remote, &origin).expect("loopback");
    let client = Client::with_options(config, quick_options()).expect("client");
    let error = client
        .call::<Value>(Call::get(format!("{origin}/api/partner/v1/me")).bearer(&key()))
        .await
        .expect_err("nothing answers");
    assert_eq!(error.code(), ErrorCode::Network, "{error}");
    let log = client.request_log();
    let seen: Vec<_> = log.iter().map(|e| (e.attempt, e.status, e.error)).collect();
    let refused = |n| (n, None, Some(ErrorCode::Network));
    assert_eq!(seen, [refused(4), refused(3), refused(2), refused(1)]);

    client.clear_request_log();
    let body = json!({ "label": "ci" });
    let post = Call::post(format!("{origin}/api/portal/v1/api_keys"), body).bearer(&key());
    let error = client
        .call::<Value>(post)
        .await
        .expect_err("nothing answers");
    assert_eq!(error.code(), ErrorCode::Network);
    assert_eq!(client.request_log().len(), 1, "a create is attempted once");
}

#[tokio::test]
async fn an_idempotent_post_marked_safe_is_retried() {
    let server = FaultServer::start(vec![Fault::status(503, "unavailable"), Fault::Ok]).await;
    let revoke = create(&server).retry(Retry::Safe);
    client(&server)
        .call::<Value>(revoke)
        .await
        .expect("retried after the 503");
    assert_eq!(server.requests(), 2);

    let server = FaultServer::start(vec![Fault::Reset, Fault::Ok]).await;
    let empty = Call::delete(format!(
        "{}/api/portal/v1/sessions/current",
        server.origin()
    ));
    let error = client(&server)
        .call_empty(empty)
        .await
        .expect_err("a DELETE is not retried");
    assert_eq!(error.code(), ErrorCode::Network);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn no_error_or_log_entry_ever_shows_the_key() {
    let mut faults: Vec<Fault> = every_fault().into_iter().map(|(_, f, _, _)| f).collect();
    // An answer quoting the key where a number belongs: serde would echo it in its message.
    faults.push(Fault::json_200(&format!(
        r#"{{"data": {{"count": "{KEY}"}}}}"#
    )));
    let mut seen = String::new();
    for fault in faults {
        let server = FaultServer::start(vec![fault]).await;
        let client = client(&server);
        for call in [get(&server), create(&server)] {
            seen.push_str(&format!("{call:?}\n"));
            let error = match client.call::<Counter>(call).await {
                Ok(reply) => panic!("every fault fails, got {:?}", reply.data.count),
                Err(error) => error,
            };
            seen.push_str(&format!("{error}\n{error:?}\n"));
            let ipc = portal_core::IpcError::from(&error);
            seen.push_str(&serde_json::to_string(&ipc).expect("serializable"));
        }
        let log = serde_json::to_string(&client.request_log()).expect("serializable");
        seen.push_str(&log);
    }
    let hex = &KEY["pk_test_".len()..];
    assert!(!seen.contains(hex), "the key leaked into:\n{seen}");
    assert!(seen.contains("rate_limited") && seen.contains("JSON of another shape"));
}

#[derive(Debug, serde::Deserialize)]
struct Counter {
    count: u32,
}

//! A server that turns on the client: a `links.next` to another server (followed or resumed,
//! the key must not go there), answers that never end or declare gigabytes, and ids from the UI
//! that would climb out of their path. Each is refused before anything is sent or read.

use std::time::{Duration, Instant};

use portal_core::ErrorCode;
use portal_core::api::{Client, ClientOptions};
use portal_core::model::{DomainFilter, DomainId, JobId, KeyId, UsageWindow};
use portal_core::server::{ServerConfig, ServerKind};
use portal_core::services::domains::{Browser, ScanControl, ScanEvent};
use serde_json::Value;
use tokio::sync::mpsc;

use super::server::{Fault, FaultServer};
use super::{client, key, quick_options};

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/api/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// A client with the timeouts of real use (20 s a request), so only the size cap can end an
/// endless answer quickly.
fn patient_client(server: &FaultServer) -> Client {
    let config = ServerConfig::parse(ServerKind::Remote, server.origin()).expect("loopback");
    let options = ClientOptions {
        request_timeout: Duration::from_secs(20),
        ..quick_options()
    };
    Client::with_options(config, options).expect("client")
}

/// This process's resident memory, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

#[tokio::test]
async fn a_next_link_to_another_server_is_never_followed_and_resume_sends_nothing() {
    let elsewhere = FaultServer::start(vec![Fault::Ok]).await;
    let mut page = fixture("domains_list");
    page["links"]["next"] = Value::String(format!(
        "{}/api/partner/v1/domains?page_token=stolen",
        elsewhere.origin()
    ));
    let server = FaultServer::start(vec![
        Fault::json_200(&fixture("me").to_string()),
        Fault::json_200(&page.to_string()),
    ])
    .await;
    let browser = Browser::open(client(&server), key())
        .await
        .expect("the key opens");
    let (tx, mut events) = mpsc::unbounded_channel();
    let (handle, run) = browser.scan(DomainFilter::default(), move |e| tx.send(e).is_ok());
    tokio::spawn(run);
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .expect("the scan says something within 10 s")
            .expect("the scan is still there")
    };

    let ScanEvent::Page { rows, .. } = next().await else {
        panic!("the first page is delivered");
    };
    assert_eq!(rows.len(), 1, "the page's rows are kept");
    let ScanEvent::Failed { error } = next().await else {
        panic!("the link to another server stops the scan");
    };
    assert_eq!(error.code, ErrorCode::NotAPartnerApi);
    assert!(
        error.message.contains("another server") && error.message.contains("127.0.0.1"),
        "the user is told the server sent a link elsewhere: {}",
        error.message
    );
    assert!(error.request_id.is_some(), "the page's request id is kept");

    handle.send(ScanControl::Resume);
    let ScanEvent::Failed { error: again } = next().await else {
        panic!("resume has nowhere safe to go on from, and says so again");
    };
    assert_eq!(again, error);
    handle.send(ScanControl::Cancel);
    assert_eq!(next().await, ScanEvent::Cancelled);
    assert_eq!(
        elsewhere.connections(),
        0,
        "the other server never even saw a connection"
    );
    assert_eq!(server.requests(), 2, "GET /me and the first page only");
}

#[tokio::test]
async fn an_endless_answer_fails_within_a_second_or_two_and_memory_stays_flat() {
    let server = FaultServer::start(vec![Fault::Endless]).await;
    let client = patient_client(&server);
    let before = rss_kib();
    let started = Instant::now();
    let error = client
        .me(&key())
        .await
        .expect_err("an endless /me is refused");
    let took = started.elapsed();
    let grew_mib = rss_kib().saturating_sub(before) / 1024;
    println!(
        "endless answer: refused after {took:?}, {} KiB read by the server's count, RSS +{grew_mib} MiB",
        server.streamed() / 1024
    );
    assert_eq!(error.code(), ErrorCode::NotAPartnerApi);
    assert!(
        error.to_string().contains("127.0.0.1") && error.to_string().contains("larger than"),
        "the message names the server and what it did: {error}"
    );
    assert!(
        took < Duration::from_secs(2),
        "refused quickly, not at the 20 s timeout"
    );
    assert!(
        grew_mib < 32,
        "memory stays flat (grew {grew_mib} MiB); the answer is capped, not buffered"
    );
    assert_eq!(server.requests(), 1, "a refused answer is not asked again");
}

#[tokio::test]
async fn a_page_declaring_gigabytes_is_refused_before_it_is_read() {
    let server = FaultServer::start(vec![Fault::Declared(8 << 30)]).await;
    let client = patient_client(&server);
    let started = Instant::now();
    let first = portal_core::api::Call::get(format!(
        "{}/api/partner/v1/domains?per_page=100",
        server.origin()
    ))
    .bearer(&key());
    let mut pages = std::pin::pin!(client.pages::<Value>(first));
    let error = futures_util::StreamExt::next(&mut pages)
        .await
        .expect("an item")
        .expect_err("an 8 GiB page is refused");
    assert_eq!(error.code(), ErrorCode::NotAPartnerApi);
    assert!(error.to_string().contains("4096 KiB"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn ids_that_are_not_the_apis_are_refused_before_any_request() {
    let server = FaultServer::start(vec![Fault::Ok]).await;
    let client = client(&server);
    let token = key();
    for bad in [
        "..",
        ".",
        "key_01JD3Q4VX2M7P8K9N0R1S2T3U4/../../sessions/current",
        "key_01JD3Q4VX2M7P8K9N0R1S2T3U4?x=1",
        "key_01jd3q4vx2m7p8k9n0r1s2t3u4",
        "key_01JD3Q4VX2M7P8K9N0R1S2T3U",
        "dom_01JD3Q4VX2M7P8K9N0R1S2T3U4",
        "",
    ] {
        let id = KeyId::new(bad);
        let errors = [
            client.key(&token, &id).await.map(drop),
            client.revoke_key(&token, &id).await.map(drop),
            client.rotate_key(&token, &id, None).await.map(drop),
            client
                .key_usage(&token, &id, &UsageWindow::Day)
                .await
                .map(drop),
        ];
        for result in errors {
            let error = result.expect_err("an ill-formed key id is refused");
            assert_eq!(error.code(), ErrorCode::InvalidRequest, "{bad:?}");
            assert_eq!(error.field(), Some("key_id"), "{bad:?}");
            if !bad.is_empty() {
                assert!(!error.to_string().contains(bad), "the id is not echoed");
            }
        }
    }
    let domain = client.domain(&token, &DomainId::new("../me")).await;
    assert_eq!(
        domain.expect_err("refused").field(),
        Some("domain_id"),
        "a domain id is checked too"
    );
    let job = client
        .forwarding_job(&token, &JobId::new("fwj_%2e%2e"))
        .await;
    assert_eq!(job.expect_err("refused").field(), Some("job_id"));
    assert_eq!(server.connections(), 0, "nothing was sent for any of them");
}

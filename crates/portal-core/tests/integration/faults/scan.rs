//! [`Browser::scan`] against the sandbox: pause and resume between pages, cancel, a failure
//! that waits for "resume" and goes on from the next page, and 429s waited out with a
//! `waiting` event. Every row arrives exactly once.

use std::collections::HashSet;
use std::time::Duration;

use portal_core::api::{Client, ClientOptions, RetryPolicy};
use portal_core::model::{DomainFilter, DomainId};
use portal_core::server::{ServerConfig, ServerKind};
use portal_core::services::domains::{Browser, ScanControl, ScanEvent, ScanHandle};
use portal_core::{ErrorCode, Secret};
use portal_sandbox::{Config, Sandbox, spawn};
use tokio::sync::mpsc;

use super::paging::partner_key;

struct Scan {
    handle: ScanHandle,
    events: mpsc::UnboundedReceiver<ScanEvent>,
    rows: Vec<DomainId>,
}

impl Scan {
    async fn start(sandbox: &Sandbox, key: Secret, retry: RetryPolicy) -> Self {
        let server = ServerConfig::parse(ServerKind::Sandbox, &sandbox.base_url()).expect("url");
        let options = ClientOptions {
            rate_limit: None,
            retry,
            ..ClientOptions::new("scan-tests/0")
        };
        let client = Client::with_options(server, options).expect("client");
        let browser = Browser::open(client, key).await.expect("the key opens");
        let (tx, events) = mpsc::unbounded_channel();
        let (handle, run) = browser.scan(DomainFilter::default(), move |e| tx.send(e).is_ok());
        tokio::spawn(run);
        Self {
            handle,
            events,
            rows: Vec::new(),
        }
    }

    /// The next event (pages' rows are collected), failing the test after 20 s of silence.
    async fn next(&mut self) -> Option<ScanEvent> {
        let event = tokio::time::timeout(Duration::from_secs(20), self.events.recv())
            .await
            .expect("the scan says something within 20 s")?;
        if let ScanEvent::Page { rows, .. } = &event {
            self.rows.extend(rows.iter().map(|d| d.id.clone()));
        }
        Some(event)
    }

    /// Whether anything arrives within `wait`.
    async fn silent_for(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.events.recv())
            .await
            .is_err()
    }

    fn assert_each_row_once(&self, expected: usize) {
        let distinct: HashSet<_> = self.rows.iter().collect();
        assert_eq!(distinct.len(), self.rows.len(), "no row delivered twice");
        assert_eq!(self.rows.len(), expected, "every row delivered");
    }
}

async fn sandbox(domains: u32, rate_limit_per_minute: u32) -> Sandbox {
    spawn(Config {
        domains,
        rate_limit_per_minute,
        admin_password: Some("correct horse".into()),
        ..Config::default()
    })
    .await
    .expect("the sandbox starts")
}

/// Spends the key's whole budget at the sandbox, so the next requests meet 429s.
async fn drain(sandbox: &Sandbox, key: &Secret) {
    let http = reqwest::Client::new();
    let me = format!("{}/api/partner/v1/me", sandbox.base_url());
    for _ in 0..500 {
        let response = http.get(&me).bearer_auth(key.expose()).send().await;
        if response.expect("me answers").status() == 429 {
            return;
        }
    }
    panic!("the budget never ran dry");
}

fn no_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn a_paused_scan_asks_for_nothing_until_resumed_then_finishes() {
    let sandbox = sandbox(700, 100_000).await;
    let key = partner_key(&sandbox).await;
    let mut scan = Scan::start(&sandbox, key, RetryPolicy::default()).await;
    assert!(matches!(scan.next().await, Some(ScanEvent::Page { .. })));
    scan.handle.send(ScanControl::Pause);
    // The page already asked for may still arrive; then the scan says it is paused.
    let mut event = scan.next().await;
    if matches!(event, Some(ScanEvent::Page { .. })) {
        event = scan.next().await;
    }
    assert_eq!(event, Some(ScanEvent::Paused));
    assert!(
        scan.silent_for(Duration::from_millis(300)).await,
        "nothing while paused"
    );
    scan.handle.send(ScanControl::Resume);
    assert_eq!(scan.next().await, Some(ScanEvent::Resumed));
    let finished = loop {
        match scan.next().await.expect("the scan ends with an event") {
            ScanEvent::Page { .. } => {}
            ScanEvent::Finished { progress } => break progress,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!((finished.pages, finished.items), (7, 700));
    scan.assert_each_row_once(700);
    assert_eq!(scan.next().await, None, "nothing after finished");
}

#[tokio::test]
async fn a_cancelled_scan_says_so_and_stops() {
    let sandbox = sandbox(700, 100_000).await;
    let key = partner_key(&sandbox).await;
    let mut scan = Scan::start(&sandbox, key, RetryPolicy::default()).await;
    assert!(matches!(scan.next().await, Some(ScanEvent::Page { .. })));
    scan.handle.send(ScanControl::Cancel);
    loop {
        match scan.next().await {
            Some(ScanEvent::Page { .. }) => {}
            Some(ScanEvent::Cancelled) => break,
            other => panic!("expected cancelled, got {other:?}"),
        }
    }
    assert_eq!(scan.next().await, None, "nothing after cancelled");
    assert!(scan.rows.len() < 700, "the scan stopped early");
    assert!(scan.handle.is_finished());
}

#[tokio::test]
async fn a_failed_scan_waits_for_resume_and_goes_on_from_the_next_page() {
    // A budget of 60 a minute, spent; one token a second comes back. Without retries, the
    // scan fails on a 429 within the first pages.
    let sandbox = sandbox(500, 60).await;
    let key = partner_key(&sandbox).await;
    drain(&sandbox, &key).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut scan = Scan::start(&sandbox, key, no_retries()).await;
    let mut failures = 0;
    loop {
        match scan.next().await.expect("an event") {
            ScanEvent::Page { .. } => {}
            ScanEvent::Failed { error } => {
                assert_eq!(error.code, ErrorCode::RateLimited);
                assert!(error.request_id.is_some(), "the 429's request id is kept");
                failures += 1;
                assert!(
                    scan.silent_for(Duration::from_millis(1100)).await,
                    "a failed scan waits for resume"
                );
                scan.handle.send(ScanControl::Resume);
                assert_eq!(scan.next().await, Some(ScanEvent::Resumed));
            }
            ScanEvent::Finished { progress } => {
                assert_eq!(progress.items, 500);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(failures >= 1, "the spent budget made the scan fail");
    scan.assert_each_row_once(500);
}

#[tokio::test]
async fn a_scan_waits_out_429s_with_a_waiting_event_and_loses_nothing() {
    let sandbox = sandbox(300, 60).await;
    let key = partner_key(&sandbox).await;
    drain(&sandbox, &key).await;
    let mut scan = Scan::start(&sandbox, key, RetryPolicy::default()).await;
    let mut waits = 0;
    loop {
        match scan.next().await.expect("an event") {
            ScanEvent::Page { .. } => {}
            ScanEvent::Waiting { seconds, error } => {
                assert_eq!(error.code, ErrorCode::RateLimited);
                assert!(
                    seconds >= 1.0,
                    "the server's retry_after_seconds is honoured"
                );
                waits += 1;
            }
            ScanEvent::Finished { progress } => {
                assert_eq!(progress.items, 300);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(waits >= 1, "the spent budget made the scan wait");
    scan.assert_each_row_once(300);
}

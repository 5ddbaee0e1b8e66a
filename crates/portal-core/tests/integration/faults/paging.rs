//! Streams of pages against the sandbox: every item once and in order, cancellation by drop,
//! resuming from `links.next`, and a scan that runs into the server's rate limit.

use std::collections::HashSet;

use futures_util::StreamExt;
use portal_core::api::{Call, Client, ClientOptions, Page};
use portal_core::server::{ServerConfig, ServerKind};
use portal_core::{Result, Secret};
use portal_sandbox::{Config, Sandbox, spawn};
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse";

async fn sandbox(domains: u32, rate_limit_per_minute: u32) -> Sandbox {
    spawn(Config {
        domains,
        rate_limit_per_minute,
        admin_password: Some(PASSWORD.into()),
        ..Config::default()
    })
    .await
    .expect("the sandbox starts on loopback")
}

/// A read key for the test environment, made through the portal API with plain reqwest.
pub async fn partner_key(sandbox: &Sandbox) -> Secret {
    let http = reqwest::Client::new();
    let portal = format!("{}/api/portal/v1", sandbox.base_url());
    let credentials = json!({ "email": sandbox.admin_email(), "password": PASSWORD });
    let session: Value = http
        .post(format!("{portal}/sessions"))
        .json(&credentials)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("sign in")
        .json()
        .await
        .expect("a session");
    let token = session["data"]["token"].as_str().expect("a session token");
    let body = json!({ "label": "scan", "environment": "test", "permission_preset": "read" });
    let created: Value = http
        .post(format!("{portal}/api_keys"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("create a key")
        .json()
        .await
        .expect("a created key");
    Secret::new(
        created["data"]["secret"]
            .as_str()
            .expect("a secret")
            .to_owned(),
    )
}

fn client(sandbox: &Sandbox, options: ClientOptions) -> Client {
    let server = ServerConfig::parse(ServerKind::Sandbox, &sandbox.base_url()).expect("loopback");
    Client::with_options(server, options).expect("client")
}

fn unlimited() -> ClientOptions {
    ClientOptions {
        rate_limit: None,
        ..ClientOptions::new("faults/0")
    }
}

fn domains(client: &Client, key: &Secret, per_page: u32) -> Call {
    let url = client
        .server()
        .partner_url(&format!("/domains?per_page={per_page}"));
    Call::get(url).bearer(key)
}

async fn total(client: &Client, key: &Secret) -> usize {
    let stats = client
        .call::<Value>(Call::get(client.server().partner_url("/domains/stats")).bearer(key))
        .await
        .expect("stats");
    stats.data["total"].as_u64().expect("a total") as usize
}

/// Asserts newest first (ties by id descending) and unique ids.
fn assert_in_order_once(items: &[Value]) {
    let keys: Vec<(&str, &str)> = items
        .iter()
        .map(|d| {
            let at = d["created_at"].as_str().expect("created_at");
            (at, d["id"].as_str().expect("id"))
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] > w[1]),
        "items must come newest first, ties by id descending, none twice"
    );
    let unique: HashSet<_> = keys.iter().map(|k| k.1).collect();
    assert_eq!(unique.len(), items.len(), "no id twice");
}

#[tokio::test]
async fn a_scan_delivers_every_item_once_in_order_with_progress() {
    let sandbox = sandbox(1000, u32::MAX / 2).await;
    let key = partner_key(&sandbox).await;
    let client = client(&sandbox, unlimited());
    let expected = total(&client, &key).await;
    assert!(expected >= 1000, "the test data set has the seeded domains");

    let pages: Vec<Page<Value>> = client
        .pages::<Value>(domains(&client, &key, 100))
        .map(|page| page.expect("no fault in this scan"))
        .collect()
        .await;
    let items: Vec<Value> = pages.iter().flat_map(|p| p.items.clone()).collect();
    assert_eq!(items.len(), expected, "every item, none lost");
    assert_in_order_once(&items);
    assert_eq!(pages.len(), expected.div_ceil(100));
    let last = pages.last().expect("pages");
    assert_eq!(
        last.next, None,
        "the stream stops after the page without links.next"
    );
    assert_eq!(
        (last.progress.pages as usize, last.progress.items as usize),
        (pages.len(), expected)
    );
    assert!(pages.iter().all(|p| {
        p.request_id
            .as_deref()
            .is_some_and(|id| id.starts_with("req_"))
    }));
}

#[tokio::test]
async fn dropping_the_stream_stops_it_and_next_resumes_it() {
    let sandbox = sandbox(1000, u32::MAX / 2).await;
    let key = partner_key(&sandbox).await;
    let client = client(&sandbox, unlimited());
    client.clear_request_log();

    let mut stream = Box::pin(client.pages::<Value>(domains(&client, &key, 100)));
    let mut first: Vec<Page<Value>> = Vec::new();
    for _ in 0..3 {
        first.push(stream.next().await.expect("a page").expect("no fault"));
    }
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        client.request_log().len(),
        3,
        "no request after the stream was dropped"
    );

    let resume = first[2].next.clone().expect("more pages");
    let rest: Vec<Value> = client
        .pages::<Value>(Call::resume(&resume, &key))
        .map(|page| page.expect("no fault").items)
        .collect::<Vec<_>>()
        .await
        .concat();
    let all: Vec<Value> = first
        .into_iter()
        .flat_map(|p| p.items)
        .chain(rest)
        .collect();
    assert_eq!(
        all.len(),
        total(&client, &key).await,
        "resuming loses and repeats nothing"
    );
    assert_in_order_once(&all);
}

#[tokio::test]
async fn a_scan_waits_out_the_servers_429s_and_loses_no_page() {
    // 60 per minute: a bucket of 60, then one token a second. 300 domains are 3 pages.
    let sandbox = sandbox(300, 60).await;
    let key = partner_key(&sandbox).await;
    let http = reqwest::Client::new();
    let me = format!("{}/api/partner/v1/me", sandbox.base_url());
    let mut emptied = false;
    for _ in 0..200 {
        let status = http
            .get(&me)
            .bearer_auth(key.expose())
            .send()
            .await
            .expect("me")
            .status();
        if status == 429 {
            emptied = true;
            break;
        }
    }
    assert!(emptied, "the sandbox's bucket of 60 must run dry");

    // With the bucket empty, 3 pages need 3 tokens, which take at least 2 s to come back: a
    // scan without waiting would take milliseconds, so it must meet at least one 429.
    let client = client(&sandbox, unlimited());
    let pages: Vec<Result<Page<Value>>> = client
        .pages::<Value>(domains(&client, &key, 100))
        .collect()
        .await;
    let items: Vec<Value> = pages
        .into_iter()
        .flat_map(|page| page.expect("the 429s are waited out").items)
        .collect();
    assert_eq!(items.len(), 300, "no page lost");
    assert_in_order_once(&items);
    let log = client.request_log();
    let limited = log.iter().filter(|e| e.status == Some(429)).count();
    assert!(limited >= 1, "the scan met the server's limit: {log:#?}");
    assert_eq!(log.iter().filter(|e| e.status == Some(200)).count(), 3);
}

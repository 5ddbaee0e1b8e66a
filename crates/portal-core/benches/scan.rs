//! A full scan of 100,000 domains through the client's page stream, printed next to what it
//! should be compared with. Prints figures, never fails on them.
//!
//! `cargo bench -p portal-core --bench scan [-- --quick]`. Spawns two in-memory sandboxes with
//! 100,000 domains per environment (seeding takes a few seconds each) and a fresh read key on
//! each, then measures:
//!
//! - **(a) overhead**, with the rate limit off on both sides (sandbox limit huge, client limiter
//!   off): the scan of `/domains?per_page=100` (1,000 requests) through [`Client::pages`]
//!   against a raw `reqwest` loop over the same pages (following `links.next`, parsing each page
//!   into a `serde_json::Value`). Three rounds each, alternating; goal: at most 1.2×.
//! - **(b) the rate limit's floor**, with 600 requests per minute on both sides (the defaults):
//!   the same scan through the client against the least time the server's bucket allows
//!   (a burst of 600, then 10 per second: about 40 s for 1,000 requests); goal: at most 1.1×,
//!   no page lost. Also prints how many 429s the server sent. This part takes about 45 s;
//!   `--quick` skips it.

use std::collections::HashSet;
use std::error::Error;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use portal_core::Secret;
use portal_core::api::{Call, Client, ClientOptions, PARTNER_REQUESTS_PER_MINUTE};
use portal_core::server::{ServerConfig, ServerKind};
use portal_sandbox::{Config, Sandbox, spawn};
use serde_json::{Value, json};

type BenchResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// Domains per environment in each sandbox.
const DOMAINS: u32 = 100_000;
/// Items per page.
const PER_PAGE: u32 = 100;
/// Rounds of (a), each one raw scan and one client scan.
const ROUNDS: usize = 3;
const PASSWORD: &str = "bench password";

#[tokio::main(flavor = "multi_thread")]
async fn main() -> BenchResult<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    println!(
        "scan of {DOMAINS} domains at per_page={PER_PAGE}; sandbox and client share {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // (a) Overhead against a raw reqwest loop, no rate limit anywhere.
    let started = Instant::now();
    let sandbox = start_sandbox(u32::MAX / 2).await?;
    let key = partner_key(&sandbox, "overhead").await?;
    println!(
        "\n(a) overhead, rate limit off (seeded in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let options = ClientOptions {
        rate_limit: None,
        ..ClientOptions::new("scan-bench/0")
    };
    let client = new_client(&sandbox, options)?;
    let mut raw_times = Vec::new();
    let mut client_times = Vec::new();
    for round in 1..=ROUNDS {
        let (raw, raw_items) = timed(raw_scan(&sandbox, &key)).await?;
        let (ours, scan) = timed(client_scan(&client, &key)).await?;
        println!(
            "    round {round}: raw reqwest {:.2} s ({raw_items} items), Client::pages {:.2} s \
             ({} items, {} pages)",
            raw.as_secs_f64(),
            ours.as_secs_f64(),
            scan.items,
            scan.pages
        );
        raw_times.push(raw);
        client_times.push(ours);
    }
    let (raw, ours) = (median(&mut raw_times), median(&mut client_times));
    println!(
        "    median: raw {:.2} s, client {:.2} s: {:.2}x (goal <= 1.2x)",
        raw.as_secs_f64(),
        ours.as_secs_f64(),
        ours.as_secs_f64() / raw.as_secs_f64()
    );
    sandbox.stop().await;

    if quick {
        println!("\n(b) skipped (--quick)");
        return Ok(());
    }

    // (b) The default budget on both sides against the floor it allows.
    let per_minute = PARTNER_REQUESTS_PER_MINUTE;
    let sandbox = start_sandbox(per_minute).await?;
    let key = partner_key(&sandbox, "floor").await?;
    let counting_key = partner_key(&sandbox, "count").await?;
    let options = ClientOptions {
        request_log_capacity: 10_000,
        ..ClientOptions::new("scan-bench/0")
    };
    let client = new_client(&sandbox, options)?;
    let expected = total(&client, &counting_key).await?;
    client.clear_request_log();
    println!("\n(b) {per_minute} requests per minute on both sides (the defaults)");
    let (took, scan) = timed(client_scan(&client, &key)).await?;
    let log = client.request_log();
    let requests = log.len();
    let limited = log.iter().filter(|e| e.status == Some(429)).count();
    let answered = requests - limited;
    let refill = f64::from(per_minute) / 60.0;
    let floor = answered.saturating_sub(per_minute as usize) as f64 / refill;
    println!(
        "    {:.1} s for {answered} pages; floor {floor:.1} s (burst {per_minute}, then {refill} \
         per second): {:.3}x (goal <= 1.1x)",
        took.as_secs_f64(),
        took.as_secs_f64() / floor.max(f64::EPSILON)
    );
    println!(
        "    items {} of {expected}, {} unique: {} lost; 429s from the server: {limited}",
        scan.items,
        scan.unique,
        expected.saturating_sub(scan.unique)
    );
    sandbox.stop().await;
    Ok(())
}

struct Scan {
    pages: u32,
    items: usize,
    unique: usize,
}

async fn timed<T>(work: impl Future<Output = BenchResult<T>>) -> BenchResult<(Duration, T)> {
    let started = Instant::now();
    let value = work.await?;
    Ok((started.elapsed(), value))
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

async fn start_sandbox(rate_limit_per_minute: u32) -> BenchResult<Sandbox> {
    let sandbox = spawn(Config {
        domains: DOMAINS,
        rate_limit_per_minute,
        admin_password: Some(PASSWORD.into()),
        ..Config::default()
    })
    .await?;
    Ok(sandbox)
}

fn new_client(sandbox: &Sandbox, options: ClientOptions) -> BenchResult<Client> {
    let server = ServerConfig::parse(ServerKind::Sandbox, &sandbox.base_url())?;
    Ok(Client::with_options(server, options)?)
}

fn first_page(base: &str) -> String {
    format!("{base}/api/partner/v1/domains?per_page={PER_PAGE}")
}

/// The client's scan: every page through [`Client::pages`], ids collected to count losses.
async fn client_scan(client: &Client, key: &Secret) -> BenchResult<Scan> {
    let call = Call::get(first_page(&client.server().base_url())).bearer(key);
    let mut pages = Box::pin(client.pages::<Value>(call));
    let mut ids = HashSet::new();
    let mut scan = Scan {
        pages: 0,
        items: 0,
        unique: 0,
    };
    while let Some(page) = pages.next().await {
        let page = page?;
        scan.pages = page.progress.pages;
        scan.items = page.progress.items as usize;
        ids.extend(
            page.items
                .iter()
                .filter_map(|d| d["id"].as_str().map(str::to_owned)),
        );
    }
    scan.unique = ids.len();
    Ok(scan)
}

/// The reference: a plain reqwest loop over the same pages; returns the items seen.
async fn raw_scan(sandbox: &Sandbox, key: &Secret) -> BenchResult<usize> {
    let http = reqwest::Client::new();
    let mut next = Some(first_page(&sandbox.base_url()));
    let mut items = 0;
    while let Some(url) = next {
        let page: Value = http
            .get(&url)
            .bearer_auth(key.expose())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        items += page["data"].as_array().map_or(0, Vec::len);
        next = page["links"]["next"].as_str().map(str::to_owned);
    }
    Ok(items)
}

async fn total(client: &Client, key: &Secret) -> BenchResult<usize> {
    let url = client.server().partner_url("/domains/stats");
    let stats = client.call::<Value>(Call::get(url).bearer(key)).await?;
    Ok(stats.data["total"].as_u64().unwrap_or_default() as usize)
}

/// A read key for the test environment, made through the portal API with plain reqwest.
async fn partner_key(sandbox: &Sandbox, label: &str) -> BenchResult<Secret> {
    let http = reqwest::Client::new();
    let portal = format!("{}/api/portal/v1", sandbox.base_url());
    let credentials = json!({ "email": sandbox.admin_email(), "password": PASSWORD });
    let session: Value = http
        .post(format!("{portal}/sessions"))
        .json(&credentials)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = session["data"]["token"]
        .as_str()
        .ok_or("no session token")?;
    let body = json!({ "label": label, "environment": "test", "permission_preset": "read" });
    let created: Value = http
        .post(format!("{portal}/api_keys"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let secret = created["data"]["secret"].as_str().ok_or("no key secret")?;
    Ok(Secret::new(secret.to_owned()))
}

//! Throughput of the partner API over loopback, printed side by side with reference figures.
//!
//! `cargo bench -p portal-sandbox --bench api [-- --full]`. Spawns a real sandbox on a temporary
//! database file (100,000 domains per environment; 1,000,000 with `--full`, which takes about a
//! minute to seed) with a rate limit high enough never to bite, and prints:
//!
//! 1. `GET /domains?per_page=100` requests/s against a trivial axum handler serving the same
//!    bytes from memory (goal: at least 0.5×);
//! 2. the latency of pages deep in the data set against the first page (goal: at most 1.2×);
//! 3. `GET /me` requests/s with 10 keys in the database against 10,000 (goal: at least 0.9×).
//!
//! Every measurement is bounded in time (a few seconds) and never fails on its figures: it only
//! prints them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::Router;
use axum::http::header;
use axum::routing::get;
use portal_sandbox::keys::{self, NewKey};
use portal_sandbox::page::{Binding, Cursor};
use portal_sandbox::store::{self, Db};
use portal_sandbox::{Config, spawn};
use serde_json::{Value, json};

/// Concurrent client tasks.
const TASKS: usize = 8;
/// Length of one throughput measurement.
const MEASURE: Duration = Duration::from_secs(3);
/// Length of one latency measurement (per page).
const LATENCY: Duration = Duration::from_secs(2);
/// Most pages walked by following `links.next`, and the longest the walk may take.
const WALK_PAGES: usize = 200;
const WALK_LIMIT: Duration = Duration::from_secs(5);
/// Keys in the database for the second `/me` measurement.
const MANY_KEYS: usize = 10_000;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let full = std::env::args().any(|a| a == "--full");
    let domains: u32 = if full { 1_000_000 } else { 100_000 };
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("api-bench.sqlite");

    let started = Instant::now();
    let sandbox = spawn(Config {
        db_path: Some(path.clone()),
        domains,
        rate_limit_per_minute: u32::MAX / 2,
        ..Config::default()
    })
    .await?;
    println!(
        "data set: {domains} domains per environment{} (seeded in {:.1} s); {TASKS} client \
         tasks on loopback, {} worker threads",
        if full {
            " (--full)"
        } else {
            " (pass --full for 1,000,000)"
        },
        started.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let base = sandbox.base_url();
    let client = reqwest::Client::new();

    // A read key in the test environment, made through the portal API.
    let session = post(
        &client,
        &format!("{base}/api/portal/v1/sessions"),
        None,
        &json!({ "email": sandbox.admin_email(), "password": sandbox.admin_password() }),
    )
    .await?;
    let session = session["data"]["token"]
        .as_str()
        .context("no session token")?
        .to_owned();
    let mut secrets = Vec::new();
    for i in 0..10 {
        let created = post(
            &client,
            &format!("{base}/api/portal/v1/api_keys"),
            Some(&session),
            &json!({ "label": format!("bench-{i}"), "environment": "test",
                     "permission_preset": "read" }),
        )
        .await?;
        secrets.push(
            created["data"]["secret"]
                .as_str()
                .context("no key secret")?
                .to_owned(),
        );
    }
    let key = secrets[0].clone();

    // 1. The domain list against a trivial handler serving the same bytes.
    println!("\n1. GET /api/partner/v1/domains?per_page=100 vs a trivial axum handler");
    let list_url = format!("{base}/api/partner/v1/domains?per_page=100");
    let page = client
        .get(&list_url)
        .bearer_auth(&key)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let trivial = trivial_server(page.clone()).await?;
    let trivial_url = format!("http://{trivial}/api/partner/v1/domains?per_page=100");
    let real = throughput(&client, vec![list_url], Some(&key), MEASURE).await;
    let reference = throughput(&client, vec![trivial_url], None, MEASURE).await;
    println!("   page size: {} bytes", page.len());
    println!("   sandbox:  {}", real.describe());
    println!("   trivial:  {}", reference.describe());
    println!(
        "   ratio:    {:.2}x (goal >= 0.5x)",
        real.per_second() / reference.per_second()
    );

    // 2. Deep pages against the first page.
    println!("\n2. deep pages vs the first page (per_page=100, {domains} domains)");
    let (db, _) = Db::open(&path)?;
    let (page_key, partner) = db.blocking(|conn| -> anyhow::Result<_> {
        Ok((store::page_key(conn)?, store::partner_id(conn)?))
    })??;
    let mut depths = vec![0_u64, u64::from(domains) / 2, u64::from(domains) - 200];
    depths.dedup();
    let mut first_latency = None;
    for depth in depths {
        let url = if depth == 0 {
            format!("{base}/api/partner/v1/domains?per_page=100")
        } else {
            let cursor = db.blocking(|conn| {
                conn.query_row(
                    "SELECT created_at, id FROM domains
                     WHERE partner_id = ?1 AND environment = 'test'
                     ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?2",
                    rusqlite::params![partner, depth - 1],
                    |r| {
                        Ok(Cursor {
                            created_at: r.get(0)?,
                            id: r.get(1)?,
                        })
                    },
                )
            })??;
            let binding = Binding {
                list: "domains",
                partner_id: &partner,
                environment: "test",
                scope: None,
                filters: &[],
            };
            let token = page_key.seal(&binding, &cursor);
            format!("{base}/api/partner/v1/domains?per_page=100&page_token={token}")
        };
        let run = throughput(&client, vec![url], Some(&key), LATENCY).await;
        let latency = run.mean_latency_ms();
        let ratio = *first_latency.get_or_insert(latency);
        println!(
            "   after {depth:>7} rows: {} -> {:.2}x the first page",
            run.describe(),
            latency / ratio
        );
    }
    let walk = walk_pages(&client, &base, &key).await?;
    let edge = (walk.len() / 2).min(20);
    let (head, tail) = (median(&walk[..edge]), median(&walk[walk.len() - edge..]));
    println!(
        "   walking links.next one page at a time: {} pages ({} rows deep) in {:.1} s; median \
         of the first {edge} pages {head:.2} ms, of the last {edge} {tail:.2} ms -> {:.2}x \
         (goal <= 1.2x)",
        walk.len(),
        walk.len() * 100,
        walk.iter().sum::<f64>() / 1000.0,
        tail / head,
    );

    // 3. /me with 10 keys against 10,000.
    println!("\n3. GET /api/partner/v1/me with 10 keys vs {MANY_KEYS} keys in the database");
    let me_url = format!("{base}/api/partner/v1/me");
    let few = throughput(&client, vec![me_url.clone()], Some(&key), MEASURE).await;
    let keys_before = count_keys(&db)?;
    let inserted = Instant::now();
    db.blocking(|conn| -> anyhow::Result<()> {
        let tx = conn.transaction()?;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        for i in 0..MANY_KEYS as i64 - keys_before {
            keys::create(
                &tx,
                &NewKey {
                    partner_id: &partner,
                    environment: if i % 2 == 0 { "test" } else { "live" },
                    label: &format!("bulk-{i}"),
                    preset: "read",
                    scope_user_id: None,
                    created_by: None,
                    created_at: now,
                    expires_at: None,
                },
            )?;
        }
        tx.commit()?;
        Ok(())
    })??;
    let keys_after = count_keys(&db)?;
    println!(
        "   {keys_after} keys after inserting {} directly in {:.1} s (all active: the API's limit \
         of 10 active keys per environment is bypassed on purpose for this measurement)",
        keys_after - keys_before,
        inserted.elapsed().as_secs_f64()
    );
    let many = throughput(&client, vec![me_url], Some(&key), MEASURE).await;
    println!("   {keys_before:>5} keys: {}", few.describe());
    println!("   {keys_after:>5} keys: {}", many.describe());
    println!(
        "   ratio:    {:.2}x (goal >= 0.9x)",
        many.per_second() / few.per_second()
    );

    sandbox.stop().await;
    Ok(())
}

/// What one throughput measurement saw.
struct Run {
    ok: u64,
    failed: u64,
    took: Duration,
    busy_nanos: u64,
}

impl Run {
    fn per_second(&self) -> f64 {
        self.ok as f64 / self.took.as_secs_f64()
    }

    fn mean_latency_ms(&self) -> f64 {
        self.busy_nanos as f64 / (self.ok + self.failed).max(1) as f64 / 1e6
    }

    fn describe(&self) -> String {
        let failed = if self.failed > 0 {
            format!(", {} FAILED", self.failed)
        } else {
            String::new()
        };
        format!(
            "{:>8.0} req/s, mean latency {:.2} ms ({} requests in {:.1} s{failed})",
            self.per_second(),
            self.mean_latency_ms(),
            self.ok,
            self.took.as_secs_f64()
        )
    }
}

/// `TASKS` tasks request `urls` in turn for `length` (after a short warm-up); counts answers.
async fn throughput(
    client: &reqwest::Client,
    urls: Vec<String>,
    bearer: Option<&str>,
    length: Duration,
) -> Run {
    let urls = Arc::new(urls);
    let bearer = bearer.map(str::to_owned);
    let (ok, failed, busy) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let warm_until = Instant::now() + Duration::from_millis(300);
    let started = warm_until;
    let until = warm_until + length;
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let (client, urls, bearer) = (client.clone(), Arc::clone(&urls), bearer.clone());
        let (ok, failed, busy) = (Arc::clone(&ok), Arc::clone(&failed), Arc::clone(&busy));
        tasks.push(tokio::spawn(async move {
            let mut i = t;
            loop {
                let sent = Instant::now();
                if sent >= until {
                    break;
                }
                let mut request = client.get(&urls[i % urls.len()]);
                if let Some(b) = &bearer {
                    request = request.bearer_auth(b);
                }
                let good = match request.send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                let done = Instant::now();
                if sent >= warm_until && done <= until {
                    let counter = if good { &ok } else { &failed };
                    counter.fetch_add(1, Ordering::Relaxed);
                    busy.fetch_add((done - sent).as_nanos() as u64, Ordering::Relaxed);
                }
                i += 1;
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    Run {
        ok: ok.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        took: until - started,
        busy_nanos: busy.load(Ordering::Relaxed),
    }
}

/// Follows `links.next` from the first page for at most [`WALK_PAGES`] pages or [`WALK_LIMIT`];
/// returns each page's latency in milliseconds.
async fn walk_pages(client: &reqwest::Client, base: &str, key: &str) -> anyhow::Result<Vec<f64>> {
    let mut next = Some(format!("{base}/api/partner/v1/domains?per_page=100"));
    let mut latencies = Vec::new();
    let started = Instant::now();
    while let Some(url) = next.take() {
        if latencies.len() >= WALK_PAGES || started.elapsed() >= WALK_LIMIT {
            break;
        }
        let sent = Instant::now();
        let page: Value = client
            .get(&url)
            .bearer_auth(key)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
        next = page["links"]["next"].as_str().map(str::to_owned);
    }
    Ok(latencies)
}

/// The median of `values` (0 when empty).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

fn count_keys(db: &Db) -> anyhow::Result<i64> {
    Ok(db.blocking(|conn| {
        conn.query_row("SELECT count(*) FROM api_keys", [], |r| r.get::<_, i64>(0))
    })??)
}

/// A POST with a JSON body; the answer's JSON, or an error naming the status.
async fn post(
    client: &reqwest::Client,
    url: &str,
    bearer: Option<&str>,
    body: &Value,
) -> anyhow::Result<Value> {
    let mut request = client.post(url).json(body);
    if let Some(b) = bearer {
        request = request.bearer_auth(b);
    }
    let answer = request.send().await?;
    let status = answer.status();
    let body: Value = answer.json().await?;
    anyhow::ensure!(status.is_success(), "POST {url}: {status} {body}");
    Ok(body)
}

/// Serves `body` from memory at the list's path on `127.0.0.1:0`; returns the address.
async fn trivial_server(body: bytes::Bytes) -> anyhow::Result<std::net::SocketAddr> {
    let app = Router::new().route(
        "/api/partner/v1/domains",
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

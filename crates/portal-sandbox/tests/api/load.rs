//! The rate limit under real concurrent load, over loopback against a spawned sandbox.

use std::time::{Duration, Instant};

use portal_sandbox::{Config, spawn};
use serde_json::{Value, json};

/// Requests fired, and concurrent tasks firing them.
const REQUESTS: usize = 200;
const TASKS: usize = 8;
const PER_TASK: usize = REQUESTS / TASKS;
const _: () = assert!(
    REQUESTS.is_multiple_of(TASKS),
    "the tasks share the requests evenly"
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burst_of_200_gets_exactly_the_limit_then_429_with_retry_after() {
    let sandbox = spawn(Config {
        domains: 50,
        rate_limit_per_minute: 120,
        ..Config::default()
    })
    .await
    .expect("sandbox starts");
    let base = sandbox.base_url();
    let client = reqwest::Client::new();
    let session: Value = client
        .post(format!("{base}/api/portal/v1/sessions"))
        .json(&json!({ "email": sandbox.admin_email(), "password": sandbox.admin_password() }))
        .send()
        .await
        .expect("sign in")
        .json()
        .await
        .expect("session JSON");
    let session = session["data"]["token"].as_str().expect("session token");
    let created: Value = client
        .post(format!("{base}/api/portal/v1/api_keys"))
        .bearer_auth(session)
        .json(&json!({ "label": "load", "environment": "test", "permission_preset": "read" }))
        .send()
        .await
        .expect("create key")
        .json()
        .await
        .expect("key JSON");
    let key = created["data"]["secret"]
        .as_str()
        .expect("key secret")
        .to_owned();

    let url = format!("{base}/api/partner/v1/me");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (client, url, key) = (client.clone(), url.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::with_capacity(PER_TASK);
            for _ in 0..PER_TASK {
                let answer = client
                    .get(&url)
                    .bearer_auth(&key)
                    .send()
                    .await
                    .expect("request over loopback");
                let status = answer.status().as_u16();
                let retry_after = answer
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                let body: Value = answer.json().await.expect("JSON answer");
                answers.push((status, retry_after, body));
            }
            answers
        }));
    }
    let mut answers = Vec::with_capacity(REQUESTS);
    for task in tasks {
        let batch = tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .expect("the load test is bounded to 10 s")
            .expect("client task");
        answers.extend(batch);
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(answers.len(), REQUESTS, "every request got an answer");

    let ok = answers.iter().filter(|(s, _, _)| *s == 200).count();
    // 120 per minute refills 2 per second: allow what refilled while the burst ran, plus one.
    let allowance = 120 + (elapsed * 2.0).floor() as usize + 1;
    assert!(
        (120..=allowance).contains(&ok),
        "the burst is the limit (120, up to {allowance} with refill over {elapsed:.2} s): \
         {ok} got 200"
    );
    for (status, retry_after, body) in answers.iter().filter(|(s, _, _)| *s != 200) {
        assert_eq!(*status, 429, "past the limit only 429 may appear: {body}");
        assert_eq!(
            body["error"]["code"], "rate_limited",
            "429 envelope: {body}"
        );
        assert_eq!(
            body["error"]["message"],
            "Rate limit exceeded for this API key (120 requests per minute)",
            "the message gives this sandbox's limit"
        );
        let seconds = body["error"]["details"]["retry_after_seconds"]
            .as_u64()
            .expect("details.retry_after_seconds is a number");
        assert!(seconds >= 1, "retry_after_seconds is at least 1: {body}");
        assert!(
            retry_after.is_some_and(|s| s >= 1),
            "a 429 carries a Retry-After header of whole seconds: {retry_after:?}"
        );
    }
    sandbox.stop().await;
}

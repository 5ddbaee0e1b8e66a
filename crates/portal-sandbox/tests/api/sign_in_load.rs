//! Sign-ins in parallel, over loopback: the throttle cannot be outrun by sending the guesses at
//! once.

use std::time::Duration;

use portal_sandbox::{Config, spawn};
use serde_json::{Value, json};

use crate::support::{EMAIL, PASSWORD};

/// Fires `bodies` at `url` all at once; returns each answer's status, `Retry-After` and body.
async fn at_once(url: &str, bodies: Vec<Value>) -> Vec<(u16, Option<u64>, Value)> {
    let client = reqwest::Client::new();
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let (client, url) = (client.clone(), url.to_owned());
            tokio::spawn(async move {
                let answer = client
                    .post(&url)
                    .json(&body)
                    .send()
                    .await
                    .expect("an answer over loopback");
                let status = answer.status().as_u16();
                let retry_after = answer
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok());
                let body: Value = answer.json().await.expect("a JSON answer");
                (status, retry_after, body)
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        let answer = tokio::time::timeout(Duration::from_secs(120), task)
            .await
            .expect("every sign-in is answered within two minutes")
            .expect("client task");
        answers.push(answer);
    }
    answers
}

/// Asserts that a 429 is the API's: `rate_limited`, `details.retry_after_seconds` ≥ 1 and the
/// same value in `Retry-After`.
fn assert_rate_limited(retry_after: Option<u64>, body: &Value) {
    assert_eq!(
        body["error"]["code"], "rate_limited",
        "429 envelope: {body}"
    );
    let seconds = body["error"]["details"]["retry_after_seconds"]
        .as_u64()
        .unwrap_or_else(|| panic!("details.retry_after_seconds: {body}"));
    assert!(seconds >= 1, "at least one second: {body}");
    assert_eq!(
        retry_after,
        Some(seconds),
        "Retry-After says the same as the body: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_parallel_wrong_sign_ins_get_at_most_five_401s() {
    let sandbox = spawn(Config {
        domains: 50,
        admin_password: Some(PASSWORD.to_owned()),
        ..Config::default()
    })
    .await
    .expect("sandbox starts");
    let url = format!("{}/api/portal/v1/sessions", sandbox.base_url());
    let guesses = (0..50)
        .map(|i| json!({ "email": EMAIL, "password": format!("guess {i}") }))
        .collect();
    let answers = at_once(&url, guesses).await;
    let refused = answers.iter().filter(|(s, _, _)| *s == 401).count();
    assert!(
        refused <= 5,
        "five failures are allowed, however they arrive: {refused} of 50 were checked"
    );
    for (status, retry_after, body) in answers.iter().filter(|(s, _, _)| *s != 401) {
        assert_eq!(*status, 429, "past five guesses only 429: {body}");
        assert_rate_limited(*retry_after, body);
    }
    sandbox.stop().await;
}

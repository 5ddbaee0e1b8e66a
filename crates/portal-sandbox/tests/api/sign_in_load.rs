//! Sign-ins in parallel, over loopback: the throttle cannot be outrun by sending the guesses at
//! once, and the Argon2 verifications they cause (about 19 MiB each) are bounded, so a burst
//! cannot make the sandbox's memory grow with it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
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

/// The sandbox binary's process, killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the `partner-sandbox` binary on a free port; returns the process and its base URL.
fn start_binary(db: &std::path::Path) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_partner-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--domains", "50"])
        .args(["--admin-email", EMAIL, "--admin-password", PASSWORD])
        .arg("--db")
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sandbox binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the sandbox prints its address")
            .expect("utf-8 line");
        if let Some(url) = line.split("listening on ").nth(1) {
            break url.trim().to_owned();
        }
    };
    (Running(child), base)
}

/// The peak resident memory of a process (`VmHWM`), in KiB.
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmHWM in /proc/{pid}/status"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_parallel_sign_ins_keep_memory_under_150_mib() {
    const LIMIT_MIB: u64 = 150;
    let dir = tempfile::tempdir().expect("temp dir");
    let (child, base) = start_binary(&dir.path().join("memory.sqlite"));
    let pid = child.0.id();
    let before = peak_kib(pid);
    // A quarter right, the rest wrong: for the admin, and for 100 emails nobody has (each with a
    // throttle of its own, so only the bound on verifications keeps them from running at once).
    let bodies = (0..200)
        .map(|i| match i % 4 {
            0 => json!({ "email": EMAIL, "password": PASSWORD }),
            1 => json!({ "email": EMAIL, "password": format!("guess {i}") }),
            _ => json!({ "email": format!("nobody{i}@acme.example"), "password": "guess" }),
        })
        .collect();
    let answers = at_once(&format!("{base}/api/portal/v1/sessions"), bodies).await;
    let peak = peak_kib(pid);
    drop(child);
    let count = |status: u16| answers.iter().filter(|(s, _, _)| *s == status).count();
    println!(
        "200 parallel sign-ins: peak resident memory (VmHWM) {:.1} MiB, {:.1} MiB before; \
         {} × 201, {} × 401, {} × 429",
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
        count(201),
        count(401),
        count(429)
    );
    for (status, retry_after, body) in &answers {
        assert!(
            [201, 401, 429].contains(status),
            "a sign-in is signed in, refused or asked to wait: {status} {body}"
        );
        if *status == 429 {
            assert_rate_limited(*retry_after, body);
        }
    }
    assert!(
        peak < LIMIT_MIB * 1024,
        "200 parallel sign-ins took the sandbox to {:.1} MiB (limit {LIMIT_MIB} MiB)",
        peak as f64 / 1024.0
    );
}

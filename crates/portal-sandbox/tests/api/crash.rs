//! `kill -9` in the middle of writes: the database stays intact (`PRAGMA integrity_check` = ok)
//! and every write that was answered 2xx is there after a restart. Runs the real
//! `partner-sandbox` binary against a database file, several rounds on the same file.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portal_sandbox::store::Db;
use serde_json::{Value, json};

const ROUNDS: usize = 3;
const PASSWORD: &str = "crash-test-password";

/// Starts the binary on a free port; returns the process and its base URL.
fn start(db: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_partner-sandbox"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--domains",
            "50",
            "--admin-password",
            PASSWORD,
        ])
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
    (child, base)
}

/// The writes answered 2xx: keys created, and keys revoked.
#[derive(Default)]
struct Acknowledged {
    created: Vec<String>,
    revoked: Vec<String>,
}

async fn hammer(base: String, token: String, acked: Arc<Mutex<Acknowledged>>, worker: usize) {
    let http = reqwest::Client::new();
    for i in 0.. {
        let created = http
            .post(format!("{base}/api/portal/v1/api_keys"))
            .bearer_auth(&token)
            .json(&json!({
                "label": format!("crash {worker}-{i}"),
                "environment": if i % 2 == 0 { "test" } else { "live" },
                "permission_preset": "read",
            }))
            .send()
            .await;
        let Ok(response) = created else { return };
        if response.status() != 201 {
            continue;
        }
        let Ok(body) = response.json::<Value>().await else {
            return;
        };
        let id = body["data"]["api_key"]["id"]
            .as_str()
            .expect("key id")
            .to_owned();
        acked.lock().expect("lock").created.push(id.clone());
        let revoked = http
            .post(format!("{base}/api/portal/v1/api_keys/{id}/revoke"))
            .bearer_auth(&token)
            .send()
            .await;
        let Ok(response) = revoked else { return };
        if response.status() == 200 && response.bytes().await.is_ok() {
            acked.lock().expect("lock").revoked.push(id);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_writes_loses_nothing_that_was_acknowledged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_path = dir.path().join("crash.sqlite");
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    for round in 0..ROUNDS {
        let (mut child, base) = start(&db_path);
        let http = reqwest::Client::new();
        let session: Value = http
            .post(format!("{base}/api/portal/v1/sessions"))
            .json(&json!({ "email": "admin@acme.example", "password": PASSWORD }))
            .send()
            .await
            .expect("sign in")
            .json()
            .await
            .expect("JSON");
        let token = session["data"]["token"].as_str().expect("token").to_owned();
        let workers: Vec<_> = (0..4)
            .map(|w| tokio::spawn(hammer(base.clone(), token.clone(), Arc::clone(&acked), w)))
            .collect();
        tokio::time::sleep(Duration::from_millis(300 + 150 * round as u64)).await;
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        for worker in workers {
            worker.await.expect("worker");
        }

        let (db, _) = Db::open(&db_path).expect("the database opens after a crash");
        let acked = acked.lock().expect("lock");
        assert!(
            !acked.created.is_empty(),
            "round {round}: some writes were acknowledged"
        );
        db.blocking(|conn| {
            let check: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .expect("check");
            assert_eq!(check, "ok", "round {round}: integrity_check");
            for id in &acked.created {
                let found: i64 = conn
                    .query_row("SELECT COUNT(*) FROM api_keys WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .expect("query");
                assert_eq!(found, 1, "round {round}: acknowledged key {id} is missing");
            }
            for id in &acked.revoked {
                let revoked: Option<i64> = conn
                    .query_row("SELECT revoked_at FROM api_keys WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .expect("query");
                assert!(
                    revoked.is_some(),
                    "round {round}: acknowledged revoke of {id} lost"
                );
            }
        })
        .expect("db");
    }
}

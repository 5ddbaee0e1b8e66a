//! Proxy variables never reach loopback traffic: the bundled sandbox speaks plain HTTP, so a
//! proxy would see the admin's password, the session token and every key in clear.
//!
//! Proxy variables are read from the process environment, which a test cannot change safely
//! while other tests run on other threads. So the test runs this binary again as a child, with
//! `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` (both cases) pointing at a recorder that counts
//! connections, and only [`child_signs_in_creates_a_key_and_calls_me`] in it.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use portal_core::Secret;
use portal_core::api::Client;
use portal_core::api::portal::NewKey;
use portal_core::model::{Environment, Preset};
use portal_core::server::{ServerConfig, ServerKind};
use portal_sandbox::{Config, spawn};

/// Set in the child's environment: the child test does its work only when it is there.
const CHILD_ENV: &str = "PORTAL_CORE_PROXY_CHILD";
const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

#[tokio::test]
async fn loopback_traffic_never_goes_through_a_proxy() {
    let recorder = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let proxy = format!("http://{}", recorder.local_addr().expect("addr"));
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        // Counts and drops: a request sent here would fail, and the child with it.
        while let Ok((stream, _)) = recorder.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });

    let mut child = Command::new(std::env::current_exe().expect("this test binary"));
    child
        .args([
            "--exact",
            "proxy::child_signs_in_creates_a_key_and_calls_me",
        ])
        .args(["--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for name in PROXY_VARS {
        child.env(name, &proxy);
    }
    let output = tokio::task::spawn_blocking(move || child.output())
        .await
        .expect("the child runs")
        .expect("the child starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "sign-in, key create and /me work with a proxy set:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the proxy saw loopback traffic"
    );
}

/// Run by [`loopback_traffic_never_goes_through_a_proxy`] in a child process with the proxy
/// variables set; on its own (no [`CHILD_ENV`]) it does nothing.
#[tokio::test]
#[ignore = "run as a child of loopback_traffic_never_goes_through_a_proxy"]
async fn child_signs_in_creates_a_key_and_calls_me() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let sandbox = spawn(Config {
        domains: 10,
        admin_password: Some("correct horse".into()),
        ..Config::default()
    })
    .await
    .expect("the sandbox starts");
    let server = ServerConfig::parse(ServerKind::Sandbox, &sandbox.base_url()).expect("url");
    let client = Client::new(server, "proxy-test/0").expect("client");
    let password = Secret::new("correct horse".to_owned());
    let session = client
        .create_session(sandbox.admin_email(), &password)
        .await
        .expect("sign-in works with a proxy set")
        .data;
    let new = NewKey {
        label: "through no proxy".into(),
        environment: Environment::Test,
        preset: Preset::Read,
        scope: None,
        expires_at: None,
    };
    let created = client
        .create_key(&session.token, &new)
        .await
        .expect("key create works with a proxy set")
        .data;
    client
        .me(&created.secret)
        .await
        .expect("GET /me works with a proxy set");
}

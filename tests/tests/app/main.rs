//! The real app window, driven through WebDriver (tauri-driver + WebKitWebDriver).
//!
//! Needs a display (Xvfb), a session bus, `tauri-driver` and the app built with
//! `--features partner-portal/custom-protocol`; the README's test command provides all of them.
//! Screenshots of every step go to `target/e2e-screenshots/`.

mod domains;

use std::io::{Read, Write};
use std::net::TcpListener;

use portal_tests::e2e::App;

/// Runs one scenario, always closing the app, and fails with the scenario's error.
async fn scenario<F, Fut>(port: u16, body: F)
where
    F: FnOnce(App) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = (App, anyhow::Result<()>)> + Send + 'static,
{
    scenario_env(port, &[], body).await;
}

/// [`scenario`] with environment variables for the app.
async fn scenario_env<F, Fut>(port: u16, env: &[(&str, &str)], body: F)
where
    F: FnOnce(App) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = (App, anyhow::Result<()>)> + Send + 'static,
{
    let app = App::start(port, env)
        .await
        .expect("the app starts under tauri-driver");
    let (app, result) = tokio::spawn(body(app))
        .await
        .expect("the scenario task does not panic");
    app.stop().await;
    if let Err(error) = result {
        panic!("{error:?}");
    }
}

/// A loopback server that answers every request with an HTML page, like a website would.
fn html_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let body = "<!doctype html><title>Welcome</title><h1>Just a website</h1>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

/// A loopback address where nothing listens.
fn dead_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "real window: needs Xvfb, a session bus and tauri-driver (run by scripts/test.sh)"]
async fn connect_sign_in_to_the_sandbox_and_sign_out() {
    scenario(4444, |mut app| async move {
        let result = async {
            app.find("connect-screen").await?;
            let sandbox = app.find("server-sandbox").await?;
            anyhow::ensure!(
                sandbox.is_selected().await?,
                "Local sandbox is the default choice"
            );
            let email = app
                .find("email")
                .await?
                .prop("value")
                .await?
                .unwrap_or_default();
            anyhow::ensure!(
                email == "admin@acme.example",
                "sandbox email pre-filled, got {email:?}"
            );
            app.wait_for_text("sandbox-address", "http://127.0.0.1:")
                .await?;
            app.screenshot("sandbox", "connect").await?;

            app.click("sign-in").await?;
            app.find("home-screen").await?;
            app.wait_for_text("partner-name", "Acme Resellers").await?;
            app.wait_for_text("admin-email", "admin@acme.example")
                .await?;
            app.screenshot("sandbox", "signed-in").await?;

            app.click("sign-out").await?;
            app.find("connect-screen").await?;
            app.screenshot("sandbox", "signed-out").await?;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "real window: needs Xvfb, a session bus and tauri-driver (run by scripts/test.sh)"]
async fn sign_in_errors_are_explained() {
    let website = html_server();
    let nowhere = dead_address();
    scenario(4454, move |mut app| async move {
        let result = async {
            app.find("connect-screen").await?;
            app.fill("password", "not the password").await?;
            app.click("sign-in").await?;
            app.wait_for_text("error-notice", "Email or password is not right")
                .await?;
            app.find("error-request-id").await?;
            app.screenshot("errors", "wrong-password").await?;

            app.click("server-remote").await?;
            app.fill("base-url", &nowhere).await?;
            app.fill("email", "admin@acme.example").await?;
            app.fill("password", "whatever").await?;
            app.click("sign-in").await?;
            app.wait_for_text("error-notice", "Can't reach the server")
                .await?;
            app.screenshot("errors", "unreachable").await?;

            app.fill("base-url", &website).await?;
            app.click("sign-in").await?;
            app.wait_for_text("error-notice", "not a partner API")
                .await?;
            app.screenshot("errors", "not-a-partner-api").await?;

            app.fill("base-url", "http://api.peeker.example").await?;
            app.click("sign-in").await?;
            app.wait_for_text("error-notice", "https").await?;
            app.screenshot("errors", "plain-http").await?;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}

/// Runs a command and returns its standard output (trimmed), failing with its error output.
fn run(program: &str, args: &[&str]) -> anyhow::Result<String> {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .map_err(|e| anyhow::anyhow!("{program} could not run: {e}"))?;
    anyhow::ensure!(
        output.status.success() || program == "xclip",
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// What the X clipboard holds (empty when nothing or an empty string).
fn clipboard() -> anyhow::Result<String> {
    run("xclip", &["-o", "-selection", "clipboard"])
}

/// The status of `GET /me` with `secret`, straight over HTTP (not through the app).
async fn me_status(base_url: &str, secret: &str) -> anyhow::Result<u16> {
    let response = reqwest::Client::new()
        .get(format!("{base_url}/api/partner/v1/me"))
        .bearer_auth(secret)
        .send()
        .await?;
    Ok(response.status().as_u16())
}

/// Shows the secret of the open reveal step and returns it.
async fn read_revealed_secret(app: &App) -> anyhow::Result<String> {
    app.click("reveal-toggle").await?;
    let secret = app.wait_for_text("secret-value", "pk_test_").await?;
    let secret = secret.trim().to_owned();
    anyhow::ensure!(
        secret.len() == 72,
        "the whole secret is shown, got {} characters",
        secret.len()
    );
    Ok(secret)
}

/// Ticks "I have stored this secret" and closes the reveal step.
async fn close_reveal(app: &App) -> anyhow::Result<()> {
    app.click("stored-confirm").await?;
    app.click("close-reveal").await?;
    app.wait_gone("secret-reveal").await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "real window: needs Xvfb, a session bus, gnome-keyring and tauri-driver (run by scripts/test.sh)"]
async fn the_key_lifecycle_in_the_real_window() {
    const TEST: &str = "lifecycle";
    scenario(4464, |mut app| async move {
        let result = async {
            app.find("connect-screen").await?;
            let base_url = app
                .wait_for_text("sandbox-address", "http://127.0.0.1:")
                .await?;
            let base_url = base_url.trim().trim_end_matches('/').to_owned();
            app.click("sign-in").await?;
            app.find("home-screen").await?;

            // A short clipboard time, so the test can watch it being cleared.
            app.click("nav-settings").await?;
            app.fill("setting-clipboard", "5").await?;
            app.click("save-settings").await?;
            app.screenshot(TEST, "settings").await?;
            app.click("nav-keys").await?;
            app.find("keys-screen").await?;
            app.screenshot(TEST, "keys").await?;

            // Create a test key with preset full.
            app.click("create-key").await?;
            app.fill("key-label", "E2E deploys").await?;
            app.screenshot(TEST, "create-label").await?;
            app.click("wizard-next").await?;
            app.click("env-test").await?;
            app.click("wizard-next").await?;
            app.click("preset-full").await?;
            app.find("preset-table").await?;
            app.screenshot(TEST, "create-preset").await?;
            app.click("wizard-next").await?;
            app.click("scope-partner").await?;
            app.click("wizard-next").await?;
            app.screenshot(TEST, "create-review").await?;
            app.click("wizard-create").await?;
            app.find("secret-reveal").await?;
            app.screenshot(TEST, "reveal-masked").await?;
            let secret = read_revealed_secret(&app).await?;

            // Copy: the X clipboard holds the secret, then is empty after the clear time.
            app.click("copy-secret").await?;
            app.find("clipboard-countdown").await?;
            app.screenshot(TEST, "reveal-copied").await?;
            anyhow::ensure!(clipboard()? == secret, "the clipboard holds the new secret");
            tokio::time::sleep(std::time::Duration::from_secs(7)).await;
            anyhow::ensure!(
                clipboard()?.is_empty(),
                "the clipboard was cleared after 5 s"
            );
            close_reveal(&app).await?;

            // The keyring holds it, filed under the key's id.
            let row = app.find("key-row").await?;
            let key_id = row.attr("data-key-id").await?.unwrap_or_default();
            anyhow::ensure!(
                key_id.starts_with("key_"),
                "the new key is listed, got {key_id:?}"
            );
            let stored = run(
                "secret-tool",
                &[
                    "lookup",
                    "service",
                    &app.keyring_service("test"),
                    "username",
                    &key_id,
                ],
            )?;
            anyhow::ensure!(
                stored == secret,
                "the keyring holds the secret under {key_id}"
            );

            // Verify.
            app.activate(&format!("[data-key-id=\"{key_id}\"]")).await?;
            app.find("key-detail").await?;
            app.click("verify-key").await?;
            app.wait_for_text("verify-result", "req_").await?;
            app.screenshot(TEST, "verified").await?;

            // Rotate, keeping both keys valid.
            app.click("rotate-key").await?;
            app.click("old-keep").await?;
            app.click("rotate-submit").await?;
            app.find("secret-reveal").await?;
            let new_secret = read_revealed_secret(&app).await?;
            anyhow::ensure!(new_secret != secret, "rotation made a new secret");
            close_reveal(&app).await?;
            app.find("traffic-view").await?;
            anyhow::ensure!(
                me_status(&base_url, &secret).await? == 200,
                "old key still works"
            );
            anyhow::ensure!(
                me_status(&base_url, &new_secret).await? == 200,
                "new key works"
            );
            app.screenshot(TEST, "traffic").await?;

            // Revoke the old key: its next request gets 401.
            app.click("revoke-old").await?;
            app.click("revoke-old-confirm").await?;
            app.wait_for_text("traffic-view", "revoked").await?;
            anyhow::ensure!(
                me_status(&base_url, &secret).await? == 401,
                "old key revoked"
            );
            app.screenshot(TEST, "old-revoked").await?;
            app.click("rotate-done").await?;

            // "Key leaked" on the new key.
            app.click("back-to-keys").await?;
            app.find("keys-screen").await?;
            let new_id = app.attr("key-row", "data-key-id").await?;
            anyhow::ensure!(new_id != key_id, "the replacement is listed first");
            app.activate(&format!("[data-key-id=\"{new_id}\"]")).await?;
            app.find("key-detail").await?;
            app.click("key-leaked").await?;
            app.find("leaked-dialog").await?;
            app.screenshot(TEST, "leaked-confirm").await?;
            app.click("leaked-submit").await?;
            app.find("secret-reveal").await?;
            let replacement = read_revealed_secret(&app).await?;
            close_reveal(&app).await?;
            app.find("leaked-checklist").await?;
            app.screenshot(TEST, "leaked-checklist").await?;
            app.click("leaked-done").await?;
            app.wait_gone("leaked-dialog").await?;
            anyhow::ensure!(
                me_status(&base_url, &new_secret).await? == 401,
                "leaked key revoked"
            );
            anyhow::ensure!(
                me_status(&base_url, &replacement).await? == 200,
                "replacement works"
            );

            // Activity shows every step with request ids.
            app.click("nav-activity").await?;
            app.find("activity-screen").await?;
            app.wait_for_text("activity-screen", "req_").await?;
            let text = app.text("activity-screen").await?;
            for needle in ["created", "rotated", "revoked", "opied", "erified"] {
                anyhow::ensure!(
                    text.to_lowercase().contains(&needle.to_lowercase()),
                    "activity mentions {needle}"
                );
            }
            app.screenshot(TEST, "activity").await?;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}

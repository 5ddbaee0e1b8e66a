//! The real app window, driven through WebDriver (tauri-driver + WebKitWebDriver).
//!
//! Needs a display (Xvfb), a session bus, `tauri-driver` and the app built with
//! `--features partner-portal/custom-protocol`; the README's test command provides all of them.
//! Screenshots of every step go to `target/e2e-screenshots/`.

use std::io::{Read, Write};
use std::net::TcpListener;

use portal_tests::e2e::App;

/// Runs one scenario, always closing the app, and fails with the scenario's error.
async fn scenario<F, Fut>(port: u16, body: F)
where
    F: FnOnce(App) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = (App, anyhow::Result<()>)> + Send + 'static,
{
    let app = App::start(port, &[])
        .await
        .expect("the app starts under tauri-driver");
    let (app, result) = tokio::spawn(body(app))
        .await
        .expect("the scenario task does not panic");
    app.stop().await;
    if let Err(error) = result {
        panic!("{error:#}");
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

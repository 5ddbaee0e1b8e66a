//! Browsing domains in the real window against the bundled sandbox (2,000 domains per
//! environment): a read key made for browsing cannot set forwarding and says why; a full key
//! sets forwarding on three connected domains and the rows show the new URL; `status=active`
//! shows exactly what `GET /domains/stats` counts; the CSV export (through the native save
//! dialog, typed into with xdotool) has that many rows.

use std::time::{Duration, Instant};

use portal_tests::e2e::App;
use serde_json::Value;

use super::{close_reveal, read_revealed_secret, run, scenario};

const TEST: &str = "domains";
const FORWARD_TO: &str = "https://welcome.e2e.example/landing";

/// `GET /domains/stats` (or one domain) straight over HTTP with `secret`, not through the app.
async fn partner_get(base_url: &str, secret: &str, path: &str) -> anyhow::Result<Value> {
    let response = reqwest::Client::new()
        .get(format!("{base_url}/api/partner/v1{path}"))
        .bearer_auth(secret)
        .send()
        .await?
        .error_for_status()?;
    Ok(response.json::<Value>().await?["data"].clone())
}

/// Waits until the scan of the current filters has loaded every page.
async fn wait_loaded(app: &App) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if app.attr("scan-progress", "data-state").await? == "done" {
            return Ok(());
        }
        anyhow::ensure!(Instant::now() < deadline, "the scan did not finish in 60 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The number at the start of the table's summary ("1,234 loaded").
async fn loaded_count(app: &App) -> anyhow::Result<u64> {
    let text = app.text("domains-count").await?;
    let digits: String = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    Ok(digits.parse()?)
}

/// Creates a test key with preset full through the wizard (saved to the keyring) and returns
/// its secret, read from the one reveal step.
async fn create_full_key(app: &mut App) -> anyhow::Result<String> {
    app.click("nav-keys").await?;
    app.click("create-key").await?;
    app.fill("key-label", "E2E forwarding").await?;
    app.click("wizard-next").await?;
    app.click("env-test").await?;
    app.click("wizard-next").await?;
    app.click("preset-full").await?;
    app.click("wizard-next").await?;
    app.click("scope-partner").await?;
    app.click("wizard-next").await?;
    app.click("wizard-create").await?;
    app.find("secret-reveal").await?;
    let secret = read_revealed_secret(app).await?;
    close_reveal(app).await?;
    Ok(secret)
}

/// Answers the native save dialog: types `path` into it and presses Enter.
fn save_as(path: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    let window = loop {
        let found = run("xdotool", &["search", "--name", "Export domains"]).unwrap_or_default();
        if let Some(id) = found.lines().next().filter(|l| !l.is_empty()) {
            break id.to_owned();
        }
        anyhow::ensure!(Instant::now() < deadline, "the save dialog did not open");
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_millis(500));
    run("xdotool", &["windowfocus", "--sync", &window])?;
    run("xdotool", &["key", "ctrl+a"])?;
    run("xdotool", &["type", "--delay", "20", path])?;
    run("xdotool", &["key", "Return"])?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "real window: needs Xvfb, a session bus, gnome-keyring, xdotool and tauri-driver (run by scripts/test.sh)"]
async fn browse_filter_forward_and_export_domains_in_the_real_window() {
    scenario(4474, |mut app| async move {
        let result = async {
            app.find("connect-screen").await?;
            let base_url = app
                .wait_for_text("sandbox-address", "http://127.0.0.1:")
                .await?;
            let base_url = base_url.trim().trim_end_matches('/').to_owned();
            app.click("sign-in").await?;
            app.find("home-screen").await?;

            // No key on this computer yet: make a read key for browsing.
            app.click("nav-domains").await?;
            app.find("browse-no-key").await?;
            app.screenshot(TEST, "no-key").await?;
            app.click("create-browsing-key").await?;
            app.find("domain-row").await?;
            app.screenshot(TEST, "read-key-loading").await?;
            wait_loaded(&app).await?;
            anyhow::ensure!(loaded_count(&app).await? == 2000, "every test domain loaded");
            app.screenshot(TEST, "read-key-loaded").await?;

            // A read key cannot set forwarding, and the screen says why.
            app.activate("[data-testid=\"domain-row\"] input[type=checkbox]")
                .await?;
            let disabled = app.attr("open-forwarding", "disabled").await;
            anyhow::ensure!(disabled.is_ok(), "Set forwarding is disabled for a read key");
            app.wait_for_text("forwarding-why", "needs a full key")
                .await?;
            app.screenshot(TEST, "read-key-forwarding-disabled").await?;

            // A full key, made in the Keys screen and saved to the keyring.
            let secret = create_full_key(&mut app).await?;
            app.click("nav-domains").await?;
            // The new key is offered once the list is read again.
            let deadline = Instant::now() + Duration::from_secs(15);
            let key_id = loop {
                let picked = app
                    .client()
                    .execute(
                        "const s = document.querySelector('[data-testid=\"browse-key\"]');
                         const o = s && [...s.options].find(o => o.textContent.includes('E2E forwarding'));
                         if (!o) return null;
                         s.value = o.value; s.dispatchEvent(new Event('change', {bubbles: true}));
                         return o.value;",
                        vec![],
                    )
                    .await?;
                if !picked.is_null() {
                    break picked;
                }
                anyhow::ensure!(Instant::now() < deadline, "the full key is offered");
                tokio::time::sleep(Duration::from_millis(200)).await;
            };
            anyhow::ensure!(key_id.as_str().is_some_and(|id| id.starts_with("key_")));
            app.wait_for_text("browse-preset", "Full").await?;

            // Forwarding on three connected, active domains.
            app.click("chip-category-connected").await?;
            app.click("chip-status-active").await?;
            wait_loaded(&app).await?;
            let mut chosen = Vec::new();
            for index in 0..3 {
                let row = format!("[data-testid=\"domain-row\"][data-index=\"{index}\"]");
                app.activate(&format!("{row} input[type=checkbox]")).await?;
                let id = app
                    .client()
                    .execute(
                        "return document.querySelector(arguments[0]).dataset.id;",
                        vec![Value::from(row)],
                    )
                    .await?;
                chosen.push(id.as_str().unwrap_or_default().to_owned());
            }
            app.wait_for_text("open-forwarding", "(3)").await?;
            app.screenshot(TEST, "three-selected").await?;
            app.click("open-forwarding").await?;
            app.fill("forwarding-url", FORWARD_TO).await?;
            app.screenshot(TEST, "forwarding-form").await?;
            app.click("forwarding-start").await?;
            app.wait_for_text("forwarding-result", "Forwarding set on 3").await?;
            app.screenshot(TEST, "forwarding-done").await?;
            app.click("forwarding-close").await?;
            for id in &chosen {
                let row = app
                    .client()
                    .execute(
                        "return document.querySelector(`[data-testid=\"domain-row\"][data-id=\"${arguments[0]}\"]`).innerText;",
                        vec![Value::from(id.as_str())],
                    )
                    .await?;
                anyhow::ensure!(
                    row.as_str().unwrap_or_default().contains(FORWARD_TO),
                    "row {id} shows the new URL: {row}"
                );
                let domain = partner_get(&base_url, &secret, &format!("/domains/{id}")).await?;
                anyhow::ensure!(
                    domain["forwarding_url"] == FORWARD_TO,
                    "the server has the new URL for {id}"
                );
            }
            app.screenshot(TEST, "rows-updated").await?;

            // status=active alone: the table holds exactly what the stats count.
            app.click("chip-category-connected").await?;
            wait_loaded(&app).await?;
            let stats = partner_get(&base_url, &secret, "/domains/stats?status=active").await?;
            let expected = stats["total"].as_u64().unwrap_or_default();
            anyhow::ensure!(expected > 0, "the sandbox has active domains");
            let shown = loaded_count(&app).await?;
            anyhow::ensure!(shown == expected, "the table shows {shown}, the stats say {expected}");
            app.screenshot(TEST, "status-active").await?;

            // Export through the save dialog; the file has one row per counted domain.
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("active.csv");
            app.click("export-csv").await?;
            let typed = path.display().to_string();
            tokio::task::spawn_blocking(move || save_as(&typed)).await??;
            app.wait_for_text("export-done", "Saved").await?;
            app.screenshot(TEST, "exported").await?;
            let csv = std::fs::read_to_string(&path)?;
            let mut lines = csv.lines();
            anyhow::ensure!(
                lines.next().is_some_and(|h| h.starts_with("domain,id,status")),
                "a header row"
            );
            let rows: Vec<&str> = lines.collect();
            anyhow::ensure!(
                rows.len() as u64 == expected,
                "the CSV has {} rows, the stats say {expected}",
                rows.len()
            );
            anyhow::ensure!(rows.iter().all(|r| r.split(',').nth(2) == Some("active")));
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}

//! The real app under WebDriver: `tauri-driver` → WebKitWebDriver → `partner-portal`.
//!
//! Pitfalls handled here (SETUP-FACTS.md): the WebDriver session is always closed before
//! `tauri-driver` is stopped, and `tauri-driver` gets SIGTERM, never SIGKILL (which would orphan
//! WebKitWebDriver and leave its port taken for the next run).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use serde_json::json;

/// How long a step may wait for the window to show what it expects.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// The workspace's target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("target")
        })
}

/// The app binary the tests drive (built with the `custom-protocol` feature, so it embeds
/// `ui/dist`). `PARTNER_PORTAL_APP` overrides it.
pub fn app_binary() -> PathBuf {
    std::env::var_os("PARTNER_PORTAL_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug").join("partner-portal"))
}

/// A running app with a WebDriver session on its window.
pub struct App {
    client: Client,
    profile: String,
    driver: Child,
    _data_dir: tempfile::TempDir,
    screenshots: PathBuf,
    step: u32,
}

impl App {
    /// Starts `tauri-driver` on `port` and the app in a fresh profile `e2e-<pid>-<port>` with
    /// its own data directory; `env` adds variables for the app.
    pub async fn start(port: u16, env: &[(&str, &str)]) -> Result<Self> {
        let binary = app_binary();
        if !binary.exists() {
            bail!(
                "{} is missing: build it first with \
                 `cargo build --workspace --features partner-portal/custom-protocol`",
                binary.display()
            );
        }
        let data_dir = tempfile::tempdir()?;
        let profile = format!("e2e-{}-{port}", std::process::id());
        let mut command = Command::new(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &(port + 1).to_string(),
            ])
            .env("PARTNER_PORTAL_PROFILE", &profile)
            .env("PARTNER_PORTAL_DATA_DIR", data_dir.path())
            // A small bundled data set seeds in a moment; a scenario may ask for more.
            .env("PARTNER_PORTAL_SANDBOX_DOMAINS", "2000")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (key, value) in env {
            command.env(key, value);
        }
        let driver = command.spawn().context(
            "could not start tauri-driver (install it with \
             `cargo install tauri-driver --version 2.1.0 --locked`)",
        )?;
        let screenshots = target_dir().join("e2e-screenshots");
        std::fs::create_dir_all(&screenshots)?;
        let client = match connect(port, &binary).await {
            Ok(client) => client,
            Err(error) => {
                terminate(driver);
                return Err(error);
            }
        };
        Ok(Self {
            client,
            profile,
            driver,
            _data_dir: data_dir,
            screenshots,
            step: 0,
        })
    }

    /// The app's profile name (it namespaces the keyring service: `<identifier>.<profile>.<env>`).
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The keyring service the app files keys of `environment` under.
    pub fn keyring_service(&self, environment: &str) -> String {
        format!("com.partnerportal.desktop.{}.{environment}", self.profile)
    }

    /// Reads an attribute of the element with `data-testid`.
    pub async fn attr(&self, test_id: &str, name: &str) -> Result<String> {
        self.find(test_id)
            .await?
            .attr(name)
            .await?
            .with_context(|| format!("{test_id} has no {name} attribute"))
    }

    /// Waits until an element with `data-testid` is gone from the page.
    pub async fn wait_gone(&self, test_id: &str) -> Result<()> {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let present = self
                .client
                .execute(
                    "return document.querySelector(`[data-testid=\"${arguments[0]}\"]`) !== null;",
                    vec![serde_json::Value::from(test_id)],
                )
                .await
                .with_context(|| format!("looking for {test_id}"))?;
            if present == serde_json::Value::Bool(false) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("{test_id} is still shown after {STEP_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The WebDriver client, for anything the helpers below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Waits until an element with `data-testid` is in the page and returns it.
    pub async fn find(&self, test_id: &str) -> Result<Element> {
        let selector = format!("[data-testid=\"{test_id}\"]");
        self.client
            .wait()
            .at_most(STEP_TIMEOUT)
            .for_element(Locator::Css(&selector))
            .await
            .with_context(|| format!("{test_id} did not appear within {STEP_TIMEOUT:?}"))
    }

    /// Waits until the element's text contains `needle`, and returns the text.
    pub async fn wait_for_text(&self, test_id: &str, needle: &str) -> Result<String> {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let text = self.text(test_id).await?;
            if text.contains(needle) {
                return Ok(text);
            }
            if Instant::now() > deadline {
                bail!("{test_id} shows {text:?}, expected it to contain {needle:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element's rendered text (`innerText`). WebDriver's own "element text" drops text
    /// that WebKit's visibility heuristics consider clipped (e.g. `text-overflow: ellipsis`).
    pub async fn text(&self, test_id: &str) -> Result<String> {
        let element = self.find(test_id).await?;
        let value = self
            .client
            .execute(
                "return arguments[0].innerText;",
                vec![serde_json::to_value(&element)?],
            )
            .await
            .with_context(|| format!("reading the text of {test_id}"))?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Replaces the text of an input.
    pub async fn fill(&self, test_id: &str, text: &str) -> Result<()> {
        let input = self.find(test_id).await?;
        input.clear().await?;
        input.send_keys(text).await?;
        Ok(())
    }

    /// Clicks an element.
    pub async fn click(&self, test_id: &str) -> Result<()> {
        self.find(test_id)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking {test_id}"))?;
        Ok(())
    }

    /// Clicks the element matching a CSS selector through the DOM (for elements WebDriver will
    /// not click, such as table rows made clickable by the page).
    pub async fn activate(&self, selector: &str) -> Result<()> {
        self.client
            .wait()
            .at_most(STEP_TIMEOUT)
            .for_element(Locator::Css(selector))
            .await
            .with_context(|| format!("{selector} did not appear within {STEP_TIMEOUT:?}"))?;
        self.client
            .execute(
                "document.querySelector(arguments[0]).click();",
                vec![serde_json::Value::from(selector)],
            )
            .await
            .with_context(|| format!("clicking {selector}"))?;
        Ok(())
    }

    /// Saves a screenshot of the window as `target/e2e-screenshots/<test>-NN-<name>.png`.
    pub async fn screenshot(&mut self, test: &str, name: &str) -> Result<PathBuf> {
        self.step += 1;
        // WebKit captures the last composited frame: let the page paint what the step changed.
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));",
                vec![],
            )
            .await?;
        let png = self.client.screenshot().await?;
        let path = self
            .screenshots
            .join(format!("{test}-{:02}-{name}.png", self.step));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Closes the WebDriver session (which closes the app), then stops tauri-driver.
    pub async fn stop(self) {
        let _ = self.client.close().await;
        terminate(self.driver);
    }
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    match cargo_home.map(|h| h.join("bin").join("tauri-driver")) {
        Some(path) if path.exists() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

async fn connect(port: u16, binary: &Path) -> Result<Client> {
    let mut caps = serde_json::Map::new();
    caps.insert("tauri:options".into(), json!({ "application": binary }));
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        match ClientBuilder::rustls()?
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return Ok(client),
            // tauri-driver takes a moment to listen.
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(error) => return Err(error).context("could not open a WebDriver session"),
        }
    }
}

fn terminate(mut driver: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &driver.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

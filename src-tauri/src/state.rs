//! The app's state: the profile, the embedded sandbox, the signed-in session, the secret store,
//! the local action log, the settings, the clipboard guard, the app lock and the secrets of
//! reveal steps that are open.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use portal_core::activity::ActionLog;
use portal_core::clipboard::ClipboardGuard;
use portal_core::clock::SystemClock;
use portal_core::lock::AppLock;
use portal_core::model::{ApiKey, KeyId};
use portal_core::profile::{DATA_DIR_ENV, PROFILE_ENV, Profile};
use portal_core::services::Ctx;
#[cfg(test)]
use portal_core::services::domains::ScanEvent;
use portal_core::services::domains::{self, Browser, ScanControl, ScanHandle};
use portal_core::services::session::{Connection, SessionView};
use portal_core::settings::Settings;
use portal_core::store::Secrets;
use portal_core::{Error, Secret};
use tauri::{AppHandle, Manager};
use tokio::sync::{Mutex, RwLock};
use tracing_appender::non_blocking::WorkerGuard;

use crate::clipboard::SystemClipboard;
use crate::commands::Milestone;
use crate::sandbox::EmbeddedSandbox;

/// Environment variable: sign in to the bundled sandbox by itself on start (benchmarks, demos).
pub const AUTO_SIGN_IN_ENV: &str = "PARTNER_PORTAL_AUTO_SIGN_IN";

/// Everything the commands share.
pub struct AppState {
    /// Where this run keeps its data and which keyring namespace it uses.
    pub profile: Profile,
    /// The bundled sandbox, started in the background.
    pub sandbox: EmbeddedSandbox,
    /// The signed-in session, if any. Commands clone the `Arc` and let go of the lock, so a slow
    /// request never holds up the others.
    pub connection: RwLock<Option<Arc<Connection>>>,
    /// Where key secrets are kept: the OS keyring, namespaced by the profile.
    pub secrets: Secrets,
    /// The local log of actions taken in the app.
    pub actions: ActionLog,
    /// The settings, as last saved.
    pub settings: Mutex<Settings>,
    /// What the app put on the clipboard, and the clear pending for it.
    pub clipboard: ClipboardGuard,
    /// Locked after being idle: no service reads, creates or moves a secret until the password
    /// is entered (core refuses with `locked`).
    pub lock: AppLock,
    /// Secrets of open reveal steps, by key id, with the key: the UI shows a secret once, and
    /// copies or saves it through these without sending it back. Dropped when the step closes,
    /// on lock and on sign-out.
    pub reveals: Mutex<HashMap<KeyId, (ApiKey, Secret)>>,
    /// The browser of the key the domains screen last used (it holds that key's secret, read
    /// from the keyring). Dropped on sign-out.
    browser: Mutex<Option<(KeyId, Browser)>>,
    /// Running domain scans, by id: each task watches its control.
    scans: Mutex<HashMap<u32, ScanHandle>>,
    next_scan: AtomicU32,
    /// Which start-up milestones were already reported.
    milestones: [AtomicBool; 2],
    _log_guard: Option<WorkerGuard>,
}

impl AppState {
    /// State for a profile; the sandbox keeps its data under the profile's data directory.
    pub fn new(profile: Profile, log_guard: Option<WorkerGuard>) -> Self {
        let secrets = Secrets::keyring(&profile);
        let clipboard = ClipboardGuard::new(Arc::new(SystemClipboard::default()));
        Self::with(profile, secrets, clipboard, log_guard)
    }

    /// State over the given secret store and clipboard (tests give in-memory ones).
    fn with(
        profile: Profile,
        secrets: Secrets,
        clipboard: ClipboardGuard,
        log_guard: Option<WorkerGuard>,
    ) -> Self {
        let sandbox = EmbeddedSandbox::new(profile.data_dir().join("sandbox"));
        let settings = Settings::load(profile.data_dir());
        Self {
            secrets,
            actions: ActionLog::new(profile.data_dir()),
            settings: Mutex::new(settings),
            clipboard,
            lock: AppLock::new(),
            reveals: Mutex::new(HashMap::new()),
            profile,
            sandbox,
            connection: RwLock::new(None),
            browser: Mutex::new(None),
            scans: Mutex::new(HashMap::new()),
            next_scan: AtomicU32::new(1),
            milestones: [AtomicBool::new(false), AtomicBool::new(false)],
            _log_guard: log_guard,
        }
    }

    /// The signed-in session, or `session_expired` when there is none.
    pub async fn session(&self) -> Result<Arc<Connection>, Error> {
        self.connection
            .read()
            .await
            .clone()
            .ok_or(Error::SessionExpired { request_id: None })
    }

    /// Makes `connection` the session and unlocks the app. Everything the old session held is
    /// forgotten first (open reveals, the browser's key, running scans, our secret on the
    /// clipboard), so nothing of one server or admin survives into the next; the session it
    /// replaces is signed out (best effort: the old token should not outlive its use). Returns
    /// what the UI shows.
    pub async fn start_session(&self, connection: Connection) -> SessionView {
        let view = connection.view().clone();
        let mut slot = self.connection.write().await;
        self.forget_session_secrets().await;
        self.clipboard.clear_if_ours();
        let previous = slot.replace(Arc::new(connection));
        drop(slot);
        self.lock.unlock();
        if let Some(previous) = previous {
            let _ = previous.sign_out().await;
        }
        view
    }

    /// Runs a service with the context of the signed-in session.
    pub async fn with_ctx<T, F>(&self, f: F) -> Result<T, Error>
    where
        F: AsyncFnOnce(&Ctx<'_>) -> Result<T, Error>,
    {
        let session = self.session().await?;
        let ctx = Ctx {
            session: &session,
            secrets: &self.secrets,
            actions: &self.actions,
            lock: &self.lock,
            clock: &SystemClock,
        };
        f(&ctx).await
    }

    /// The browser for `key_id`: the one kept, or a new one opened with the stored secret.
    /// `locked` while the app is locked (the kept one holds the key's secret).
    pub async fn browser(&self, key_id: &KeyId) -> Result<Browser, Error> {
        self.lock.check()?;
        if let Some((kept, browser)) = self.browser.lock().await.as_ref()
            && kept == key_id
        {
            return Ok(browser.clone());
        }
        self.open_browser(key_id).await
    }

    /// Opens a browser for `key_id` afresh (`GET /me`) and keeps it.
    pub async fn open_browser(&self, key_id: &KeyId) -> Result<Browser, Error> {
        let browser = self
            .with_ctx(async |ctx| domains::open_stored(ctx, key_id).await)
            .await?;
        *self.browser.lock().await = Some((key_id.clone(), browser.clone()));
        Ok(browser)
    }

    /// Registers a scan's control and returns its id; the scans before it are cancelled.
    pub async fn start_scan(&self, handle: ScanHandle) -> u32 {
        let id = self.next_scan.fetch_add(1, Ordering::SeqCst);
        let mut scans = self.scans.lock().await;
        for (_, old) in scans.drain() {
            old.send(ScanControl::Cancel);
        }
        scans.insert(id, handle);
        id
    }

    /// Passes `control` to scan `id`; a finished scan is forgotten. While locked, only "cancel"
    /// is passed on (a resumed scan would send the key again).
    pub async fn control_scan(&self, id: u32, control: ScanControl) -> Result<(), Error> {
        if control != ScanControl::Cancel {
            self.lock.check()?;
        }
        let mut scans = self.scans.lock().await;
        scans.retain(|_, handle| !handle.is_finished());
        if let Some(handle) = scans.get(&id) {
            handle.send(control);
        }
        Ok(())
    }

    /// Locks the app: the clipboard is cleared if it holds our secret, and open reveals, the
    /// browser's key and running scans are forgotten; secret-bearing services refuse until a
    /// new session starts ([`AppState::start_session`]).
    pub async fn lock_now(&self) {
        self.lock.lock();
        self.forget_session_secrets().await;
        self.clipboard.clear_if_ours();
    }

    /// Copies `secret` and clears it after the configured time; returns that time.
    pub async fn copy_secret(&self, secret: &Secret) -> Result<u32, Error> {
        self.lock.check()?;
        let seconds = self.settings.lock().await.clipboard_clear_seconds;
        self.clipboard
            .copy_secret(secret, Duration::from_secs(seconds.into()))?;
        Ok(seconds)
    }

    /// Forgets what the session held: open reveals, the browser's key and running scans.
    pub async fn forget_session_secrets(&self) {
        self.reveals.lock().await.clear();
        self.browser.lock().await.take();
        for (_, scan) in self.scans.lock().await.drain() {
            scan.send(ScanControl::Cancel);
        }
    }

    /// Keeps a new secret for its reveal step.
    pub async fn keep_reveal(&self, key: &ApiKey, secret: &Secret) {
        self.reveals
            .lock()
            .await
            .insert(key.id.clone(), (key.clone(), secret.clone()));
    }

    /// The key and secret of an open reveal step (refused while locked).
    pub async fn reveal(&self, key_id: &KeyId) -> Result<(ApiKey, Secret), Error> {
        self.lock.check()?;
        self.reveals
            .lock()
            .await
            .get(key_id)
            .cloned()
            .ok_or_else(|| {
                Error::invalid(
                    "key_id",
                    "This secret was already closed; it cannot be shown again",
                )
            })
    }

    /// The secret of an open reveal step.
    pub async fn revealed(&self, key_id: &KeyId) -> Result<Secret, Error> {
        Ok(self.reveal(key_id).await?.1)
    }

    /// Marks a milestone; true only the first time.
    pub fn first_time(&self, milestone: Milestone) -> bool {
        !self.milestones[milestone as usize].swap(true, Ordering::SeqCst)
    }
}

/// The profile from the environment: `PARTNER_PORTAL_PROFILE` names it (debug builds default to
/// `dev`, so a developer's runs never share a release install's keyring entries or data), and
/// `PARTNER_PORTAL_DATA_DIR` moves its data directory.
pub fn resolve_profile(app: &AppHandle) -> Result<Profile, Box<dyn std::error::Error>> {
    let identifier = app.config().identifier.clone();
    let platform_dir = app.path().app_data_dir()?;
    let name = std::env::var(PROFILE_ENV)
        .ok()
        .or_else(|| cfg!(debug_assertions).then(|| "dev".to_owned()));
    let data_dir = std::env::var_os(DATA_DIR_ENV).map(PathBuf::from);
    Ok(Profile::new(&identifier, name, &platform_dir, data_dir)?)
}

/// Whether the app should sign in to the sandbox by itself.
pub fn auto_sign_in() -> bool {
    std::env::var(AUTO_SIGN_IN_ENV).is_ok_and(|v| v == "1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_core::api::portal::NewKey;
    use portal_core::clipboard::MemoryClipboard;
    use portal_core::model::{DomainFilter, Environment, Preset};
    use portal_core::server::{ServerConfig, ServerKind};
    use portal_core::services::keys;
    use portal_core::services::session::{self, Credentials};
    use portal_sandbox::{Config, Sandbox};
    use std::sync::Mutex as StdMutex;

    async fn sandbox() -> Sandbox {
        portal_sandbox::spawn(Config {
            domains: 30,
            admin_password: Some("right password".to_owned()),
            ..Config::default()
        })
        .await
        .expect("sandbox")
    }

    async fn connect(sandbox: &Sandbox) -> Connection {
        let server = ServerConfig::parse(ServerKind::Sandbox, &sandbox.base_url()).expect("server");
        let password = Secret::new("right password".to_owned());
        let credentials = Credentials {
            email: sandbox.admin_email(),
            password: &password,
        };
        session::sign_in(server, credentials, "partner-portal/test")
            .await
            .expect("signed in")
    }

    /// Finding 10: signing in to another server forgets every reveal, the browser's key and the
    /// scans of the session before, and clears our secret from the clipboard.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_new_sign_in_forgets_the_old_sessions_reveals_browser_and_scans() {
        let dir = tempfile::tempdir().expect("dir");
        let profile = Profile::new("test.portal", None, dir.path(), None).expect("profile");
        let clipboard = Arc::new(MemoryClipboard::new());
        let state = AppState::with(
            profile,
            Secrets::in_memory(),
            ClipboardGuard::new(clipboard.clone()),
            None,
        );
        let (first, second) = (sandbox().await, sandbox().await);
        state.start_session(connect(&first).await).await;

        let new = NewKey {
            label: "Shown once".to_owned(),
            environment: Environment::Test,
            preset: Preset::Full,
            scope: None,
            expires_at: None,
        };
        let created = state
            .with_ctx(async |ctx| keys::create(ctx, new, true).await)
            .await
            .expect("created and stored");
        state
            .keep_reveal(&created.key, created.reveal.secret())
            .await;
        state
            .copy_secret(created.reveal.secret())
            .await
            .expect("copied");
        let browser = state.open_browser(&created.key.id).await.expect("browser");
        let events = Arc::new(StdMutex::new(Vec::new()));
        let heard = Arc::clone(&events);
        let (handle, run) = browser.scan(DomainFilter::default(), move |event| {
            heard.lock().expect("events").push(event);
            true
        });
        handle.send(ScanControl::Pause);
        state.start_scan(handle.clone()).await;
        let scan = tokio::spawn(run);
        assert!(
            state.reveal(&created.key.id).await.is_ok(),
            "the reveal is open"
        );
        assert!(clipboard.held().is_some(), "the secret is on the clipboard");

        state.start_session(connect(&second).await).await;

        assert!(
            state.reveal(&created.key.id).await.is_err(),
            "the old server's reveal is gone"
        );
        assert!(
            state.browser.lock().await.is_none(),
            "the browser's key is gone"
        );
        assert_eq!(clipboard.held(), None, "our secret left the clipboard");
        tokio::time::timeout(Duration::from_secs(5), scan)
            .await
            .expect("the old scan ends")
            .expect("it did not panic");
        assert!(handle.is_finished());
        assert_eq!(
            events.lock().expect("events").last(),
            Some(&ScanEvent::Cancelled),
            "the old scan was cancelled"
        );
    }
}

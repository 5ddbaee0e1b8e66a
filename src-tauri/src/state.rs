//! The app's state: the profile, the embedded sandbox and the signed-in connection.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use portal_core::profile::{DATA_DIR_ENV, PROFILE_ENV, Profile};
use portal_core::services::session::Connection;
use tauri::{AppHandle, Manager};
use tokio::sync::Mutex;
use tracing_appender::non_blocking::WorkerGuard;

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
    /// The signed-in session, if any.
    pub connection: Mutex<Option<Connection>>,
    /// Which start-up milestones were already reported.
    milestones: [AtomicBool; 2],
    _log_guard: Option<WorkerGuard>,
}

impl AppState {
    /// State for a profile; the sandbox keeps its data under the profile's data directory.
    pub fn new(profile: Profile, log_guard: Option<WorkerGuard>) -> Self {
        let sandbox = EmbeddedSandbox::new(profile.data_dir().join("sandbox"));
        Self {
            profile,
            sandbox,
            connection: Mutex::new(None),
            milestones: [AtomicBool::new(false), AtomicBool::new(false)],
            _log_guard: log_guard,
        }
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

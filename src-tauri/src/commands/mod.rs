//! The `#[tauri::command]`s: unpack arguments and state, call one core service, map the error.
//!
//! - [`session`]: sign in and out, the app lock.
//! - [`keys`]: the key lifecycle.
//! - [`domains`]: browsing domains and customers with a stored key, and acting on them.
//! - [`reveal`]: the reveal step (copy, save, close) and copying stored secrets.
//! - [`settings`]: settings, activity and the request log.

pub mod domains;
pub mod keys;
pub mod reveal;
pub mod session;
pub mod settings;

use portal_core::IpcError;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager};

use crate::sandbox::SandboxStatus;
use crate::state::{AppState, auto_sign_in};

/// The result of a command: errors cross IPC as [`IpcError`].
pub type Answer<T> = Result<T, IpcError>;

/// What the UI needs to draw its first screen.
#[derive(Debug, Serialize, Type)]
pub struct AppInfo {
    /// The app's version.
    pub version: String,
    /// The profile's name, when it is not the default one.
    pub profile: Option<String>,
    /// The bundled sandbox.
    pub sandbox: SandboxStatus,
    /// Whether to sign in to the sandbox without waiting for a click.
    pub auto_sign_in: bool,
}

/// Version, profile and sandbox state (waits for the sandbox to be up or to have failed).
#[tauri::command]
#[specta::specta]
pub async fn app_info(app: AppHandle) -> AppInfo {
    let state = app.state::<AppState>();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        profile: state.profile.name().map(str::to_owned),
        sandbox: state.sandbox.status().await,
        auto_sign_in: auto_sign_in(),
    }
}

/// A start-up milestone the UI reports once it is on screen.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// The first frame of the UI.
    FirstPaint,
    /// The first frame of the signed-in screen.
    SignedIn,
}

/// The UI painted a milestone: logged the first time, and printed for the start-up benchmark.
#[tauri::command]
#[specta::specta]
pub fn report_painted(app: AppHandle, milestone: Milestone) {
    if app.state::<AppState>().first_time(milestone) {
        bench_mark(match milestone {
            Milestone::FirstPaint => "first_paint",
            Milestone::SignedIn => "signed_in",
        });
    }
}

/// Logs a start-up milestone and prints `bench-mark NAME <epoch ms>` on stdout, which the
/// benchmark (`bench/run.sh`) reads. A closed stdout is ignored.
fn bench_mark(name: &str) {
    use std::io::Write;
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    tracing::info!(at, "{name}");
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "bench-mark {name} {at}");
    let _ = stdout.flush();
}

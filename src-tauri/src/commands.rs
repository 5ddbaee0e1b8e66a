//! The `#[tauri::command]`s: unpack arguments and state, call one core service, map the error.

use portal_core::server::{ServerConfig, ServerKind};
use portal_core::services::session::{self, Credentials, SessionView};
use portal_core::{IpcError, Secret};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, State};

use crate::sandbox::SandboxStatus;
use crate::state::{AppState, auto_sign_in};

const USER_AGENT: &str = concat!("partner-portal/", env!("CARGO_PKG_VERSION"));

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

/// Which server to sign in to.
#[derive(Debug, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServerChoice {
    /// The bundled sandbox.
    Sandbox,
    /// A partner API origin.
    Remote {
        /// e.g. `https://api.peeker.ai`
        base_url: String,
    },
}

/// The sign-in form.
#[derive(Debug, Deserialize, Type)]
pub struct SignInRequest {
    /// Which server.
    pub server: ServerChoice,
    /// The admin's email.
    pub email: String,
    /// The admin's password.
    pub password: Secret,
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

/// Signs in and keeps the session; a previous session is replaced.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    state: State<'_, AppState>,
    request: SignInRequest,
) -> Result<SessionView, IpcError> {
    let server = match request.server {
        ServerChoice::Sandbox => {
            let base_url = state.sandbox.base_url().await.map_err(|message| IpcError {
                code: portal_core::ErrorCode::Network,
                message: format!("The local sandbox is not running: {message}"),
                request_id: None,
                retry_after_seconds: None,
                field: None,
            })?;
            ServerConfig::parse(ServerKind::Sandbox, &base_url)?
        }
        ServerChoice::Remote { base_url } => ServerConfig::parse(ServerKind::Remote, &base_url)?,
    };
    let credentials = Credentials {
        email: &request.email,
        password: &request.password,
    };
    let connection = session::sign_in(server, credentials, USER_AGENT).await?;
    let view = connection.view().clone();
    let previous = state.connection.lock().await.replace(connection);
    if let Some(previous) = previous {
        // Best effort: the old token should not outlive its use.
        let _ = previous.sign_out().await;
    }
    Ok(view)
}

/// Signs out. When the server cannot be reached, the session is kept so the user can retry.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(state: State<'_, AppState>) -> Result<(), IpcError> {
    let mut slot = state.connection.lock().await;
    let Some(connection) = slot.as_ref() else {
        return Ok(());
    };
    match connection.sign_out().await {
        Ok(()) => {
            *slot = None;
            Ok(())
        }
        Err(error) => {
            tracing::warn!(error = %error, "sign-out failed; the session is kept");
            Err(error.into())
        }
    }
}

/// The signed-in session, or `null`. An expired session is dropped.
#[tauri::command]
#[specta::specta]
pub async fn current_session(app: AppHandle) -> Option<SessionView> {
    let state = app.state::<AppState>();
    let mut slot = state.connection.lock().await;
    if slot
        .as_ref()
        .is_some_and(|c| c.is_expired(time::OffsetDateTime::now_utc()))
    {
        *slot = None;
    }
    slot.as_ref().map(|c| c.view().clone())
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

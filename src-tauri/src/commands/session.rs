//! Signing in and out, and the app lock.

use portal_core::server::{ServerConfig, ServerKind};
use portal_core::services::session::{self, Credentials, SessionView};
use portal_core::{Error, ErrorCode, IpcError, Secret};
use serde::Deserialize;
use specta::Type;
use tauri::{AppHandle, Manager, State};

use super::Answer;
use crate::state::AppState;

/// The User-Agent of every request: the app and its version.
pub const USER_AGENT: &str = concat!("partner-portal/", env!("CARGO_PKG_VERSION"));

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

/// Signs in and keeps the session; a previous session is replaced.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(state: State<'_, AppState>, request: SignInRequest) -> Answer<SessionView> {
    let server = match request.server {
        ServerChoice::Sandbox => sandbox_server(&state).await?,
        ServerChoice::Remote { base_url } => ServerConfig::parse(ServerKind::Remote, &base_url)?,
    };
    let credentials = Credentials {
        email: &request.email,
        password: &request.password,
    };
    let connection = session::sign_in(server, credentials, USER_AGENT).await?;
    Ok(state.start_session(connection).await)
}

async fn sandbox_server(state: &AppState) -> Result<ServerConfig, IpcError> {
    let base_url = state.sandbox.base_url().await.map_err(|message| IpcError {
        code: ErrorCode::Network,
        message: format!("The local sandbox is not running: {message}"),
        request_id: None,
        retry_after_seconds: None,
        field: None,
    })?;
    Ok(ServerConfig::parse(ServerKind::Sandbox, &base_url)?)
}

/// Signs out, clears the clipboard if it holds our secret and forgets open reveals. When the
/// server cannot be reached, the session is kept so the user can retry.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(state: State<'_, AppState>) -> Answer<()> {
    let mut slot = state.connection.write().await;
    let Some(connection) = slot.as_ref() else {
        return Ok(());
    };
    match connection.sign_out().await {
        Ok(()) => {
            *slot = None;
            state.forget_session_secrets().await;
            state.clipboard.clear_if_ours();
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
    let mut slot = state.connection.write().await;
    if slot
        .as_ref()
        .is_some_and(|c| c.is_expired(time::OffsetDateTime::now_utc()))
    {
        *slot = None;
    }
    slot.as_ref().map(|c| c.view().clone())
}

/// Locks the app (the UI calls it after the idle time): the clipboard is cleared if it holds
/// our secret, open reveals, the browser's key and scans are forgotten, and nothing that reads,
/// creates or moves a secret runs until [`unlock_app`].
#[tauri::command]
#[specta::specta]
pub async fn lock_app(state: State<'_, AppState>) -> Answer<()> {
    state.lock_now().await;
    tracing::info!("app locked");
    Ok(())
}

/// Unlocks the app with the admin's password: signs in again to the same server as the same
/// admin (a new session replaces the old one). A wrong password is `unauthorized`.
#[tauri::command]
#[specta::specta]
pub async fn unlock_app(state: State<'_, AppState>, password: Secret) -> Answer<SessionView> {
    let current = state.session().await?;
    let server = current.client().server().clone();
    let email = current.view().admin.email.clone();
    let credentials = Credentials {
        email: &email,
        password: &password,
    };
    let connection = session::sign_in(server, credentials, USER_AGENT)
        .await
        .map_err(|e| match e {
            Error::InvalidInput { .. } => Error::invalid("password", "Enter your password"),
            other => other,
        })?;
    let view = state.start_session(connection).await;
    tracing::info!("app unlocked");
    Ok(view)
}

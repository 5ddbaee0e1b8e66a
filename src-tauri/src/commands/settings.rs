//! Settings, the Activity view and the request log.

use portal_core::api::RequestLogEntry;
use portal_core::model::KeyId;
use portal_core::services::activity::{self, ActivityItem};
use portal_core::settings::Settings;
use tauri::State;

use super::Answer;
use crate::state::AppState;

/// The settings.
#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> Answer<Settings> {
    Ok(state.settings.lock().await.clone())
}

/// Validates and saves the settings; returns them as saved.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(state: State<'_, AppState>, settings: Settings) -> Answer<Settings> {
    settings.save(state.profile.data_dir())?;
    *state.settings.lock().await = settings.clone();
    Ok(settings)
}

/// The server's audit events and this app's action log, newest first, for one key or all.
#[tauri::command]
#[specta::specta]
pub async fn activity(
    state: State<'_, AppState>,
    key_id: Option<KeyId>,
    limit: u32,
) -> Answer<Vec<ActivityItem>> {
    let limit = limit.clamp(1, 500) as usize;
    Ok(state
        .with_ctx(async |ctx| activity::recent(ctx, key_id.as_ref(), limit).await)
        .await?)
}

/// The latest requests of the signed-in session's client, newest first.
#[tauri::command]
#[specta::specta]
pub async fn request_log(state: State<'_, AppState>) -> Answer<Vec<RequestLogEntry>> {
    Ok(state.session().await?.client().request_log())
}

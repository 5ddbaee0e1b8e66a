//! The reveal step and copying secrets. The UI shows a new secret once; to copy or save it, it
//! names the key and the secret is taken from [`AppState::reveals`], so it never travels back.
//! Copying a stored secret needs the app to be unlocked.

use portal_core::activity::Action;
use portal_core::model::KeyId;
use portal_core::services::{activity, keys};
use portal_core::{Error, Secret};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, State};

use super::Answer;
use crate::state::AppState;

/// What a copy did.
#[derive(Debug, Serialize, Type)]
pub struct CopyReceipt {
    /// The clipboard is cleared after this many seconds (if it still holds the secret).
    pub clear_after_seconds: u32,
}

/// Copies the secret of an open reveal step.
#[tauri::command]
#[specta::specta]
pub async fn copy_revealed(
    app: AppHandle,
    state: State<'_, AppState>,
    key_id: KeyId,
) -> Answer<CopyReceipt> {
    let secret = state.revealed(&key_id).await?;
    let receipt = copy(&app, &state, &secret).await?;
    state
        .with_ctx(async |ctx| {
            activity::record(
                ctx,
                Action::Copied,
                &key_id,
                Some("from the reveal step".into()),
            );
            Ok(())
        })
        .await?;
    Ok(receipt)
}

/// Copies a key's secret from the keyring.
#[tauri::command]
#[specta::specta]
pub async fn copy_stored_secret(
    app: AppHandle,
    state: State<'_, AppState>,
    key_id: KeyId,
) -> Answer<CopyReceipt> {
    state.unlocked()?;
    let secret = state
        .with_ctx(async |ctx| keys::copy_secret(ctx, &key_id).await)
        .await?;
    Ok(copy(&app, &state, &secret).await?)
}

/// Saves the secret of an open reveal step to the keyring (the toggle turned on, or a retry
/// after a locked keyring).
#[tauri::command]
#[specta::specta]
pub async fn save_revealed(state: State<'_, AppState>, key_id: KeyId) -> Answer<()> {
    let (key, secret) = state.reveal(&key_id).await?;
    Ok(state
        .with_ctx(async |ctx| keys::save_secret(ctx, &key, &secret).await)
        .await?)
}

/// Removes the secret of an open reveal step from the keyring (the toggle turned off).
#[tauri::command]
#[specta::specta]
pub async fn unsave_revealed(state: State<'_, AppState>, key_id: KeyId) -> Answer<()> {
    let (key, _) = state.reveal(&key_id).await?;
    Ok(state
        .with_ctx(async |ctx| keys::forget_secret(ctx, &key).await)
        .await?)
}

/// Closes a reveal step: the secret is dropped and can never be shown again.
#[tauri::command]
#[specta::specta]
pub async fn close_reveal(state: State<'_, AppState>, key_id: KeyId) -> Answer<()> {
    state.reveals.lock().await.remove(&key_id);
    Ok(())
}

/// Copies text that is not a secret (a request id, a key id): JavaScript has no clipboard access,
/// so even this goes through Rust. Not cleared later.
#[tauri::command]
#[specta::specta]
pub async fn copy_text(app: AppHandle, text: String) -> Answer<()> {
    use tauri_plugin_clipboard_manager::ClipboardExt as _;
    if text.starts_with("pk_") || text.starts_with("ps_") {
        return Err(Error::invalid("text", "Secrets are copied with their own button").into());
    }
    app.clipboard()
        .write_text(text)
        .map_err(|e| Error::Internal(format!("could not write the clipboard: {e}")))?;
    Ok(())
}

/// Empties the clipboard if it still holds a secret the app put there.
#[tauri::command]
#[specta::specta]
pub async fn clear_clipboard(app: AppHandle, state: State<'_, AppState>) -> Answer<bool> {
    Ok(state.clipboard.clear_if_ours(&app))
}

async fn copy(app: &AppHandle, state: &AppState, secret: &Secret) -> Result<CopyReceipt, Error> {
    let seconds = state.settings.lock().await.clipboard_clear_seconds;
    state.clipboard.copy(app, secret, seconds)?;
    Ok(CopyReceipt {
        clear_after_seconds: seconds,
    })
}

//! The reveal step and copying secrets. The UI shows a new secret once; to copy or save it, it
//! names the key and the secret is taken from [`AppState::reveals`], so it never travels back.
//! Copying a stored secret needs the app to be unlocked.

use portal_core::activity::Action;
use portal_core::model::KeyId;
use portal_core::services::{activity, keys};
use portal_core::{Error, Secret};
use serde::Serialize;
use specta::Type;
use tauri::State;

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
pub async fn copy_revealed(state: State<'_, AppState>, key_id: KeyId) -> Answer<CopyReceipt> {
    let secret = state.revealed(&key_id).await?;
    let receipt = copy(&state, &secret).await?;
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
pub async fn copy_stored_secret(state: State<'_, AppState>, key_id: KeyId) -> Answer<CopyReceipt> {
    let secret = state
        .with_ctx(async |ctx| keys::copy_secret(ctx, &key_id).await)
        .await?;
    Ok(copy(&state, &secret).await?)
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
/// so even this goes through Rust. Not marked, not cleared later; text that looks like a secret
/// is refused.
#[tauri::command]
#[specta::specta]
pub async fn copy_text(state: State<'_, AppState>, text: String) -> Answer<()> {
    Ok(state.clipboard.copy_text(&text)?)
}

/// Empties the clipboard if it still holds a secret the app put there.
#[tauri::command]
#[specta::specta]
pub async fn clear_clipboard(state: State<'_, AppState>) -> Answer<bool> {
    Ok(state.clipboard.clear_if_ours())
}

async fn copy(state: &AppState, secret: &Secret) -> Result<CopyReceipt, Error> {
    let clear_after_seconds = state.copy_secret(secret).await?;
    Ok(CopyReceipt {
        clear_after_seconds,
    })
}

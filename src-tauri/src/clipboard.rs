//! Copying secrets: written from Rust (JavaScript has no clipboard access), cleared after the
//! configured time, on lock and on quit, but only while the clipboard still holds what we put
//! there (the user may have copied something else since).

use std::sync::Mutex;

use portal_core::{Error, Secret};
use sha2::{Digest as _, Sha256};
use tauri::AppHandle;
use tauri_plugin_clipboard_manager::ClipboardExt as _;

/// What the app last put on the clipboard (as a digest, never the text) and the pending clear.
#[derive(Default)]
pub struct ClipboardGuard {
    ours: Mutex<Option<Owned>>,
}

struct Owned {
    digest: [u8; 32],
    clear: tauri::async_runtime::JoinHandle<()>,
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

impl ClipboardGuard {
    /// Puts `secret` on the clipboard and schedules its removal after `clear_after_seconds`.
    pub fn copy(
        &self,
        app: &AppHandle,
        secret: &Secret,
        clear_after_seconds: u32,
    ) -> Result<(), Error> {
        app.clipboard()
            .write_text(secret.expose())
            .map_err(|e| Error::Internal(format!("could not write the clipboard: {e}")))?;
        let handle = app.clone();
        let clear = tauri::async_runtime::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_secs(clear_after_seconds.into())).await;
            use tauri::Manager as _;
            handle
                .state::<crate::state::AppState>()
                .clipboard
                .clear_if_ours(&handle);
        });
        let previous = self.lock().replace(Owned {
            digest: digest(secret.expose()),
            clear,
        });
        if let Some(previous) = previous {
            previous.clear.abort();
        }
        Ok(())
    }

    /// Empties the clipboard if it still holds the secret we put there. Returns whether it did.
    pub fn clear_if_ours(&self, app: &AppHandle) -> bool {
        let Some(owned) = self.lock().take() else {
            return false;
        };
        owned.clear.abort();
        let still_ours = app
            .clipboard()
            .read_text()
            .is_ok_and(|text| digest(&text) == owned.digest);
        if still_ours {
            if let Err(error) = app.clipboard().clear() {
                tracing::warn!(%error, "could not clear the clipboard");
                return false;
            }
            tracing::info!("clipboard cleared");
        }
        still_ours
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Owned>> {
        self.ours.lock().unwrap_or_else(|e| e.into_inner())
    }
}

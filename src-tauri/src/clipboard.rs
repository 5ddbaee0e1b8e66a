//! The system clipboard for `portal-core`'s [`ClipboardGuard`](portal_core::clipboard::ClipboardGuard),
//! through `arboard` (JavaScript has no clipboard access). A secret is written with each
//! platform's "do not keep this" marker: `x-kde-passwordManagerHint: secret` on X11 and
//! Wayland, no history and no cloud clipboard on Windows, the concealed type on macOS.

use std::sync::Mutex;

use portal_core::clipboard::Clipboard;
use portal_core::{Error, Result};

/// The system clipboard. One `arboard::Clipboard` is kept for the app's life: on X11 the
/// process that owns the selection serves it, so dropping it would drop what was copied.
#[derive(Default)]
pub struct SystemClipboard {
    inner: Mutex<Option<arboard::Clipboard>>,
}

fn failed(error: arboard::Error) -> Error {
    Error::Internal(format!("could not use the clipboard: {error}"))
}

impl SystemClipboard {
    fn with<T>(&self, f: impl FnOnce(&mut arboard::Clipboard) -> Result<T>) -> Result<T> {
        let mut slot = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(failed)?);
        }
        match slot.as_mut() {
            Some(clipboard) => f(clipboard),
            None => Err(Error::Internal("the clipboard is not available".into())),
        }
    }
}

impl Clipboard for SystemClipboard {
    fn put_secret(&self, text: &str) -> Result<()> {
        self.with(|clipboard| {
            let set = clipboard.set();
            #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
            let set = {
                use arboard::SetExtLinux as _;
                set.exclude_from_history()
            };
            #[cfg(target_os = "windows")]
            let set = {
                use arboard::SetExtWindows as _;
                set.exclude_from_history().exclude_from_cloud()
            };
            #[cfg(target_os = "macos")]
            let set = {
                use arboard::SetExtApple as _;
                set.exclude_from_history()
            };
            set.text(text).map_err(failed)
        })
    }

    fn put_text(&self, text: &str) -> Result<()> {
        self.with(|clipboard| clipboard.set_text(text).map_err(failed))
    }

    fn text(&self) -> Option<String> {
        self.with(|clipboard| clipboard.get_text().map_err(failed))
            .ok()
    }

    fn clear(&self) -> Result<()> {
        self.with(|clipboard| clipboard.clear().map_err(failed))
    }
}

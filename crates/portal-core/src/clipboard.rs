//! Copying secrets: what the app puts on the clipboard, and when it takes it off again.
//!
//! The system clipboard is behind the small [`Clipboard`] trait (the shell implements it with
//! `arboard`; [`MemoryClipboard`] stands in for tests). [`ClipboardGuard`] holds the rules:
//!
//! - A secret is put there **marked** for clipboard managers ([`Clipboard::put_secret`]: the
//!   password-manager hint on Linux, no history and no cloud sync on Windows, the concealed type
//!   on macOS), so it never lands in a clipboard history or another device.
//! - **One clear timer** always covers the newest secret: each copy replaces the pending clear,
//!   and a clear only fires for the copy that scheduled it. The write and the record of what
//!   was written happen under one lock, so two copies at once cannot leave the record pointing
//!   at the older secret while the clipboard holds the newer one.
//! - A clear empties the clipboard **only while it still holds our secret** (compared by
//!   digest; the text is never kept): if the user copied something else since, it is theirs.
//! - [`ClipboardGuard::clear_if_ours`] runs on lock, sign-out, quit and SIGTERM/SIGINT.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The system clipboard, as the guard needs it.
pub trait Clipboard: Send + Sync + 'static {
    /// Puts `text`, a secret, on the clipboard, marked so that clipboard managers keep it out
    /// of their history and sync.
    fn put_secret(&self, text: &str) -> Result<()>;
    /// Puts `text`, which is not secret (a request id), on the clipboard, unmarked.
    fn put_text(&self, text: &str) -> Result<()>;
    /// What the clipboard holds as text, if anything.
    fn text(&self) -> Option<String>;
    /// Empties the clipboard.
    fn clear(&self) -> Result<()>;
}

/// What the app put on the clipboard and the clear that is pending for it.
pub struct ClipboardGuard {
    clipboard: Arc<dyn Clipboard>,
    state: Arc<Mutex<Owned>>,
}

#[derive(Default)]
struct Owned {
    /// The digest of the secret we put there last, while it may still be there.
    digest: Option<[u8; 32]>,
    /// Counts copies: a timer clears only if no copy came after the one that started it.
    generation: u64,
    timer: Option<tokio::task::JoinHandle<()>>,
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

impl ClipboardGuard {
    /// A guard over `clipboard`.
    pub fn new(clipboard: Arc<dyn Clipboard>) -> Self {
        Self {
            clipboard,
            state: Arc::new(Mutex::new(Owned::default())),
        }
    }

    /// Puts `secret` on the clipboard (marked) and clears it after `clear_after`, unless a later
    /// copy came first (then that copy's timer does). Must be called inside a Tokio runtime.
    pub fn copy_secret(&self, secret: &Secret, clear_after: Duration) -> Result<()> {
        let mut owned = lock(&self.state);
        self.clipboard.put_secret(secret.expose())?;
        owned.digest = Some(digest(secret.expose()));
        owned.generation += 1;
        if let Some(previous) = owned.timer.take() {
            previous.abort();
        }
        let generation = owned.generation;
        let (clipboard, state) = (Arc::clone(&self.clipboard), Arc::clone(&self.state));
        owned.timer = Some(tokio::spawn(async move {
            tokio::time::sleep(clear_after).await;
            let mut owned = lock(&state);
            if owned.generation == generation {
                clear_held(&*clipboard, &mut owned);
            }
        }));
        Ok(())
    }

    /// Puts text that is not a secret on the clipboard (not cleared later). Text that looks like
    /// a partner key or a session token is refused: secrets have their own copy.
    pub fn copy_text(&self, text: &str) -> Result<()> {
        if text.trim_start().starts_with("pk_") || text.trim_start().starts_with("ps_") {
            return Err(Error::invalid(
                "text",
                "Secrets are copied with their own button",
            ));
        }
        let mut owned = lock(&self.state);
        self.clipboard.put_text(text)?;
        // Whatever secret was there is gone; its timer has nothing left to do.
        forget(&mut owned);
        Ok(())
    }

    /// Empties the clipboard now if it still holds the secret we put there, and cancels the
    /// pending clear. Returns whether it emptied it.
    pub fn clear_if_ours(&self) -> bool {
        clear_held(&*self.clipboard, &mut lock(&self.state))
    }

    /// Whether a clear is pending (a secret of ours may be on the clipboard).
    pub fn is_holding(&self) -> bool {
        lock(&self.state).digest.is_some()
    }
}

fn lock(state: &Mutex<Owned>) -> MutexGuard<'_, Owned> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget(owned: &mut Owned) -> Option<[u8; 32]> {
    if let Some(timer) = owned.timer.take() {
        timer.abort();
    }
    owned.digest.take()
}

/// Empties `clipboard` if it holds the secret `owned` records; forgets the record either way.
fn clear_held(clipboard: &dyn Clipboard, owned: &mut Owned) -> bool {
    let Some(ours) = forget(owned) else {
        return false;
    };
    if clipboard.text().is_none_or(|text| digest(&text) != ours) {
        return false;
    }
    match clipboard.clear() {
        Ok(()) => {
            tracing::info!("clipboard cleared");
            true
        }
        Err(error) => {
            tracing::warn!(%error, "could not clear the clipboard");
            false
        }
    }
}

/// A clipboard in memory, for tests: it remembers whether its text was put as a secret.
#[derive(Debug, Default)]
pub struct MemoryClipboard {
    held: Mutex<Option<(String, bool)>>,
}

impl MemoryClipboard {
    /// An empty clipboard.
    pub fn new() -> Self {
        Self::default()
    }

    /// The text held and whether it was marked as a secret.
    pub fn held(&self) -> Option<(String, bool)> {
        self.held.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// What another app copying `text` does.
    pub fn user_copies(&self, text: &str) {
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = Some((text.to_owned(), false));
    }
}

impl Clipboard for MemoryClipboard {
    fn put_secret(&self, text: &str) -> Result<()> {
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = Some((text.to_owned(), true));
        Ok(())
    }

    fn put_text(&self, text: &str) -> Result<()> {
        self.user_copies(text);
        Ok(())
    }

    fn text(&self) -> Option<String> {
        self.held().map(|(text, _)| text)
    }

    fn clear(&self) -> Result<()> {
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> (Arc<MemoryClipboard>, ClipboardGuard) {
        let memory = Arc::new(MemoryClipboard::new());
        let guard = ClipboardGuard::new(memory.clone());
        (memory, guard)
    }

    fn secret(n: u32) -> Secret {
        Secret::new(format!("pk_test_{n:064x}"))
    }

    const SHORT: Duration = Duration::from_millis(40);

    #[tokio::test]
    async fn a_secret_is_marked_and_cleared_after_its_time() {
        let (memory, guard) = guard();
        guard.copy_secret(&secret(1), SHORT).expect("copied");
        let (text, marked) = memory.held().expect("on the clipboard");
        assert!(marked, "a secret is marked for clipboard managers");
        assert_eq!(text, secret(1).expose());
        tokio::time::sleep(SHORT * 3).await;
        assert_eq!(memory.held(), None, "cleared after its time");
        assert!(!guard.is_holding());
    }

    #[tokio::test]
    async fn one_timer_covers_the_newest_of_two_quick_copies() {
        let (memory, guard) = guard();
        guard.copy_secret(&secret(1), SHORT).expect("first");
        tokio::time::sleep(SHORT / 2).await;
        guard.copy_secret(&secret(2), SHORT * 4).expect("second");
        tokio::time::sleep(SHORT * 2).await;
        assert_eq!(
            memory.text().as_deref(),
            Some(secret(2).expose()),
            "the first copy's timer does not clear the second early"
        );
        tokio::time::sleep(SHORT * 4).await;
        assert_eq!(
            memory.held(),
            None,
            "the newest secret is cleared on its time"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn copies_at_the_same_moment_leave_no_secret_uncleared() {
        let (memory, guard) = guard();
        let guard = Arc::new(guard);
        let copiers: Vec<_> = (0..4u32)
            .map(|n| {
                let guard = Arc::clone(&guard);
                tokio::spawn(async move {
                    for i in 0..200 {
                        guard
                            .copy_secret(&secret(n * 1000 + i), Duration::from_secs(60))
                            .expect("copied");
                    }
                })
            })
            .collect();
        for copier in copiers {
            copier.await.expect("copier ran");
        }
        assert!(guard.clear_if_ours(), "the record matches what is there");
        assert_eq!(memory.held(), None, "whichever secret came last is cleared");
    }

    #[tokio::test]
    async fn what_the_user_copied_since_is_theirs() {
        let (memory, guard) = guard();
        guard.copy_secret(&secret(1), SHORT).expect("copied");
        memory.user_copies("a shopping list");
        tokio::time::sleep(SHORT * 3).await;
        assert_eq!(memory.text().as_deref(), Some("a shopping list"));
        guard
            .copy_secret(&secret(2), Duration::from_secs(60))
            .expect("copied");
        guard
            .copy_text("req_01JD3Q4VX2M7P8K9N0R1S2T3V4")
            .expect("a request id");
        assert_eq!(
            memory.held(),
            Some(("req_01JD3Q4VX2M7P8K9N0R1S2T3V4".to_owned(), false)),
            "a request id is not marked"
        );
        assert!(!guard.clear_if_ours(), "nothing of ours is left to clear");
        assert!(
            guard.copy_text(secret(3).expose()).is_err(),
            "a secret never goes through the plain copy"
        );
    }
}

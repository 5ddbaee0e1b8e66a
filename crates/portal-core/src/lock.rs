//! The app lock: after the idle time (or on request) nothing that reads, creates or moves a
//! secret runs until the admin's password is entered again.
//!
//! The rule lives with the services, not the UI: every service that takes a secret out of the
//! keyring, makes a new one or hands one on asks [`AppLock::check`] first (through
//! [`Ctx`](crate::services::Ctx)), so a locked app refuses with `locked` before any request is
//! sent, whatever called it.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// Whether the app is locked. Starts unlocked.
#[derive(Debug, Default)]
pub struct AppLock(AtomicBool);

impl AppLock {
    /// An unlocked lock.
    pub fn new() -> Self {
        Self::default()
    }

    /// Locks: secret-bearing services refuse until [`AppLock::unlock`].
    pub fn lock(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Unlocks (after the password was checked by signing in again).
    pub fn unlock(&self) {
        self.0.store(false, Ordering::SeqCst);
    }

    /// Whether the app is locked.
    pub fn is_locked(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `locked` when locked.
    pub fn check(&self) -> Result<()> {
        if self.is_locked() {
            Err(Error::Locked)
        } else {
            Ok(())
        }
    }
}

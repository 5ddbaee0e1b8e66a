//! One function per user action. The Tauri commands call these and nothing below them.
//!
//! - [`session`]: sign in and out.
//! - [`keys`]: the key lifecycle (create, add, verify, rotate, revoke, leaked, reconcile).
//! - [`domains`]: browsing and acting on domains and customers with one key.
//! - [`activity`]: the server's audit events and the local action log, merged.

pub mod activity;
pub mod domains;
pub mod keys;
pub mod session;

use crate::activity::{Action, ActionEntry, ActionLog};
use crate::api::Client;
use crate::clock::Clock;
use crate::error::Result;
use crate::lock::AppLock;
use crate::model::{ApiKey, KeyId, Timestamp};
use crate::secret::Secret;
use crate::store::Secrets;
use session::Connection;

/// What the signed-in services work with: the session, the secret store, the local action log,
/// the app lock and the clock. Built by the caller for each action; holds only references.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The signed-in session.
    pub session: &'a Connection,
    /// Where secrets are kept.
    pub secrets: &'a Secrets,
    /// The local log of actions.
    pub actions: &'a ActionLog,
    /// The app lock: services that read, create or move a secret refuse while it is locked.
    pub lock: &'a AppLock,
    /// Now.
    pub clock: &'a dyn Clock,
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("partner", &self.session.view().partner.id)
            .finish_non_exhaustive()
    }
}

impl Ctx<'_> {
    /// `locked` while the app is locked: called first by every service that reads a secret
    /// from the keyring, makes a new one or hands one on, so nothing is sent.
    fn unlocked(&self) -> Result<()> {
        self.lock.check()
    }

    /// The client and token, or `session_expired` without a request.
    fn live(&self) -> Result<(&Client, &Secret)> {
        self.session.live(self.clock.now())
    }

    /// The name the secret store files this server's keys under.
    fn store_name(&self) -> String {
        self.session.client().server().store_name()
    }

    /// Appends to the local action log, naming the key (and its environment) when given.
    fn record(
        &self,
        action: Action,
        key: Option<&ApiKey>,
        request_id: Option<&str>,
        note: Option<String>,
    ) {
        let mut entry = self.entry(action, request_id, note);
        if let Some(key) = key {
            entry = entry.with_key(key.id.clone(), key.environment.clone());
        }
        self.append(&entry);
    }

    /// [`Ctx::record`] for a key known only by id.
    fn record_id(
        &self,
        action: Action,
        key_id: &KeyId,
        request_id: Option<&str>,
        note: Option<String>,
    ) {
        let mut entry = self.entry(action, request_id, note);
        entry.key_id = Some(key_id.clone());
        self.append(&entry);
    }

    fn entry(&self, action: Action, request_id: Option<&str>, note: Option<String>) -> ActionEntry {
        let mut entry = ActionEntry::new(Timestamp(self.clock.now()), action)
            .with_request_id(request_id.map(str::to_owned));
        entry.note = note;
        entry
    }

    /// A log that cannot be written must not undo what was done on the server, so a failure is
    /// traced, not returned.
    fn append(&self, entry: &ActionEntry) {
        if let Err(error) = self.actions.append(entry) {
            tracing::warn!(%error, action = ?entry.action, "the local action log could not be written");
        }
    }
}

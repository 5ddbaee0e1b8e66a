//! [`MemoryStore`]: a [`SecretStore`] in a `HashMap`, for tests and for runs with no keyring.
//!
//! It keeps the keyring's semantics (missing = `None`, idempotent delete, per-server listing) and
//! can pretend to be a locked or missing keyring ([`MemoryStore::set_failure`]), so services can
//! test those paths without a real keyring.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::{SecretStore, Slot};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// A keyring failure [`MemoryStore`] can simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFailure {
    /// Every call fails with [`Error::KeyringLocked`].
    Locked,
    /// Every call fails with [`Error::KeyringUnavailable`].
    Unavailable,
}

/// Secrets in memory, gone when the store is dropped.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    secrets: HashMap<Slot, Secret>,
    failure: Option<StoreFailure>,
}

impl MemoryStore {
    /// An empty store that works.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every later call fail as `failure` says (`None`: work again). Stored secrets are
    /// kept, as a real keyring keeps them while it is locked.
    pub fn set_failure(&self, failure: Option<StoreFailure>) {
        self.lock().failure = failure;
    }

    /// How many secrets are stored, on every server.
    pub fn len(&self) -> usize {
        self.lock().secrets.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map half-written, so a poisoned lock is
        // still good to use.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn working(&self) -> Result<MutexGuard<'_, State>> {
        let state = self.lock();
        match state.failure {
            None => Ok(state),
            Some(StoreFailure::Locked) => Err(Error::KeyringLocked),
            Some(StoreFailure::Unavailable) => Err(Error::KeyringUnavailable {
                detail: "simulated by MemoryStore".to_owned(),
            }),
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, slot: &Slot) -> Result<Option<Secret>> {
        Ok(self.working()?.secrets.get(slot).cloned())
    }

    #[tracing::instrument(skip(self, secret), fields(key_id = %slot.key_id))]
    fn set(&self, slot: &Slot, secret: &Secret) -> Result<()> {
        self.working()?.secrets.insert(slot.clone(), secret.clone());
        Ok(())
    }

    fn delete(&self, slot: &Slot) -> Result<()> {
        self.working()?.secrets.remove(slot);
        Ok(())
    }

    fn list(&self, server: &str) -> Result<Vec<Slot>> {
        let state = self.working()?;
        Ok(state
            .secrets
            .keys()
            .filter(|slot| slot.server == server)
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::model::{Environment, KeyId};

    fn slot(server: &str, environment: Environment, id: &str) -> Slot {
        Slot::new(server, environment, KeyId::new(id))
    }

    fn secret(text: &str) -> Secret {
        Secret::new(text.to_owned())
    }

    #[test]
    fn set_get_overwrite_delete_and_delete_again() {
        let store = MemoryStore::new();
        let a = slot("sandbox", Environment::Test, "key_a");
        assert!(store.get(&a).expect("get").is_none(), "nothing stored yet");
        store.set(&a, &secret("pk_test_1")).expect("set");
        store.set(&a, &secret("pk_test_2")).expect("overwrite");
        let read = store.get(&a).expect("get").expect("stored");
        assert_eq!(
            read.expose(),
            "pk_test_2",
            "the second set replaces the first"
        );
        assert_eq!(store.len(), 1);
        store.delete(&a).expect("delete");
        store.delete(&a).expect("deleting a missing entry is fine");
        assert!(store.get(&a).expect("get").is_none());
        assert!(store.is_empty());
    }

    #[test]
    fn server_and_environment_keep_slots_apart() {
        let store = MemoryStore::new();
        let sandbox = slot("sandbox", Environment::Test, "key_same");
        let real = slot("https://api.peeker.ai", Environment::Test, "key_same");
        let live = slot("sandbox", Environment::Live, "key_same");
        store.set(&sandbox, &secret("one")).expect("set");
        store.set(&real, &secret("two")).expect("set");
        store.set(&live, &secret("three")).expect("set");
        let got = store.get(&real).expect("get").expect("stored");
        assert_eq!(
            got.expose(),
            "two",
            "same key id on another server is another slot"
        );
        let mut listed = store.list("sandbox").expect("list");
        listed.sort_by(|a, b| a.environment.as_str().cmp(b.environment.as_str()));
        assert_eq!(listed, vec![live, sandbox], "only the sandbox's slots");
        assert!(store.list("elsewhere").expect("list").is_empty());
    }

    #[test]
    fn simulated_failures_fail_every_call_and_keep_the_secrets() {
        let store = MemoryStore::new();
        let a = slot("sandbox", Environment::Test, "key_a");
        store.set(&a, &secret("pk_test_1")).expect("set");
        store.set_failure(Some(StoreFailure::Locked));
        for result in [
            store.get(&a).map(|_| ()),
            store.set(&a, &secret("x")),
            store.delete(&a),
            store.list("sandbox").map(|_| ()),
        ] {
            let error = result.expect_err("a locked store fails");
            assert_eq!(error.code(), ErrorCode::KeyringLocked);
        }
        store.set_failure(Some(StoreFailure::Unavailable));
        let error = store.get(&a).expect_err("unavailable");
        assert_eq!(error.code(), ErrorCode::KeyringUnavailable);
        store.set_failure(None);
        let kept = store.get(&a).expect("works again").expect("still stored");
        assert_eq!(
            kept.expose(),
            "pk_test_1",
            "a locked keyring keeps its secrets"
        );
    }
}

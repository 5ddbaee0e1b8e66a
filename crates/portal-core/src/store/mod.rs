//! Where secrets are kept: the [`SecretStore`] trait, the OS keyring ([`KeyringStore`]), memory
//! for tests ([`MemoryStore`]) and the async handle services hold ([`Secrets`]).
//!
//! A secret lives in a [`Slot`]: the server the key belongs to, its environment and its key id.
//! The trait is small and synchronous because every keyring backend is blocking; [`Secrets`] runs
//! each call on tokio's blocking pool, so no keyring call ever runs on an async worker thread (the
//! Secret Service can also wait on an unlock prompt for as long as the user takes).
//!
//! Semantics every implementation keeps: a missing entry reads as `Ok(None)`; `delete` of a
//! missing entry is `Ok(())`; a locked keyring is [`Error::KeyringLocked`]; no keyring or access
//! denied is [`Error::KeyringUnavailable`]. No error message ever contains a secret.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Environment, KeyId};
use crate::secret::Secret;

mod index;
mod keyring;
mod memory;

pub use self::index::INDEX_FILE;
pub use self::keyring::KeyringStore;
pub use self::memory::{MemoryStore, StoreFailure};

/// Names one stored secret: which server's key, in which environment, with which id.
///
/// `server` is a stable name of the server the key belongs to (`"sandbox"` for the bundled
/// sandbox, the origin such as `https://api.peeker.ai` for a real one), so the sandbox's keys and a
/// real server's keys are never confused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slot {
    /// The server the key belongs to.
    pub server: String,
    /// The key's environment (part of the keyring service name).
    pub environment: Environment,
    /// The key's id (the keyring account).
    pub key_id: KeyId,
}

impl Slot {
    /// Builds a slot.
    pub fn new(server: impl Into<String>, environment: Environment, key_id: KeyId) -> Self {
        Self {
            server: server.into(),
            environment,
            key_id,
        }
    }
}

/// A place that keeps secrets by [`Slot`]. Blocking and object-safe; call it through
/// [`Secrets`] from async code.
pub trait SecretStore: Send + Sync {
    /// The secret in `slot`, or `None` when nothing is stored there.
    ///
    /// Errors: [`Error::KeyringLocked`], [`Error::KeyringUnavailable`], or [`Error::Internal`]
    /// when the entry cannot be read as text.
    fn get(&self, slot: &Slot) -> Result<Option<Secret>>;

    /// Stores `secret` in `slot`, replacing what was there.
    ///
    /// Errors: as [`SecretStore::get`], plus [`Error::Internal`] when local bookkeeping fails.
    fn set(&self, slot: &Slot, secret: &Secret) -> Result<()>;

    /// Removes the secret in `slot`. Removing a missing entry succeeds (idempotent).
    ///
    /// Errors: as [`SecretStore::set`].
    fn delete(&self, slot: &Slot) -> Result<()>;

    /// The slots this store holds secrets for on `server`, in no promised order.
    ///
    /// Errors: [`Error::Internal`] when local bookkeeping cannot be read.
    fn list(&self, server: &str) -> Result<Vec<Slot>>;
}

/// The async handle services hold: a cheap clone over one shared [`SecretStore`]. Every call runs
/// on tokio's blocking pool, so it needs a tokio runtime.
#[derive(Clone)]
pub struct Secrets {
    store: Arc<dyn SecretStore>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secrets { .. }")
    }
}

impl Secrets {
    /// Wraps a store. Tests keep their own `Arc<MemoryStore>` to flip failures on it.
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self { store }
    }

    /// A handle over the OS keyring, namespaced by `profile` (see [`KeyringStore::new`]).
    pub fn keyring(profile: &crate::profile::Profile) -> Self {
        Self::new(Arc::new(KeyringStore::new(profile)))
    }

    /// A handle over a fresh, empty [`MemoryStore`].
    pub fn in_memory() -> Self {
        Self::new(Arc::new(MemoryStore::new()))
    }

    /// See [`SecretStore::get`].
    #[tracing::instrument(skip(self), fields(key_id = %slot.key_id))]
    pub async fn get(&self, slot: &Slot) -> Result<Option<Secret>> {
        let slot = slot.clone();
        self.run(move |store| store.get(&slot)).await
    }

    /// See [`SecretStore::set`].
    #[tracing::instrument(skip(self, secret), fields(key_id = %slot.key_id))]
    pub async fn set(&self, slot: &Slot, secret: &Secret) -> Result<()> {
        let (slot, secret) = (slot.clone(), secret.clone());
        self.run(move |store| store.set(&slot, &secret)).await
    }

    /// See [`SecretStore::delete`].
    #[tracing::instrument(skip(self), fields(key_id = %slot.key_id))]
    pub async fn delete(&self, slot: &Slot) -> Result<()> {
        let slot = slot.clone();
        self.run(move |store| store.delete(&slot)).await
    }

    /// See [`SecretStore::list`].
    #[tracing::instrument(skip(self))]
    pub async fn list(&self, server: &str) -> Result<Vec<Slot>> {
        let server = server.to_owned();
        self.run(move |store| store.list(&server)).await
    }

    async fn run<T, F>(&self, call: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&dyn SecretStore) -> Result<T> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || call(store.as_ref()))
            .await
            .map_err(|e| Error::Internal(format!("The secret store task failed: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(id: &str) -> Slot {
        Slot::new("sandbox", Environment::Test, KeyId::new(id))
    }

    #[tokio::test]
    async fn the_async_handle_reaches_the_store_and_shares_it_between_clones() {
        let memory = Arc::new(MemoryStore::new());
        let secrets = Secrets::new(memory.clone());
        let copy = secrets.clone();
        secrets
            .set(&slot("key_1"), &Secret::new("pk_test_aa".into()))
            .await
            .expect("memory set");
        let read = copy.get(&slot("key_1")).await.expect("memory get");
        assert_eq!(read.as_ref().map(Secret::expose), Some("pk_test_aa"));
        assert_eq!(
            copy.list("sandbox").await.expect("list"),
            vec![slot("key_1")]
        );
        copy.delete(&slot("key_1")).await.expect("delete");
        assert!(secrets.get(&slot("key_1")).await.expect("get").is_none());
    }

    #[tokio::test]
    async fn failures_of_the_store_come_back_through_the_handle() {
        let memory = Arc::new(MemoryStore::new());
        let secrets = Secrets::new(memory.clone());
        memory.set_failure(Some(StoreFailure::Locked));
        let error = secrets.get(&slot("key_1")).await.expect_err("locked");
        assert_eq!(error.code(), crate::ErrorCode::KeyringLocked);
        assert!(
            format!("{secrets:?}").contains(".."),
            "Debug shows no content"
        );
    }
}

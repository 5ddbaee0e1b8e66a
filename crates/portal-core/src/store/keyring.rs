//! [`KeyringStore`]: secrets in the OS keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) through the `keyring` crate.
//!
//! Entry names: service = [`Profile::keyring_service`] of the slot's environment
//! (`com.partnerportal.desktop[.<profile>].<environment>`), account = the key id. On Linux the
//! entry also carries a `server` attribute and a label naming the key, environment and server, for
//! people looking in a keyring manager. Lookups go by service and account only, which key ids make
//! unique. Because keyrings cannot list their entries, the slots are also recorded in the index
//! file ([`INDEX_FILE`](super::INDEX_FILE)) in the profile's data directory: `set` writes the
//! keyring first, then the index; `delete` removes from both.
//!
//! All methods block (D-Bus round trips, and on a locked keyring the unlock prompt the desktop
//! shows); call them through [`Secrets`](super::Secrets).

use std::sync::{Mutex, MutexGuard};

use ::keyring::Entry;

use super::index::SlotIndex;
use super::{SecretStore, Slot};
use crate::error::{Error, Result};
use crate::model::Environment;
use crate::profile::Profile;
use crate::secret::Secret;

/// The OS keyring, namespaced by a [`Profile`], plus the index of what it holds.
#[derive(Debug)]
pub struct KeyringStore {
    profile: Profile,
    index: SlotIndex,
    /// Serialises writers, so the keyring and the index change together.
    writing: Mutex<()>,
}

impl KeyringStore {
    /// A store whose service names come from `profile` and whose index lives in its data
    /// directory. Nothing is touched until the first call.
    pub fn new(profile: &Profile) -> Self {
        Self {
            profile: profile.clone(),
            index: SlotIndex::new(profile.data_dir()),
            writing: Mutex::new(()),
        }
    }

    /// The keyring service name of an environment's keys.
    pub fn service(&self, environment: &Environment) -> String {
        self.profile.keyring_service(environment.as_str())
    }

    /// Where the index of stored slots is kept (`<data_dir>/keyring-index.json`).
    pub fn index_path(&self) -> &std::path::Path {
        self.index.path()
    }

    fn entry(&self, slot: &Slot) -> Result<Entry> {
        let service = self.service(&slot.environment);
        #[cfg(target_os = "linux")]
        {
            use ::keyring::secret_service::SsCredential;
            let mut credential =
                SsCredential::new_with_target(None, &service, slot.key_id.as_str())
                    .map_err(|e| keyring_error(e, slot))?;
            credential.label = format!(
                "Partner Portal key {} ({}, {})",
                slot.key_id, slot.environment, slot.server
            );
            credential
                .attributes
                .insert("server".to_owned(), slot.server.clone());
            Ok(Entry::new_with_credential(Box::new(credential)))
        }
        #[cfg(not(target_os = "linux"))]
        {
            Entry::new(&service, slot.key_id.as_str()).map_err(|e| keyring_error(e, slot))
        }
    }

    fn lock(&self) -> MutexGuard<'_, ()> {
        self.writing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for KeyringStore {
    #[tracing::instrument(skip(self), fields(key_id = %slot.key_id))]
    fn get(&self, slot: &Slot) -> Result<Option<Secret>> {
        match self.entry(slot)?.get_password() {
            Ok(text) => Ok(Some(Secret::new(text))),
            Err(::keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e, slot)),
        }
    }

    #[tracing::instrument(skip(self, secret), fields(key_id = %slot.key_id))]
    fn set(&self, slot: &Slot, secret: &Secret) -> Result<()> {
        let _writing = self.lock();
        self.entry(slot)?
            .set_password(secret.expose())
            .map_err(|e| keyring_error(e, slot))?;
        self.index.insert(slot)
    }

    #[tracing::instrument(skip(self), fields(key_id = %slot.key_id))]
    fn delete(&self, slot: &Slot) -> Result<()> {
        let _writing = self.lock();
        match self.entry(slot)?.delete_credential() {
            Ok(()) | Err(::keyring::Error::NoEntry) => {}
            Err(e) => return Err(keyring_error(e, slot)),
        }
        self.index.remove(slot)
    }

    fn list(&self, server: &str) -> Result<Vec<Slot>> {
        let _writing = self.lock();
        let mut slots = self.index.load()?;
        slots.retain(|slot| slot.server == server);
        Ok(slots)
    }
}

/// Maps a keyring failure to core's error. Never formats a secret: `BadEncoding` holds the stored
/// bytes, so it gets a fixed message.
fn keyring_error(error: ::keyring::Error, slot: &Slot) -> Error {
    use ::keyring::Error as K;
    // The platform's words for the log: keyring's Display never includes the stored bytes.
    tracing::warn!(key_id = %slot.key_id, error = %error, "keyring call failed");
    match error {
        K::NoStorageAccess(inner) | K::PlatformFailure(inner) if is_locked(inner.as_ref()) => {
            Error::KeyringLocked
        }
        K::NoStorageAccess(inner) | K::PlatformFailure(inner) => Error::KeyringUnavailable {
            detail: inner.to_string(),
        },
        K::NoEntry => Error::Internal(format!("The keyring has no entry for {}", slot.key_id)),
        K::BadEncoding(_) => Error::Internal(format!(
            "The keyring entry of {} is not text; remove it in your keyring manager",
            slot.key_id
        )),
        K::Ambiguous(found) => Error::Internal(format!(
            "{} keyring entries match {}; remove the extra ones in your keyring manager",
            found.len(),
            slot.key_id
        )),
        other => Error::Internal(format!("Keyring error for {}: {other}", slot.key_id)),
    }
}

/// What the platforms say when the keyring is locked or its unlock prompt was refused, for the
/// backends whose errors are not typed here (macOS: `errSecInteractionNotAllowed`, `User canceled
/// the operation`).
const LOCKED_WORDS: &[&str] = &["locked", "interaction is not allowed", "canceled"];

/// Whether a platform error means "locked". On Linux the Secret Service error is matched by
/// type: `Locked` (object locked), `Prompt` (the unlock prompt was dismissed or could not be
/// shown) and the D-Bus error `org.freedesktop.Secret.Error.IsLocked`.
fn is_locked(inner: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    #[cfg(target_os = "linux")]
    if let Some(error) = inner.downcast_ref::<dbus_secret_service::Error>() {
        use dbus_secret_service::Error as Ss;
        return match error {
            Ss::Locked | Ss::Prompt => true,
            Ss::Dbus(e) => e.name() == Some("org.freedesktop.Secret.Error.IsLocked"),
            _ => false,
        };
    }
    let text = inner.to_string().to_lowercase();
    LOCKED_WORDS.iter().any(|word| text.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::model::KeyId;

    fn slot() -> Slot {
        Slot::new("sandbox", Environment::Test, KeyId::new("key_01"))
    }

    fn boxed(text: &str) -> Box<dyn std::error::Error + Send + Sync> {
        Box::new(std::io::Error::other(text.to_owned()))
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn secret_service_errors_map_by_type() {
        use dbus_secret_service::Error as Ss;
        let locked = keyring_error(
            ::keyring::Error::NoStorageAccess(Box::new(Ss::Locked)),
            &slot(),
        );
        assert_eq!(locked.code(), ErrorCode::KeyringLocked);
        let dismissed = keyring_error(
            ::keyring::Error::NoStorageAccess(Box::new(Ss::Prompt)),
            &slot(),
        );
        assert_eq!(
            dismissed.code(),
            ErrorCode::KeyringLocked,
            "a refused unlock is 'locked'"
        );
        let is_locked = dbus::Error::new_custom("org.freedesktop.Secret.Error.IsLocked", "Cannot");
        let dbus_locked = keyring_error(
            ::keyring::Error::PlatformFailure(Box::new(Ss::Dbus(is_locked))),
            &slot(),
        );
        assert_eq!(dbus_locked.code(), ErrorCode::KeyringLocked);
        let no_bus = keyring_error(
            ::keyring::Error::PlatformFailure(Box::new(Ss::Unavailable)),
            &slot(),
        );
        assert_eq!(no_bus.code(), ErrorCode::KeyringUnavailable);
        assert!(
            no_bus
                .to_string()
                .starts_with("No system keyring is available")
        );
    }

    #[test]
    fn other_platforms_map_by_their_words() {
        let canceled = keyring_error(
            ::keyring::Error::PlatformFailure(boxed("User canceled the operation.")),
            &slot(),
        );
        assert_eq!(canceled.code(), ErrorCode::KeyringLocked);
        let denied = keyring_error(
            ::keyring::Error::NoStorageAccess(boxed("access denied")),
            &slot(),
        );
        assert_eq!(denied.code(), ErrorCode::KeyringUnavailable);
        assert!(
            denied.to_string().contains("access denied"),
            "keeps the platform's words"
        );
    }

    #[test]
    fn a_bad_entry_never_shows_its_bytes() {
        let error = keyring_error(
            ::keyring::Error::BadEncoding(b"pk_test_\xff secret".to_vec()),
            &slot(),
        );
        assert_eq!(error.code(), ErrorCode::Internal);
        let text = format!("{error} {error:?}");
        assert!(!text.contains("pk_test"), "the stored bytes leaked: {text}");
        assert!(text.contains("key_01"), "names the key: {text}");
    }

    #[test]
    fn service_names_follow_the_profile() {
        let profile = Profile::new(
            "com.partnerportal.desktop",
            Some("unit".into()),
            std::path::Path::new("/nonexistent"),
            None,
        )
        .expect("valid profile");
        let store = KeyringStore::new(&profile);
        assert_eq!(
            store.service(&Environment::Live),
            "com.partnerportal.desktop.unit.live"
        );
    }
}

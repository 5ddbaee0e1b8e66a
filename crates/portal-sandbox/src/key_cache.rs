//! Valid partner keys, remembered by digest so that a request's authentication costs a hash
//! lookup instead of a database round trip.
//!
//! Correctness rests on one rule: every change that can end a key (revoke, a rotation that
//! revokes or shortens the old key) calls [`KeyCache::invalidate`] *after* its transaction
//! commits. An entry remembers the generation that was current *before* its database read
//! started, so a read racing with a revoke is stored under an old generation and never used.
//! Expiry needs no invalidation: entries keep `expires_at` and are checked against the clock.
//! Unknown keys are not remembered (they always reach the database).

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::auth::PartnerKey;

/// Entries kept at most; past this the cache starts over (a sandbox has a few dozen keys).
const CAPACITY: usize = 10_000;

/// See the module documentation.
#[derive(Debug, Default)]
pub struct KeyCache {
    generation: AtomicU64,
    entries: RwLock<HashMap<Vec<u8>, Entry>>,
}

#[derive(Debug, Clone)]
struct Entry {
    key: PartnerKey,
    expires_at: Option<i64>,
    generation: u64,
}

impl KeyCache {
    /// The generation to pass to [`KeyCache::insert`]; read it before the database lookup.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The key with this secret digest, if it was valid when loaded, nothing has ended a key
    /// since, and it has not expired at `now`.
    pub fn get(&self, digest: &[u8], now: i64) -> Option<PartnerKey> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(digest)?;
        let fresh =
            entry.generation == self.generation() && entry.expires_at.is_none_or(|at| at > now);
        fresh.then(|| entry.key.clone())
    }

    /// Remembers a valid key read from the database at `generation`.
    pub fn insert(
        &self,
        digest: Vec<u8>,
        key: PartnerKey,
        expires_at: Option<i64>,
        generation: u64,
    ) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            digest,
            Entry {
                key,
                expires_at,
                generation,
            },
        );
    }

    /// Forgets every entry: call after committing any change that ends or shortens a key.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PartnerKey {
        PartnerKey {
            id: "key_1".into(),
            partner_id: "org_1".into(),
            environment: "test".into(),
            preset: "read".into(),
            prefix: "pk_test_ab".into(),
            scope_user_id: None,
        }
    }

    #[test]
    fn an_entry_is_served_until_it_expires() {
        let cache = KeyCache::default();
        cache.insert(b"d".to_vec(), key(), Some(100), cache.generation());
        assert_eq!(cache.get(b"d", 99).map(|k| k.id), Some("key_1".into()));
        assert!(cache.get(b"d", 100).is_none(), "expired at its expires_at");
        assert!(cache.get(b"other", 0).is_none());
    }

    #[test]
    fn invalidation_drops_entries_even_those_read_before_it() {
        let cache = KeyCache::default();
        cache.insert(b"d".to_vec(), key(), None, cache.generation());
        let before_a_revoke = cache.generation();
        cache.invalidate();
        assert!(cache.get(b"d", 0).is_none(), "invalidated");
        // A lookup that started before the revoke committed must not be trusted.
        cache.insert(b"d".to_vec(), key(), None, before_a_revoke);
        assert!(
            cache.get(b"d", 0).is_none(),
            "stale read stored under an old generation"
        );
        cache.insert(b"d".to_vec(), key(), None, cache.generation());
        assert!(cache.get(b"d", 0).is_some());
    }
}

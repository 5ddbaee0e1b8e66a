//! Where this computer's stored secrets and the server's keys disagree, and cleaning up.

use std::collections::HashSet;

use serde::Serialize;

use super::{all_keys, stored_ids};
use crate::activity::Action;
use crate::error::Result;
use crate::model::{ApiKey, KeyFilter, KeyId, KeyStatus};
use crate::services::Ctx;

/// Where the keyring and the server disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Reconciliation {
    /// Stored secrets of keys that are revoked or expired: safe to remove.
    pub stale: Vec<ApiKey>,
    /// Active keys whose secret this computer does not hold.
    pub missing: Vec<ApiKey>,
    /// Stored secrets of keys the server does not know (deleted, or another partner's).
    pub unknown: Vec<KeyId>,
}

/// Compares the stored secrets with the server's keys.
pub async fn reconcile(ctx: &Ctx<'_>) -> Result<Reconciliation> {
    let keys = all_keys(ctx, &KeyFilter::default()).await?;
    let stored = stored_ids(ctx).await?;
    let known: HashSet<&KeyId> = keys.iter().map(|k| &k.id).collect();
    let mut unknown: Vec<KeyId> = stored
        .iter()
        .filter(|id| !known.contains(id))
        .cloned()
        .collect();
    unknown.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    let (mut stale, mut missing) = (Vec::new(), Vec::new());
    for key in keys {
        match (&key.status, stored.contains(&key.id)) {
            (KeyStatus::Active, false) => missing.push(key),
            (KeyStatus::Revoked | KeyStatus::Expired, true) => stale.push(key),
            _ => {}
        }
    }
    Ok(Reconciliation {
        stale,
        missing,
        unknown,
    })
}

/// Removes the stored secrets of `key_ids` (the stale and unknown ones [`reconcile`] found).
/// Ids the store does not hold are skipped.
pub async fn purge(ctx: &Ctx<'_>, key_ids: &[KeyId]) -> Result<u32> {
    let wanted: HashSet<&KeyId> = key_ids.iter().collect();
    let mut removed = 0;
    for slot in ctx.secrets.list(&ctx.store_name()).await? {
        if wanted.contains(&slot.key_id) {
            ctx.secrets.delete(&slot).await?;
            ctx.record_id(Action::RemovedFromKeyring, &slot.key_id, None, None);
            removed += 1;
        }
    }
    Ok(removed)
}

//! Rotating a key without downtime, revoking one, and the "key leaked" path.

use serde::Serialize;

use super::{Stored, forget, store_new};
use crate::activity::Action;
use crate::error::Result;
use crate::model::{ApiKey, KeyId, KeyStatus};
use crate::secret::RevealedSecret;
use crate::services::Ctx;

/// What happens to the old key of a rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OldKey {
    /// Stays active until revoked by hand.
    KeepUntilRevoked,
    /// Stops working after this many seconds (at most 7 days).
    ExpireIn {
        /// Seconds from now.
        seconds: u32,
    },
    /// Revoked at once.
    RevokeNow,
}

impl OldKey {
    fn seconds(self) -> Option<u32> {
        match self {
            OldKey::KeepUntilRevoked => None,
            OldKey::ExpireIn { seconds } => Some(seconds),
            OldKey::RevokeNow => Some(0),
        }
    }
}

/// A rotation's outcome.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rotated {
    /// The replacement.
    pub key: ApiKey,
    /// The old key as the rotation left it.
    pub replaced: ApiKey,
    /// The replacement's secret, for the reveal step only.
    pub reveal: RevealedSecret,
    /// Whether the replacement's secret was saved to the keyring.
    pub stored: Stored,
    /// The request id of the rotate call.
    pub request_id: Option<String>,
}

/// Rotates a key: a replacement with the same label, environment, preset and scope, and the old
/// key kept, expiring or revoked as `old` says. The new secret is stored when `save`; the old
/// one stays stored until the old key is revoked (at once with [`OldKey::RevokeNow`]) or
/// [`reconcile`] finds it expired.
pub async fn rotate(ctx: &Ctx<'_>, key_id: &KeyId, old: OldKey, save: bool) -> Result<Rotated> {
    ctx.unlocked()?;
    let (client, token) = ctx.live()?;
    let reply = client.rotate_key(token, key_id, old.seconds()).await?;
    let rotated = reply.data;
    let note = match old {
        OldKey::KeepUntilRevoked => "old key kept until revoked".to_owned(),
        OldKey::ExpireIn { seconds } => format!("old key expires in {seconds} s"),
        OldKey::RevokeNow => "old key revoked at once".to_owned(),
    };
    ctx.record(
        Action::Rotated,
        Some(&rotated.replaced),
        reply.request_id.as_deref(),
        Some(note),
    );
    if rotated.replaced.status == KeyStatus::Revoked {
        forget(ctx, &rotated.replaced).await;
    }
    let stored = store_new(ctx, &rotated.api_key, &rotated.secret, save).await;
    Ok(Rotated {
        reveal: RevealedSecret::new(rotated.api_key.id.clone(), rotated.secret),
        key: rotated.api_key,
        replaced: rotated.replaced,
        stored,
        request_id: reply.request_id,
    })
}

/// Revokes a key (effective on its very next request; revoking twice is fine) and removes its
/// stored secret.
pub async fn revoke(ctx: &Ctx<'_>, key_id: &KeyId) -> Result<ApiKey> {
    let (client, token) = ctx.live()?;
    let reply = client.revoke_key(token, key_id).await?;
    ctx.record(
        Action::Revoked,
        Some(&reply.data),
        reply.request_id.as_deref(),
        None,
    );
    forget(ctx, &reply.data).await;
    Ok(reply.data)
}

/// "This key leaked": a replacement is made and stored, the old key is revoked at once and its
/// stored secret removed, and the incident is recorded. (The app clears the clipboard too.)
pub async fn key_leaked(ctx: &Ctx<'_>, key_id: &KeyId) -> Result<Rotated> {
    ctx.unlocked()?;
    let rotated = rotate(ctx, key_id, OldKey::RevokeNow, true).await?;
    ctx.record(
        Action::Leaked,
        Some(&rotated.replaced),
        rotated.request_id.as_deref(),
        Some(format!("replaced by {}", rotated.key.id)),
    );
    Ok(rotated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_key_choices_map_to_the_api() {
        assert_eq!(OldKey::KeepUntilRevoked.seconds(), None);
        assert_eq!(OldKey::ExpireIn { seconds: 3600 }.seconds(), Some(3600));
        assert_eq!(OldKey::RevokeNow.seconds(), Some(0));
    }
}

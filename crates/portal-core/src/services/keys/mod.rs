//! The key lifecycle: list, create, add an existing key, verify, usage and copying a stored
//! secret here; rotate, revoke and "key leaked" in [`rotation`]; reconcile and purge in
//! [`reconcile`]. One function per user action.
//!
//! Every function takes a [`Ctx`]: the signed-in session, the secret store, the local action
//! log and the clock. The secret of a new key goes into a [`RevealedSecret`] (shown once) and,
//! when asked, into the store; a failure to store it never loses it: the result says it was not
//! stored and why, and the reveal still carries it.

use std::collections::HashSet;
use std::time::Instant;

use futures_util::TryStreamExt as _;
use serde::Serialize;

mod reconcile;
mod rotation;

pub use reconcile::{Reconciliation, purge, reconcile};
pub use rotation::{OldKey, Rotated, key_leaked, revoke, rotate};

use super::Ctx;
use crate::activity::Action;
use crate::api::portal::NewKey;
use crate::error::{Error, IpcError, Result};
use crate::model::{
    ApiKey, Environment, KeyFilter, KeyId, KeyStatus, Partner, Preset, Scope, Usage, UsageWindow,
};
use crate::secret::{RevealedSecret, Secret, parse_partner_key};
use crate::store::Slot;

/// Longest label the API accepts.
const LABEL_MAX: usize = 64;

/// A key and whether this computer's keyring holds its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyView {
    /// The key as the server describes it.
    pub key: ApiKey,
    /// Whether the secret store holds its secret.
    pub stored: bool,
}

/// Whether a new secret made it into the secret store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Stored {
    /// It did.
    pub saved: bool,
    /// Why not, when saving was asked for and failed (e.g. a locked keyring).
    pub error: Option<IpcError>,
}

/// A new key, its one-time reveal and where its secret went.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Created {
    /// The new key.
    pub key: ApiKey,
    /// The secret, for the reveal step only.
    pub reveal: RevealedSecret,
    /// Whether it was saved to the keyring.
    pub stored: Stored,
    /// The request id of the create call.
    pub request_id: Option<String>,
}

/// What `GET /me` said about a key, and how fast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Verification {
    /// The environment the server says the key works on.
    pub environment: Environment,
    /// What the server says the key may do.
    pub preset: Preset,
    /// Whom it sees, when the server says.
    pub scope: Option<Scope>,
    /// Its partner.
    pub partner: Partner,
    /// Round trip of `GET /me`, in milliseconds.
    pub latency_ms: u32,
    /// The request id of `GET /me`.
    pub request_id: Option<String>,
}

/// Every key of the partner matching `filter`, with whether the keyring holds each secret.
pub async fn list(ctx: &Ctx<'_>, filter: &KeyFilter) -> Result<Vec<KeyView>> {
    let keys = all_keys(ctx, filter).await?;
    let stored = stored_ids(ctx).await?;
    Ok(keys
        .into_iter()
        .map(|key| KeyView {
            stored: stored.contains(&key.id),
            key,
        })
        .collect())
}

/// Creates a key. The label is checked here first (1 to 64 characters after trimming, no
/// control characters); the server checks the rest. With `save`, the secret is stored at once.
pub async fn create(ctx: &Ctx<'_>, mut new: NewKey, save: bool) -> Result<Created> {
    ctx.unlocked()?;
    new.label = check_label(&new.label)?;
    let (client, token) = ctx.live()?;
    let reply = client.create_key(token, &new).await?;
    let created = reply.data;
    let key = created.api_key;
    ctx.record(
        Action::Created,
        Some(&key),
        reply.request_id.as_deref(),
        None,
    );
    let stored = store_new(ctx, &key, &created.secret, save).await;
    Ok(Created {
        reveal: RevealedSecret::new(key.id.clone(), created.secret),
        key,
        stored,
        request_id: reply.request_id,
    })
}

/// The label of keys made for browsing domains (a number is added when it is taken).
pub const BROWSING_LABEL: &str = "Domain browsing";

/// Creates a `read` key for browsing domains in `environment` and stores its secret at once,
/// without revealing it: the browser is its only user. When the keyring refuses the secret, the
/// key (which nobody could use) is revoked and the keyring's error returned.
pub async fn create_browsing_key(ctx: &Ctx<'_>, environment: Environment) -> Result<KeyView> {
    ctx.unlocked()?;
    let mut attempt = 1;
    let created = loop {
        let label = match attempt {
            1 => BROWSING_LABEL.to_owned(),
            n => format!("{BROWSING_LABEL} {n}"),
        };
        let new = NewKey {
            label,
            environment: environment.clone(),
            preset: Preset::Read,
            scope: None,
            expires_at: None,
        };
        match create(ctx, new, false).await {
            Err(error) if is_label_taken(&error) && attempt < 10 => attempt += 1,
            other => break other?,
        }
    };
    let key = created.key;
    if let Err(error) = ctx
        .secrets
        .set(&ctx.slot(&key), created.reveal.secret())
        .await
    {
        if let Err(revoke_error) = revoke(ctx, &key.id).await {
            tracing::warn!(key_id = %key.id, code = ?revoke_error.code(), "unstored browsing key left active");
        }
        return Err(error);
    }
    ctx.record(Action::Stored, Some(&key), None, None);
    Ok(KeyView { key, stored: true })
}

/// A 409 on the label: another active key of the environment has it.
fn is_label_taken(error: &Error) -> bool {
    error.code() == crate::error::ErrorCode::Conflict && error.field() == Some("label")
}

/// Adds a key made elsewhere: checks the pasted text locally, verifies it with `GET /me`,
/// finds it among the signed-in partner's keys and stores its secret.
pub async fn add_existing(ctx: &Ctx<'_>, pasted: Secret) -> Result<KeyView> {
    ctx.unlocked()?;
    let (secret, environment) = parse_partner_key(pasted)?;
    let (client, _) = ctx.live()?;
    let me = client.me(&secret).await?;
    if me.data.partner.id != ctx.session.view().partner.id {
        return Err(Error::invalid(
            "secret",
            format!(
                "This key belongs to {}, not to the partner you are signed in to",
                me.data.partner.name
            ),
        ));
    }
    let text = secret.expose();
    let (prefix, last_four) = (&text[..24], &text[text.len() - 4..]);
    let filter = KeyFilter {
        environment: Some(environment),
        status: Some(KeyStatus::Active),
    };
    let key = all_keys(ctx, &filter)
        .await?
        .into_iter()
        .find(|k| k.prefix == prefix && k.last_four == last_four)
        .ok_or_else(|| {
            Error::invalid(
                "secret",
                "The server accepts this key, but it is not among this partner's active keys",
            )
        })?;
    ctx.secrets.set(&ctx.slot(&key), &secret).await?;
    ctx.record(Action::Added, Some(&key), me.request_id.as_deref(), None);
    Ok(KeyView { key, stored: true })
}

/// Verifies a stored key with `GET /me`: environment, preset, partner, latency and request id.
/// A revoked or expired key comes back as `unauthorized` with the request id of the 401.
pub async fn verify(ctx: &Ctx<'_>, key_id: &KeyId) -> Result<Verification> {
    let secret = stored_secret(ctx, key_id).await?;
    let (client, _) = ctx.live()?;
    let started = Instant::now();
    let outcome = client.me(&secret).await;
    let latency_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
    let note = match &outcome {
        Ok(_) => format!("accepted in {latency_ms} ms"),
        Err(e) => format!("refused: {}", e.code().as_str()),
    };
    let request_id = match &outcome {
        Ok(reply) => reply.request_id.clone(),
        Err(e) => e.request_id().map(str::to_owned),
    };
    ctx.record_id(Action::Verified, key_id, request_id.as_deref(), Some(note));
    let reply = outcome?;
    Ok(Verification {
        environment: reply.data.api_key.environment,
        preset: reply.data.api_key.permission_preset,
        scope: reply.data.api_key.scope,
        partner: reply.data.partner,
        latency_ms,
        request_id: reply.request_id,
    })
}

/// One key, with whether the keyring holds its secret.
pub async fn get(ctx: &Ctx<'_>, key_id: &KeyId) -> Result<KeyView> {
    let (client, token) = ctx.live()?;
    let key = client.key(token, key_id).await?.data;
    let stored = ctx.secrets.get(&ctx.slot(&key)).await?.is_some();
    Ok(KeyView { key, stored })
}

/// Saves a just-revealed secret to the keyring (the reveal step's "Save" toggle, or a retry
/// after a locked keyring).
pub async fn save_secret(ctx: &Ctx<'_>, key: &ApiKey, secret: &Secret) -> Result<()> {
    ctx.unlocked()?;
    ctx.secrets.set(&ctx.slot(key), secret).await?;
    ctx.record(Action::Stored, Some(key), None, None);
    Ok(())
}

/// Removes a key's secret from the keyring (the reveal step's "Save" toggle turned off).
/// Removing a secret that is not there is fine.
pub async fn forget_secret(ctx: &Ctx<'_>, key: &ApiKey) -> Result<()> {
    ctx.secrets.delete(&ctx.slot(key)).await?;
    ctx.record(Action::RemovedFromKeyring, Some(key), None, None);
    Ok(())
}

/// The customers a key of `environment` stored on this computer can see, for the scope picker:
/// with an `@` in `query`, the one customer with that email (the API matches it exactly,
/// ignoring case); otherwise the first `limit` active customers whose email or name contains
/// `query` (ignoring case), read page by page. Needs a stored, active, partner-wide key of that
/// environment (`secret_not_stored` otherwise): customers are a partner-API resource.
pub async fn customers(
    ctx: &Ctx<'_>,
    environment: &crate::model::Environment,
    query: &str,
    limit: usize,
) -> Result<Vec<crate::model::User>> {
    ctx.unlocked()?;
    use crate::model::{ScopeKind, UserFilter, UserStatus};
    let (client, _) = ctx.live()?;
    let wanted = KeyFilter {
        environment: Some(environment.clone()),
        status: Some(KeyStatus::Active),
    };
    let stored = stored_ids(ctx).await?;
    let browsing_key = all_keys(ctx, &wanted)
        .await?
        .into_iter()
        .find(|k| k.scope.kind == ScopeKind::Partner && stored.contains(&k.id))
        .ok_or_else(|| Error::SecretNotStored {
            key_id: KeyId::new(format!("any partner-wide {environment} key")),
        })?;
    let secret = stored_secret(ctx, &browsing_key.id).await?;
    let query = query.trim().to_lowercase();
    let filter = UserFilter {
        email: query.contains('@').then(|| query.clone()),
        status: Some(UserStatus::Active),
    };
    let mut pages = std::pin::pin!(
        client.pages::<crate::model::User>(client.users_call(&secret, &filter, 100))
    );
    let mut found = Vec::new();
    while found.len() < limit {
        let Some(page) = pages.try_next().await? else {
            break;
        };
        found.extend(page.items.into_iter().filter(|u| {
            let name = format!(
                "{} {}",
                u.first_name.as_deref().unwrap_or_default(),
                u.last_name.as_deref().unwrap_or_default()
            );
            query.is_empty()
                || u.email.to_lowercase().contains(&query)
                || name.to_lowercase().contains(&query)
        }));
    }
    found.truncate(limit);
    Ok(found)
}

/// A key's requests over `window`.
pub async fn usage(ctx: &Ctx<'_>, key_id: &KeyId, window: &UsageWindow) -> Result<Usage> {
    let (client, token) = ctx.live()?;
    Ok(client.key_usage(token, key_id, window).await?.data)
}

/// The stored secret of a key, for the clipboard; recorded as copied.
pub async fn copy_secret(ctx: &Ctx<'_>, key_id: &KeyId) -> Result<Secret> {
    let secret = stored_secret(ctx, key_id).await?;
    ctx.record_id(Action::Copied, key_id, None, None);
    Ok(secret)
}

/// The ids of the keys whose secret the store holds for this server.
pub(super) async fn stored_ids(ctx: &Ctx<'_>) -> Result<HashSet<KeyId>> {
    let slots = ctx.secrets.list(&ctx.store_name()).await?;
    Ok(slots.into_iter().map(|slot| slot.key_id).collect())
}

/// The stored secret of `key_id`, or `secret_not_stored`; `locked` while the app is locked.
pub async fn stored_secret(ctx: &Ctx<'_>, key_id: &KeyId) -> Result<Secret> {
    ctx.unlocked()?;
    let slot = ctx
        .secrets
        .list(&ctx.store_name())
        .await?
        .into_iter()
        .find(|slot| &slot.key_id == key_id)
        .ok_or_else(|| Error::SecretNotStored {
            key_id: key_id.clone(),
        })?;
    ctx.secrets
        .get(&slot)
        .await?
        .ok_or_else(|| Error::SecretNotStored {
            key_id: key_id.clone(),
        })
}

/// Every page of `GET /api_keys` with `filter`.
pub(super) async fn all_keys(ctx: &Ctx<'_>, filter: &KeyFilter) -> Result<Vec<ApiKey>> {
    let (client, token) = ctx.live()?;
    let pages = client.pages::<ApiKey>(client.keys_call(token, filter, 100));
    let pages: Vec<_> = pages
        .map_err(crate::api::portal::session_error)
        .try_collect()
        .await?;
    Ok(pages.into_iter().flat_map(|p| p.items).collect())
}

/// Saves a new secret when asked; a failure is reported, not raised (the key exists now).
pub(super) async fn store_new(ctx: &Ctx<'_>, key: &ApiKey, secret: &Secret, save: bool) -> Stored {
    if !save {
        return Stored {
            saved: false,
            error: None,
        };
    }
    match ctx.secrets.set(&ctx.slot(key), secret).await {
        Ok(()) => {
            ctx.record(Action::Stored, Some(key), None, None);
            Stored {
                saved: true,
                error: None,
            }
        }
        Err(error) => {
            tracing::warn!(key_id = %key.id, code = ?error.code(), "new secret not stored");
            Stored {
                saved: false,
                error: Some(IpcError::from(&error)),
            }
        }
    }
}

/// Removes a dead key's stored secret; a failure is logged (reconcile will find it again).
pub(super) async fn forget(ctx: &Ctx<'_>, key: &ApiKey) {
    match ctx.secrets.delete(&ctx.slot(key)).await {
        Ok(()) => ctx.record(Action::RemovedFromKeyring, Some(key), None, None),
        Err(error) => {
            tracing::warn!(key_id = %key.id, code = ?error.code(), "stored secret not removed");
        }
    }
}

/// The label as the API will compare it: trimmed, 1..=64 characters, no control characters.
fn check_label(label: &str) -> Result<String> {
    let label = label.trim();
    if label.is_empty() {
        return Err(Error::invalid("label", "Give the key a label"));
    }
    if label.chars().count() > LABEL_MAX {
        return Err(Error::invalid(
            "label",
            format!("Labels are at most {LABEL_MAX} characters"),
        ));
    }
    if label.chars().any(char::is_control) {
        return Err(Error::invalid(
            "label",
            "Labels cannot contain line breaks or other control characters",
        ));
    }
    Ok(label.to_owned())
}

impl Ctx<'_> {
    pub(super) fn slot(&self, key: &ApiKey) -> Slot {
        Slot::new(self.store_name(), key.environment.clone(), key.id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_and_bounded() {
        assert_eq!(check_label("  CI deploys ").expect("fine"), "CI deploys");
        assert_eq!(
            check_label(&"é".repeat(64))
                .expect("64 characters")
                .chars()
                .count(),
            64
        );
        for bad in ["", "   ", "line\nbreak"] {
            assert_eq!(check_label(bad).expect_err(bad).field(), Some("label"));
        }
        assert!(check_label(&"x".repeat(65)).is_err());
    }
}

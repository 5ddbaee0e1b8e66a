//! The Activity view: the server's audit events and this app's local action log, together,
//! newest first, optionally for one key.

use futures_util::TryStreamExt as _;
use serde::Serialize;

use super::Ctx;
use crate::activity::ActionEntry;
use crate::error::Result;
use crate::model::{AuditEvent, KeyId, Timestamp};

/// One line of the Activity view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum ActivityItem {
    /// From the server's audit log.
    Server {
        /// The event.
        event: AuditEvent,
    },
    /// From this computer's action log.
    Local {
        /// The entry.
        entry: ActionEntry,
    },
}

impl ActivityItem {
    /// When it happened.
    pub fn at(&self) -> Timestamp {
        match self {
            ActivityItem::Server { event } => event.at,
            ActivityItem::Local { entry } => entry.at,
        }
    }
}

/// Records an action the app shell performed itself (e.g. copying a secret from the reveal step
/// to the clipboard, or clearing the clipboard after a leak).
pub fn record(
    ctx: &Ctx<'_>,
    action: crate::activity::Action,
    key_id: &KeyId,
    note: Option<String>,
) {
    ctx.record_id(action, key_id, None, note);
}

/// The newest `limit` items of both logs, newest first, for one key or all.
pub async fn recent(ctx: &Ctx<'_>, key: Option<&KeyId>, limit: usize) -> Result<Vec<ActivityItem>> {
    let (client, token) = ctx.live()?;
    let mut server = Vec::new();
    let mut pages = std::pin::pin!(
        client
            .pages::<AuditEvent>(client.audit_call(token, key, 100))
            .map_err(crate::api::portal::session_error)
    );
    while server.len() < limit {
        match pages.try_next().await? {
            Some(page) => server.extend(page.items),
            None => break,
        }
    }
    let actions = ctx.actions.clone();
    let key = key.cloned();
    let local = tokio::task::spawn_blocking(move || actions.read(key.as_ref(), limit))
        .await
        .map_err(|e| crate::Error::Internal(format!("reading the action log failed: {e}")))??;
    let mut items: Vec<ActivityItem> = server
        .into_iter()
        .map(|event| ActivityItem::Server { event })
        .chain(local.into_iter().map(|entry| ActivityItem::Local { entry }))
        .collect();
    items.sort_by_key(|item| std::cmp::Reverse(item.at()));
    items.truncate(limit);
    Ok(items)
}

//! The key lifecycle: each command unpacks its arguments and calls one `portal-core` service.
//! Create and rotate also keep the new secret for the reveal step (see [`super::reveal`]).

use portal_core::Secret;
use portal_core::api::portal::NewKey;
use portal_core::model::{
    ApiKey, Environment, KeyFilter, KeyId, Preset, Scope, Timestamp, Usage, UsageWindow, User,
    UserId,
};
use portal_core::services::keys::{
    self, Created, KeyView, OldKey, Reconciliation, Rotated, Verification,
};
use serde::Deserialize;
use specta::Type;
use tauri::State;

use super::Answer;
use crate::state::AppState;

/// The create-key wizard's answers.
#[derive(Debug, Deserialize, Type)]
pub struct CreateKeyRequest {
    /// 1 to 64 characters.
    pub label: String,
    /// Live or test.
    pub environment: Environment,
    /// Full, limited or read.
    pub preset: Preset,
    /// One customer, or the whole partner when absent.
    pub customer: Option<UserId>,
    /// When the key stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// Save the secret to this computer's keyring at once.
    pub save: bool,
}

/// Every key matching `filter`, with whether the keyring holds its secret.
#[tauri::command]
#[specta::specta]
pub async fn list_keys(state: State<'_, AppState>, filter: KeyFilter) -> Answer<Vec<KeyView>> {
    Ok(state
        .with_ctx(async |ctx| keys::list(ctx, &filter).await)
        .await?)
}

/// One key.
#[tauri::command]
#[specta::specta]
pub async fn get_key(state: State<'_, AppState>, key_id: KeyId) -> Answer<KeyView> {
    Ok(state
        .with_ctx(async |ctx| keys::get(ctx, &key_id).await)
        .await?)
}

/// Creates a key; its secret goes to the reveal step (and the keyring when `save`).
#[tauri::command]
#[specta::specta]
pub async fn create_key(state: State<'_, AppState>, request: CreateKeyRequest) -> Answer<Created> {
    let new = NewKey {
        label: request.label,
        environment: request.environment,
        preset: request.preset,
        scope: request.customer.map(Scope::user),
        expires_at: request.expires_at,
    };
    let created = state
        .with_ctx(async |ctx| keys::create(ctx, new, request.save).await)
        .await?;
    state
        .keep_reveal(&created.key, created.reveal.secret())
        .await;
    Ok(created)
}

/// Adds a key made elsewhere: checked, verified with `GET /me`, stored.
#[tauri::command]
#[specta::specta]
pub async fn add_existing_key(state: State<'_, AppState>, secret: Secret) -> Answer<KeyView> {
    Ok(state
        .with_ctx(async |ctx| keys::add_existing(ctx, secret).await)
        .await?)
}

/// `GET /me` with the stored secret: environment, preset, partner, latency, request id.
#[tauri::command]
#[specta::specta]
pub async fn verify_key(state: State<'_, AppState>, key_id: KeyId) -> Answer<Verification> {
    Ok(state
        .with_ctx(async |ctx| keys::verify(ctx, &key_id).await)
        .await?)
}

/// Rotates a key; the new secret goes to the reveal step.
#[tauri::command]
#[specta::specta]
pub async fn rotate_key(
    state: State<'_, AppState>,
    key_id: KeyId,
    old_key: OldKey,
    save: bool,
) -> Answer<Rotated> {
    let rotated = state
        .with_ctx(async |ctx| keys::rotate(ctx, &key_id, old_key, save).await)
        .await?;
    state
        .keep_reveal(&rotated.key, rotated.reveal.secret())
        .await;
    Ok(rotated)
}

/// Revokes a key at once and removes its stored secret.
#[tauri::command]
#[specta::specta]
pub async fn revoke_key(state: State<'_, AppState>, key_id: KeyId) -> Answer<ApiKey> {
    Ok(state
        .with_ctx(async |ctx| keys::revoke(ctx, &key_id).await)
        .await?)
}

/// "This key leaked": replacement made and stored, old key revoked, clipboard cleared.
#[tauri::command]
#[specta::specta]
pub async fn key_leaked(state: State<'_, AppState>, key_id: KeyId) -> Answer<Rotated> {
    let rotated = state
        .with_ctx(async |ctx| keys::key_leaked(ctx, &key_id).await)
        .await?;
    state.clipboard.clear_if_ours();
    state
        .keep_reveal(&rotated.key, rotated.reveal.secret())
        .await;
    Ok(rotated)
}

/// Where the keyring and the server disagree.
#[tauri::command]
#[specta::specta]
pub async fn reconcile_keys(state: State<'_, AppState>) -> Answer<Reconciliation> {
    Ok(state
        .with_ctx(async |ctx| keys::reconcile(ctx).await)
        .await?)
}

/// Removes the stored secrets of these keys; returns how many were removed.
#[tauri::command]
#[specta::specta]
pub async fn purge_secrets(state: State<'_, AppState>, key_ids: Vec<KeyId>) -> Answer<u32> {
    Ok(state
        .with_ctx(async |ctx| keys::purge(ctx, &key_ids).await)
        .await?)
}

/// A key's requests over a window.
#[tauri::command]
#[specta::specta]
pub async fn key_usage(
    state: State<'_, AppState>,
    key_id: KeyId,
    window: UsageWindow,
) -> Answer<Usage> {
    Ok(state
        .with_ctx(async |ctx| keys::usage(ctx, &key_id, &window).await)
        .await?)
}

/// Customers of an environment whose email or name contains `query` (at most 20).
#[tauri::command]
#[specta::specta]
pub async fn search_customers(
    state: State<'_, AppState>,
    environment: Environment,
    query: String,
) -> Answer<Vec<User>> {
    Ok(state
        .with_ctx(async |ctx| keys::customers(ctx, &environment, &query, 20).await)
        .await?)
}

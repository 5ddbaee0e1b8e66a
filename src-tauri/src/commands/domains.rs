//! Browsing domains with one stored key: the scan that streams pages to the UI over a channel
//! (with pause, resume and cancel; the scan itself is `portal-core`'s), stats, detail,
//! customers, availability, forwarding and the CSV export. Each command names the key it browses with; the [`Browser`] for it is opened
//! from the keyring once and kept (see [`AppState::browser`]).

use futures_util::StreamExt as _;
use portal_core::Error;
use portal_core::export::write_domains_csv;
use portal_core::model::{
    Availability, Domain, DomainFilter, DomainId, Environment, ForwardingJob, KeyId, Me, User,
    UserFilter,
};
use portal_core::services::domains::{ForwardingProgress, ScanControl, ScanEvent, StatsAnswer};
use portal_core::services::keys::{self, KeyView};
use serde::Serialize;
use specta::Type;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt as _;

use super::Answer;
use crate::state::AppState;

/// The key a browser works with, as the domains screen shows it.
#[derive(Debug, Serialize, Type)]
pub struct BrowseInfo {
    /// The key.
    pub key_id: KeyId,
    /// What `GET /me` said: environment, preset, scope, partner.
    pub me: Me,
    /// Whether the preset allows availability checks (limited and full).
    pub can_check_availability: bool,
    /// Whether the preset allows setting forwarding (full).
    pub can_set_forwarding: bool,
    /// The client's own budget for this key, in requests per minute (`null`: none).
    pub rate_limit_per_minute: Option<u32>,
}

/// Opens the browser for a stored key: its secret from the keyring, checked with `GET /me`.
#[tauri::command]
#[specta::specta]
pub async fn open_browser(state: State<'_, AppState>, key_id: KeyId) -> Answer<BrowseInfo> {
    let browser = state.open_browser(&key_id).await?;
    let preset = browser.preset();
    Ok(BrowseInfo {
        key_id,
        can_check_availability: preset.can_check_availability(),
        can_set_forwarding: preset.can_set_forwarding(),
        me: browser.me().clone(),
        rate_limit_per_minute: browser.rate_limit_per_minute(),
    })
}

/// Creates a `read` key for browsing `environment`, stored straight in the keyring.
#[tauri::command]
#[specta::specta]
pub async fn create_browsing_key(
    state: State<'_, AppState>,
    environment: Environment,
) -> Answer<KeyView> {
    Ok(state
        .with_ctx(async |ctx| keys::create_browsing_key(ctx, environment).await)
        .await?)
}

/// Starts reading every page of `GET /domains` with `filter`; the pages go to `events` as they
/// arrive. Returns the scan's id for [`control_scan`]. Starting a scan cancels the others.
#[tauri::command]
#[specta::specta]
pub async fn scan_domains(
    state: State<'_, AppState>,
    key_id: KeyId,
    filter: DomainFilter,
    events: Channel<ScanEvent>,
) -> Answer<u32> {
    let browser = state.browser(&key_id).await?;
    let (handle, run) = browser.scan(filter, move |event| events.send(event).is_ok());
    let id = state.start_scan(handle).await;
    tauri::async_runtime::spawn(run);
    Ok(id)
}

/// Pauses, resumes (also after a failure) or cancels a scan. A finished scan is not an error;
/// while locked only "cancel" is taken (`locked` otherwise).
#[tauri::command]
#[specta::specta]
pub async fn control_scan(
    state: State<'_, AppState>,
    scan_id: u32,
    control: ScanControl,
) -> Answer<()> {
    Ok(state.control_scan(scan_id, control).await?)
}

/// Counts by status, category and provider for `filter` from `GET /domains/stats`; `null` when
/// the server lacks that extension (the UI counts the rows its scan loads instead of reading
/// every page a second time).
#[tauri::command]
#[specta::specta]
pub async fn domain_stats(
    state: State<'_, AppState>,
    key_id: KeyId,
    filter: DomainFilter,
) -> Answer<Option<StatsAnswer>> {
    let browser = state.browser(&key_id).await?;
    Ok(browser.server_stats(&filter).await?)
}

/// One domain, fresh from the server.
#[tauri::command]
#[specta::specta]
pub async fn domain_detail(
    state: State<'_, AppState>,
    key_id: KeyId,
    domain_id: DomainId,
) -> Answer<Domain> {
    let browser = state.browser(&key_id).await?;
    Ok(browser.domain(&domain_id).await?)
}

/// Every customer the key can see (all pages of `GET /users`).
#[tauri::command]
#[specta::specta]
pub async fn list_customers(state: State<'_, AppState>, key_id: KeyId) -> Answer<Vec<User>> {
    let browser = state.browser(&key_id).await?;
    let mut pages = std::pin::pin!(browser.users(&UserFilter::default(), 100));
    let mut users = Vec::new();
    while let Some(page) = pages.next().await {
        users.extend(page?.items);
    }
    Ok(users)
}

/// Availability and prices of `names`, 50 per request; each batch's answers go to `batches`.
#[tauri::command]
#[specta::specta]
pub async fn check_availability(
    state: State<'_, AppState>,
    key_id: KeyId,
    names: Vec<String>,
    batches: Channel<Vec<Availability>>,
) -> Answer<Vec<Availability>> {
    let browser = state.browser(&key_id).await?;
    Ok(browser
        .availability(&names, |batch| {
            let _ = batches.send(batch.to_vec());
        })
        .await?)
}

/// Sets forwarding on `domains` (names or ids), 25 per job; progress goes to `progress`.
#[tauri::command]
#[specta::specta]
pub async fn set_forwarding(
    state: State<'_, AppState>,
    key_id: KeyId,
    domains: Vec<String>,
    forwarding_url: String,
    progress: Channel<ForwardingProgress>,
) -> Answer<Vec<ForwardingJob>> {
    let browser = state.browser(&key_id).await?;
    Ok(state
        .with_ctx(async |ctx| {
            portal_core::services::domains::set_forwarding(
                ctx,
                &browser,
                &key_id,
                &domains,
                &forwarding_url,
                |p| {
                    let _ = progress.send(p.clone());
                },
            )
            .await
        })
        .await?)
}

/// Where an export went.
#[derive(Debug, Serialize, Type)]
pub struct Exported {
    /// The file written.
    pub path: String,
    /// Domain rows in it (the header not counted).
    pub rows: u32,
}

/// Asks where to save, then writes `rows` as CSV (customers named by email from `customers`).
/// `null` when the user cancels the dialog.
#[tauri::command]
#[specta::specta]
pub async fn export_domains_csv(
    app: AppHandle,
    rows: Vec<Domain>,
    customers: Vec<User>,
    suggested_name: String,
) -> Answer<Option<Exported>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Export domains")
        .add_filter("CSV", &["csv"])
        .set_file_name(suggested_name)
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    let path = path
        .into_path()
        .map_err(|_| Error::invalid("path", "Choose a file on this computer"))?;
    let written = tokio::task::spawn_blocking(move || -> Result<Exported, Error> {
        let file = std::fs::File::create(&path)
            .map_err(|e| Error::Internal(format!("could not create {}: {e}", path.display())))?;
        let rows = write_domains_csv(std::io::BufWriter::new(file), &rows, &customers)?;
        Ok(Exported {
            path: path.display().to_string(),
            rows,
        })
    })
    .await
    .map_err(|e| Error::Internal(format!("the export stopped: {e}")))??;
    tracing::info!(rows = written.rows, "domains exported");
    Ok(Some(written))
}

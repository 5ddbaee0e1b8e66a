//! The services against a real sandbox over loopback HTTP, with an in-memory secret store, a
//! temporary action log and the system clock: every user action of the key lifecycle and of
//! domain browsing, the failure paths the UI must show, and a leak check over all of it.

use std::sync::{Arc, Mutex};

use futures_util::TryStreamExt as _;
use portal_core::activity::{Action, ActionLog};
use portal_core::api::portal::NewKey;
use portal_core::clock::{Clock, FixedClock, SystemClock};
use portal_core::lock::AppLock;
use portal_core::model::{
    DomainCategory, DomainFilter, DomainStatus, Environment, KeyId, KeyStatus, Preset, UsageWindow,
};
use portal_core::server::{ServerConfig, ServerKind};
use portal_core::services::domains::{self, Browser};
use portal_core::services::keys::{self, OldKey};
use portal_core::services::session::{Connection, Credentials, sign_in};
use portal_core::services::{Ctx, activity};
use portal_core::store::{MemoryStore, Secrets, Slot, StoreFailure};
use portal_core::{ErrorCode, Secret};
use portal_sandbox::{Config, Sandbox, spawn};

struct World {
    sandbox: Sandbox,
    session: Connection,
    memory: Arc<MemoryStore>,
    secrets: Secrets,
    actions: ActionLog,
    lock: AppLock,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        let sandbox = spawn(Config {
            domains: 300,
            ..Config::default()
        })
        .await
        .expect("sandbox starts");
        let server = ServerConfig::parse(ServerKind::Sandbox, &sandbox.base_url()).expect("url");
        let password = Secret::new(sandbox.admin_password().to_owned());
        let credentials = Credentials {
            email: sandbox.admin_email(),
            password: &password,
        };
        let session = sign_in(server, credentials, "portal-core-tests")
            .await
            .expect("signs in");
        let memory = Arc::new(MemoryStore::new());
        let dir = tempfile::tempdir().expect("temp dir");
        Self {
            sandbox,
            session,
            secrets: Secrets::new(memory.clone()),
            memory,
            actions: ActionLog::new(dir.path()),
            lock: AppLock::new(),
            _dir: dir,
        }
    }

    fn ctx<'a>(&'a self, clock: &'a dyn Clock) -> Ctx<'a> {
        Ctx {
            session: &self.session,
            secrets: &self.secrets,
            actions: &self.actions,
            lock: &self.lock,
            clock,
        }
    }

    fn slot(&self, environment: Environment, id: &KeyId) -> Slot {
        Slot::new("sandbox", environment, id.clone())
    }
}

fn new_key(label: &str, preset: Preset) -> NewKey {
    NewKey {
        label: label.to_owned(),
        environment: Environment::Test,
        preset,
        scope: None,
        expires_at: None,
    }
}

/// The secret as the UI receives it: from the serialized reveal.
fn revealed(reveal: &impl serde::Serialize) -> Secret {
    let json = serde_json::to_value(reveal).expect("reveal serializes");
    Secret::new(json["secret"].as_str().expect("secret text").to_owned())
}

#[tokio::test]
async fn create_store_list_verify_copy() {
    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    let created = keys::create(&ctx, new_key("  CI deploys ", Preset::Read), true)
        .await
        .expect("created");
    assert_eq!(
        created.key.label, "CI deploys",
        "label trimmed before sending"
    );
    assert!(created.stored.saved && created.stored.error.is_none());
    let secret = revealed(&created.reveal);
    assert!(secret.expose().starts_with("pk_test_"));

    let listed = keys::list(&ctx, &Default::default()).await.expect("listed");
    let view = listed
        .iter()
        .find(|v| v.key.id == created.key.id)
        .expect("in the list");
    assert!(view.stored, "the list knows the keyring holds it");

    let verified = keys::verify(&ctx, &created.key.id).await.expect("verifies");
    assert_eq!(
        (verified.environment, verified.preset),
        (Environment::Test, Preset::Read)
    );
    assert!(verified.request_id.is_some(), "request id kept for support");
    let copied = keys::copy_secret(&ctx, &created.key.id)
        .await
        .expect("stored");
    assert_eq!(copied.expose(), secret.expose());

    let usage = keys::usage(&ctx, &created.key.id, &UsageWindow::Hour)
        .await
        .expect("usage");
    assert!(usage.total >= 1, "the verify call counts: {usage:?}");

    let log = world
        .actions
        .read(Some(&created.key.id), 50)
        .expect("log reads");
    let done: Vec<Action> = log.iter().map(|e| e.action).collect();
    for action in [
        Action::Created,
        Action::Stored,
        Action::Verified,
        Action::Copied,
    ] {
        assert!(done.contains(&action), "{action:?} missing from {done:?}");
    }
}

#[tokio::test]
async fn a_locked_keyring_loses_no_new_secret() {
    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    world.memory.set_failure(Some(StoreFailure::Locked));
    let created = keys::create(&ctx, new_key("locked", Preset::Full), true)
        .await
        .expect("the key is made even if it cannot be stored");
    assert!(!created.stored.saved);
    assert_eq!(
        created.stored.error.as_ref().map(|e| e.code),
        Some(ErrorCode::KeyringLocked)
    );
    assert!(
        revealed(&created.reveal).expose().starts_with("pk_test_"),
        "still revealed"
    );
    world.memory.set_failure(None);
    let error = keys::verify(&ctx, &created.key.id)
        .await
        .expect_err("not stored");
    assert_eq!(error.code(), ErrorCode::SecretNotStored);
}

#[tokio::test]
async fn add_an_existing_key_by_pasting_it() {
    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    let created = keys::create(&ctx, new_key("made elsewhere", Preset::Limited), false)
        .await
        .expect("created");
    assert!(!created.stored.saved);
    let pasted = Secret::new(format!("  {}\n", revealed(&created.reveal).expose()));
    let added = keys::add_existing(&ctx, pasted).await.expect("added");
    assert_eq!(added.key.id, created.key.id);
    assert!(added.stored);

    let malformed = keys::add_existing(&ctx, Secret::new("pk_test_123".into())).await;
    assert_eq!(malformed.expect_err("too short").field(), Some("secret"));
    let unknown = Secret::new(format!("pk_test_{}", "ab".repeat(32)));
    let error = keys::add_existing(&ctx, unknown)
        .await
        .expect_err("unknown key");
    assert_eq!(error.code(), ErrorCode::Unauthorized);
    assert!(error.request_id().is_some());
}

#[tokio::test]
async fn rotate_keep_both_then_revoke_the_old_one() {
    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    let old = keys::create(&ctx, new_key("rolling", Preset::Full), true)
        .await
        .expect("created");
    let rotated = keys::rotate(&ctx, &old.key.id, OldKey::KeepUntilRevoked, true)
        .await
        .expect("rotated");
    assert_eq!(rotated.key.label, "rolling");
    assert_eq!(
        rotated.replaced.status,
        KeyStatus::Active,
        "both valid during the rollout"
    );
    assert!(keys::verify(&ctx, &old.key.id).await.is_ok());
    assert!(keys::verify(&ctx, &rotated.key.id).await.is_ok());

    let revoked = keys::revoke(&ctx, &old.key.id).await.expect("revoked");
    assert_eq!(revoked.status, KeyStatus::Revoked);
    let slot = world.slot(Environment::Test, &old.key.id);
    assert!(
        world.secrets.get(&slot).await.expect("store").is_none(),
        "purged"
    );
    // The old secret, used directly, now gets the 401.
    let client = world.session.client();
    let refused = client
        .me(&revealed(&old.reveal))
        .await
        .expect_err("revoked");
    assert_eq!(refused.code(), ErrorCode::Unauthorized);
    assert!(refused.request_id().is_some());
    // Revoking twice is fine.
    assert!(keys::revoke(&ctx, &old.key.id).await.is_ok());
}

#[tokio::test]
async fn rotate_with_expiry_and_key_leaked() {
    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    let first = keys::create(&ctx, new_key("expiring", Preset::Read), true)
        .await
        .expect("created");
    let rotated = keys::rotate(
        &ctx,
        &first.key.id,
        OldKey::ExpireIn { seconds: 3600 },
        true,
    )
    .await
    .expect("rotated");
    assert!(rotated.replaced.expires_at.is_some(), "old key expires");

    let leaked = keys::key_leaked(&ctx, &rotated.key.id)
        .await
        .expect("replaced");
    assert_eq!(
        leaked.replaced.status,
        KeyStatus::Revoked,
        "old key dead at once"
    );
    let old_slot = world.slot(Environment::Test, &rotated.key.id);
    assert!(world.secrets.get(&old_slot).await.expect("store").is_none());
    let new_slot = world.slot(Environment::Test, &leaked.key.id);
    assert!(
        world.secrets.get(&new_slot).await.expect("store").is_some(),
        "new one stored"
    );
    let log = world.actions.read(Some(&rotated.key.id), 50).expect("log");
    assert!(
        log.iter().any(|e| e.action == Action::Leaked),
        "incident recorded"
    );
}

#[tokio::test]
async fn reconcile_finds_stale_missing_and_unknown_secrets() {
    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    let unsaved = keys::create(&ctx, new_key("unsaved", Preset::Read), false)
        .await
        .expect("created");
    let dead = keys::create(&ctx, new_key("dead", Preset::Read), true)
        .await
        .expect("created");
    keys::revoke(&ctx, &dead.key.id).await.expect("revoked");
    // Put the dead key's secret back, and one for a key the server never had.
    let dead_slot = world.slot(Environment::Test, &dead.key.id);
    world
        .secrets
        .set(&dead_slot, &revealed(&dead.reveal))
        .await
        .expect("set");
    let stray = KeyId::new("key_01JD0000000000000000000000");
    let stray_slot = world.slot(Environment::Live, &stray);
    world
        .secrets
        .set(&stray_slot, &Secret::new("x".into()))
        .await
        .expect("set");

    let found = keys::reconcile(&ctx).await.expect("reconciled");
    assert!(found.missing.iter().any(|k| k.id == unsaved.key.id));
    assert!(found.stale.iter().any(|k| k.id == dead.key.id));
    assert_eq!(found.unknown, vec![stray.clone()]);
    let removed = keys::purge(&ctx, &[dead.key.id.clone(), stray])
        .await
        .expect("purged");
    assert_eq!(removed, 2);
    let again = keys::reconcile(&ctx).await.expect("reconciled");
    assert!(again.stale.is_empty() && again.unknown.is_empty());
}

#[tokio::test]
async fn an_expired_session_is_refused_without_a_request() {
    let world = World::new().await;
    let later = world.session.view().expires_at.0 + time::Duration::seconds(1);
    let clock = FixedClock(later);
    let ctx = world.ctx(&clock);
    world.session.client().clear_request_log();
    let error = keys::list(&ctx, &Default::default())
        .await
        .expect_err("expired");
    assert_eq!(error.code(), ErrorCode::SessionExpired);
    assert!(
        world.session.client().request_log().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn browse_filter_stats_and_preset_aware_actions() {
    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    let read = keys::create(&ctx, new_key("browse", Preset::Read), true)
        .await
        .expect("read");
    let browser = Browser::open(world.session.client().clone(), revealed(&read.reveal))
        .await
        .expect("opens");
    assert_eq!(browser.preset(), &Preset::Read);

    let active = DomainFilter {
        status: Some(DomainStatus::Active),
        ..Default::default()
    };
    let stats = browser.stats(&active).await.expect("stats");
    assert!(!stats.computed, "the sandbox has the stats extension");
    let pages: Vec<_> = browser
        .domains(&active, 100, None)
        .try_collect()
        .await
        .expect("pages");
    let rows: Vec<_> = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(
        rows.len() as u32,
        stats.stats.total,
        "stats count what the list shows"
    );
    assert!(rows.iter().all(|d| d.status == DomainStatus::Active));

    let names = vec!["acme-mail.com".to_owned()];
    let refused = browser
        .availability(&names, |_| {})
        .await
        .expect_err("read key");
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert!(
        refused.to_string().contains("domain_availability"),
        "{refused}"
    );

    let full = keys::create(&ctx, new_key("act", Preset::Full), true)
        .await
        .expect("full");
    let browser = Browser::open(world.session.client().clone(), revealed(&full.reveal))
        .await
        .expect("opens");
    let many: Vec<String> = (0..60).map(|i| format!("name-{i}.com")).collect();
    let mut batches = 0;
    let answers = browser
        .availability(&many, |_| batches += 1)
        .await
        .expect("availability");
    assert_eq!((answers.len(), batches), (60, 2), "asked in batches of 50");

    let connected: Vec<String> = rows
        .iter()
        .filter(|d| d.category == DomainCategory::Connected)
        .take(3)
        .map(|d| d.id.as_str().to_owned())
        .collect();
    assert_eq!(
        connected.len(),
        3,
        "the data set has active connected domains"
    );
    let mut updates = 0;
    let jobs = browser
        .set_forwarding(&connected, "https://acme.example/welcome", |_| updates += 1)
        .await
        .expect("forwarding");
    assert!(jobs.iter().all(|j| j.status.is_finished()) && updates >= 2);
    assert_eq!(jobs.iter().map(|j| j.completed_count).sum::<u32>(), 3);
    for id in &connected {
        let domain = browser
            .domain(&portal_core::model::DomainId::new(id.clone()))
            .await
            .expect("detail");
        assert_eq!(
            domain.forwarding_url.as_deref(),
            Some("https://acme.example/welcome")
        );
    }
    drop(world.sandbox);
}

#[tokio::test]
async fn activity_merges_server_and_local_logs() {
    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    let created = keys::create(&ctx, new_key("audited", Preset::Read), true)
        .await
        .expect("created");
    keys::revoke(&ctx, &created.key.id).await.expect("revoked");
    let items = activity::recent(&ctx, Some(&created.key.id), 20)
        .await
        .expect("activity");
    let sources: Vec<&str> = items
        .iter()
        .map(|i| match i {
            activity::ActivityItem::Server { .. } => "server",
            activity::ActivityItem::Local { .. } => "local",
        })
        .collect();
    assert!(
        sources.contains(&"server") && sources.contains(&"local"),
        "{sources:?}"
    );
    assert!(
        items.windows(2).all(|w| w[0].at() >= w[1].at()),
        "newest first"
    );
}

/// Captures every log line written while the closure's futures run.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_reaches_an_error_a_log_line_or_the_request_log() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    let mut outputs = Vec::new();
    let created = keys::create(&ctx, new_key("leak check", Preset::Read), true)
        .await
        .expect("created");
    let secret = revealed(&created.reveal);
    outputs.push(format!("{:?} {:?}", created.key, created.stored));
    outputs.push(format!("{:?}", created.reveal));
    // Every operation, the failing ones included.
    let verified = keys::verify(&ctx, &created.key.id).await;
    outputs.push(format!("{verified:?}"));
    let rotated = keys::rotate(&ctx, &created.key.id, OldKey::RevokeNow, true).await;
    outputs.push(format!("{rotated:?}"));
    let again = keys::verify(&ctx, &created.key.id).await;
    outputs.push(format!("{again:?}"));
    let pasted = keys::add_existing(&ctx, secret.clone()).await;
    outputs.push(format!("{pasted:?}"));
    if let Err(e) = &pasted {
        outputs.push(e.to_string());
    }
    let refused = world.session.client().me(&secret).await;
    outputs.push(format!("{refused:?}"));
    let browser = Browser::open(world.session.client().clone(), secret.clone()).await;
    outputs.push(format!("{browser:?}"));
    let copied = keys::copy_secret(&ctx, &created.key.id).await;
    outputs.push(format!("{copied:?}"));
    // Domain browsing: with the revoked key (a scan that fails), and with a stored full key.
    let scan_events = Arc::new(Mutex::new(Vec::new()));
    let full = keys::create(&ctx, new_key("leak check full", Preset::Full), true)
        .await
        .expect("created");
    let full_secret = revealed(&full.reveal);
    let opened = domains::open_stored(&ctx, &full.key.id).await;
    outputs.push(format!("{opened:?}"));
    if let Ok(browser) = &opened {
        let sink = Arc::clone(&scan_events);
        let filter = DomainFilter {
            status: Some(DomainStatus::Active),
            category: Some(DomainCategory::Connected),
            ..Default::default()
        };
        let (handle, run) = browser.scan(filter, move |e| {
            sink.lock().expect("events").push(format!("{e:?}"));
            true
        });
        run.await;
        drop(handle);
        outputs.push(format!(
            "{:?}",
            browser.server_stats(&Default::default()).await
        ));
        let names = vec!["leak-check.example".to_owned()];
        outputs.push(format!("{:?}", browser.availability(&names, |_| {}).await));
        let forwarded = domains::set_forwarding(
            &ctx,
            browser,
            &full.key.id,
            &names,
            "https://x.example",
            outputs_progress,
        )
        .await;
        outputs.push(format!("{forwarded:?}"));
    }

    let browsing = keys::create_browsing_key(&ctx, Environment::Test).await;
    outputs.push(format!("{browsing:?}"));
    keys::revoke(&ctx, &full.key.id).await.expect("revoked");
    let stale = domains::open_stored(&ctx, &full.key.id).await;
    assert!(stale.is_err(), "a revoked stored key does not open");
    outputs.push(format!("{stale:?}"));
    // A scan with the browser opened before the revoke fails on its first page.
    if let Ok(browser) = &opened {
        let sink = Arc::clone(&scan_events);
        let (handle, run) = browser.scan(Default::default(), move |e| {
            let failed = matches!(e, domains::ScanEvent::Failed { .. });
            sink.lock().expect("events").push(format!("{e:?}"));
            !failed
        });
        run.await;
        drop(handle); // dropping it first would cancel the scan
    }
    let events = scan_events.lock().expect("events").clone();
    assert!(
        events.iter().any(|e| e.starts_with("Failed")),
        "the revoked key's scan failed"
    );
    assert!(
        events.iter().any(|e| e.starts_with("Page"))
            && events.iter().any(|e| e.starts_with("Finished")),
        "the full key's scan read pages"
    );
    outputs.extend(events);

    let hexes = [
        secret.expose()[8..].to_owned(),
        full_secret.expose()[8..].to_owned(),
    ];
    let log_lines = String::from_utf8(captured.0.lock().expect("buffer").clone()).expect("utf8");
    assert!(!log_lines.is_empty(), "the capture works");
    let request_log = serde_json::to_string(&world.session.client().request_log()).expect("json");
    let action_log = std::fs::read_to_string(world.actions.path()).expect("action log");
    for (what, haystack) in [
        ("Debug output and errors", outputs.join("\n")),
        ("log lines", log_lines),
        ("request log", request_log),
        ("action log", action_log),
    ] {
        for hex in &hexes {
            assert!(
                !haystack.contains(hex.as_str()),
                "a secret leaked into the {what}"
            );
        }
    }
}

/// Forwarding progress carries no secret; formatting it checks that it can be logged.
fn outputs_progress(progress: &domains::ForwardingProgress) {
    tracing::debug!(?progress, "forwarding progress");
}

#[tokio::test]
async fn a_browsing_key_is_read_only_stored_and_opens_a_browser() {
    let world = World::new().await;
    let clock = SystemClock;
    let ctx = world.ctx(&clock);
    let first = keys::create_browsing_key(&ctx, Environment::Test)
        .await
        .expect("created");
    assert!(first.stored);
    assert_eq!(first.key.permission_preset, Preset::Read);
    assert_eq!(first.key.label, keys::BROWSING_LABEL);
    let second = keys::create_browsing_key(&ctx, Environment::Test)
        .await
        .expect("a second one gets another label");
    assert_eq!(second.key.label, format!("{} 2", keys::BROWSING_LABEL));

    let browser = portal_core::services::domains::open_stored(&ctx, &first.key.id)
        .await
        .expect("opens with the stored secret");
    assert_eq!(browser.preset(), &Preset::Read);
    assert_eq!(browser.environment(), &Environment::Test);

    // A keyring that refuses the secret: the key nobody could use is revoked, the error shown.
    world.memory.set_failure(Some(StoreFailure::Locked));
    let error = keys::create_browsing_key(&ctx, Environment::Live)
        .await
        .expect_err("the keyring is locked");
    assert_eq!(error.code(), ErrorCode::KeyringLocked);
    world.memory.set_failure(None);
    let all = keys::list(&ctx, &Default::default()).await.expect("list");
    let live: Vec<_> = all
        .iter()
        .filter(|v| v.key.environment == Environment::Live && v.key.label == keys::BROWSING_LABEL)
        .collect();
    assert_eq!(live.len(), 1, "the key was made");
    assert_eq!(
        live[0].key.status,
        KeyStatus::Revoked,
        "no active browsing key is left without its secret"
    );
}

#[tokio::test]
async fn a_locked_app_reads_creates_and_moves_no_secret_and_sends_nothing() {
    let world = World::new().await;
    let ctx = world.ctx(&SystemClock);
    let created = keys::create(&ctx, new_key("locked out", Preset::Full), true)
        .await
        .expect("created while unlocked");
    let id = created.key.id.clone();
    let secret = revealed(&created.reveal);
    world.lock.lock();
    let client = world.session.client();
    client.clear_request_log();

    let results: Vec<(&str, portal_core::Result<()>)> = vec![
        (
            "create",
            keys::create(&ctx, new_key("while locked", Preset::Read), true)
                .await
                .map(drop),
        ),
        (
            "create_browsing_key",
            keys::create_browsing_key(&ctx, Environment::Test)
                .await
                .map(drop),
        ),
        (
            "add_existing",
            keys::add_existing(&ctx, secret.clone()).await.map(drop),
        ),
        ("verify", keys::verify(&ctx, &id).await.map(drop)),
        ("copy_secret", keys::copy_secret(&ctx, &id).await.map(drop)),
        (
            "save_secret",
            keys::save_secret(&ctx, &created.key, &secret).await,
        ),
        (
            "rotate",
            keys::rotate(&ctx, &id, OldKey::KeepUntilRevoked, true)
                .await
                .map(drop),
        ),
        ("key_leaked", keys::key_leaked(&ctx, &id).await.map(drop)),
        (
            "customers",
            keys::customers(&ctx, &Environment::Test, "a", 5)
                .await
                .map(drop),
        ),
        (
            "open_stored (scans, stats, availability, forwarding)",
            domains::open_stored(&ctx, &id).await.map(drop),
        ),
    ];
    for (name, result) in results {
        let error = result.expect_err(name);
        assert_eq!(
            error.code(),
            ErrorCode::Locked,
            "{name} refuses while locked"
        );
    }
    assert_eq!(
        client.request_log().len(),
        0,
        "nothing was sent while locked"
    );

    world.lock.unlock();
    keys::verify(&ctx, &id)
        .await
        .expect("works again once unlocked");
}

//! The keyring store against the real Secret Service: gnome-keyring on a private session bus.
//!
//! The tests that need the keyring are `#[ignore]`d; `scripts/test.sh` runs them inside
//! `with_test_session` (Xvfb + `dbus-run-session` + an unlocked gnome-keyring in a throwaway
//! directory), one at a time:
//! `cargo test -p portal-core --test integration keyring:: -- --ignored --test-threads=1`.
//! Each test uses its own profile name (so its own service names) and data directory, and deletes
//! what it stored. The no-bus test needs nothing and always runs.

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dbus::blocking::Connection;
use dbus::blocking::stdintf::org_freedesktop_dbus::Properties;
use portal_core::model::{Environment, KeyId};
use portal_core::profile::Profile;
use portal_core::store::{KeyringStore, SecretStore, Secrets, Slot};
use portal_core::{ErrorCode, Secret};

const APP_ID: &str = "com.partnerportal.desktop";
const SANDBOX: &str = "sandbox";
const REAL: &str = "https://api.peeker.ai";
/// The password `with_test_session` (scripts/lib.sh) unlocks the test keyring with.
const DEFAULT_KEYRING_PASSWORD: &str = "portal-test";

/// A store with its own profile and data directory; deletes what it stored when dropped.
struct Fixture {
    store: Arc<KeyringStore>,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "kt-{}-{nanos}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = Profile::new(
        APP_ID,
        Some(name),
        dir.path(),
        Some(dir.path().join("data")),
    )
    .expect("valid profile");
    Fixture {
        store: Arc::new(KeyringStore::new(&profile)),
        _dir: dir,
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        for server in [SANDBOX, REAL] {
            for slot in self.store.list(server).unwrap_or_default() {
                let _ = self.store.delete(&slot);
            }
        }
    }
}

fn slot(server: &str, environment: Environment, id: &str) -> Slot {
    Slot::new(server, environment, KeyId::new(id))
}

fn secret(text: &str) -> Secret {
    Secret::new(text.to_owned())
}

fn read(store: &KeyringStore, slot: &Slot) -> Option<String> {
    let value = store.get(slot).expect("the keyring answers");
    value.map(|s| s.expose().to_owned())
}

#[test]
#[ignore = "needs a session bus and gnome-keyring; run by scripts/test.sh"]
fn set_get_overwrite_delete_and_list() {
    let f = fixture();
    let a = slot(SANDBOX, Environment::Test, "key_01A");
    let b = slot(SANDBOX, Environment::Live, "key_01B");
    f.store.set(&a, &secret("pk_test_first")).expect("set a");
    assert_eq!(read(&f.store, &a).as_deref(), Some("pk_test_first"));
    f.store
        .set(&a, &secret("pk_test_second"))
        .expect("overwrite a");
    assert_eq!(
        read(&f.store, &a).as_deref(),
        Some("pk_test_second"),
        "set replaces"
    );
    f.store.set(&b, &secret("pk_live_b")).expect("set b");
    let mut listed = f.store.list(SANDBOX).expect("list");
    listed.sort_by(|x, y| x.key_id.as_str().cmp(y.key_id.as_str()));
    assert_eq!(listed, vec![a.clone(), b.clone()], "both slots are listed");
    assert!(
        f.store.list(REAL).expect("list").is_empty(),
        "another server has none"
    );
    f.store.delete(&a).expect("delete a");
    assert_eq!(read(&f.store, &a), None, "a deleted entry reads as None");
    f.store.delete(&a).expect("deleting again is fine");
    assert_eq!(f.store.list(SANDBOX).expect("list"), vec![b.clone()]);
    assert_eq!(
        read(&f.store, &b).as_deref(),
        Some("pk_live_b"),
        "b is untouched"
    );
}

#[test]
#[ignore = "needs a session bus and gnome-keyring; run by scripts/test.sh"]
fn a_missing_entry_is_none_and_its_delete_succeeds() {
    let f = fixture();
    let missing = slot(REAL, Environment::Test, "key_never_stored");
    assert_eq!(read(&f.store, &missing), None);
    f.store
        .delete(&missing)
        .expect("deleting a missing entry is fine");
    assert!(f.store.list(REAL).expect("list").is_empty());
}

#[test]
#[ignore = "needs a session bus and gnome-keyring; run by scripts/test.sh"]
fn entries_are_named_by_service_and_key_id_and_labelled_with_the_server() {
    let f = fixture();
    let live = slot(REAL, Environment::Live, "key_01L");
    f.store.set(&live, &secret("pk_live_named")).expect("set");
    let service = f.store.service(&Environment::Live);
    assert!(service.starts_with("com.partnerportal.desktop.kt-") && service.ends_with(".live"));
    let entry = keyring::Entry::new(&service, "key_01L").expect("entry");
    let stored = entry.get_password().expect("found by service + key id");
    assert_eq!(stored, "pk_live_named");
    let attributes = entry.get_attributes().expect("attributes");
    assert_eq!(attributes.get("server").map(String::as_str), Some(REAL));
    let label = attributes.get("label").cloned().unwrap_or_default();
    assert!(
        label.contains("key_01L") && label.contains(REAL),
        "label: {label}"
    );
    let test = slot(REAL, Environment::Test, "key_01L");
    assert_eq!(
        read(&f.store, &test),
        None,
        "the test environment is another service"
    );
}

#[tokio::test]
#[ignore = "needs a session bus and gnome-keyring; run by scripts/test.sh"]
async fn the_async_handle_reaches_the_keyring() {
    let f = fixture();
    let secrets = Secrets::new(f.store.clone());
    let a = slot(SANDBOX, Environment::Test, "key_01S");
    secrets
        .set(&a, &secret("pk_test_async"))
        .await
        .expect("set");
    let got = secrets.get(&a).await.expect("get").expect("stored");
    assert_eq!(got.expose(), "pk_test_async");
    assert_eq!(secrets.list(SANDBOX).await.expect("list"), vec![a.clone()]);
    secrets.delete(&a).await.expect("delete");
    assert!(secrets.get(&a).await.expect("get").is_none());
}

#[test]
#[ignore = "needs a session bus and gnome-keyring; run by scripts/test.sh"]
fn a_locked_keyring_is_reported_as_locked() {
    let f = fixture();
    let stored = slot(SANDBOX, Environment::Test, "key_01K");
    let fresh = slot(SANDBOX, Environment::Test, "key_01N");
    f.store
        .set(&stored, &secret("pk_test_kept"))
        .expect("set while unlocked");

    let bus = Connection::new_session().expect("session bus");
    let collection = default_collection(&bus);
    let unlock = UnlockWhenDone::new(&bus);
    // Point the unlock prompter at a display that does not exist: gnome-keyring then fails the
    // prompt at once, as when a user dismisses the unlock dialog (instead of waiting on Xvfb).
    set_prompter_display(&bus, ":4321");
    let secrets = proxy(&bus, "/org/freedesktop/secrets");
    let (_, _prompt): (Vec<dbus::Path>, dbus::Path) = secrets
        .method_call(SERVICE, "Lock", (vec![collection.clone()],))
        .expect("lock the default collection");
    let locked: bool = proxy(&bus, collection)
        .get("org.freedesktop.Secret.Collection", "Locked")
        .expect("Locked property");
    assert!(
        locked,
        "the collection must be locked for this test to mean anything"
    );

    let store = f.store.clone();
    let (fresh2, stored2) = (fresh.clone(), stored.clone());
    let results = within_a_minute(move || {
        vec![
            ("get", store.get(&stored2).map(|_| ())),
            ("set existing", store.set(&stored2, &secret("pk_test_new"))),
            ("set new", store.set(&fresh2, &secret("pk_test_fresh"))),
            ("delete", store.delete(&stored2)),
        ]
    });
    for (call, result) in results {
        let error = result.expect_err("a locked keyring refuses");
        println!("locked keyring, {call}: {error}");
        assert_eq!(error.code(), ErrorCode::KeyringLocked, "{call}: {error}");
        assert!(
            !error.to_string().contains("pk_test"),
            "no secret in: {error}"
        );
    }
    assert_eq!(
        f.store.list(SANDBOX).expect("the index needs no keyring"),
        vec![stored.clone()]
    );
    drop(unlock);
    assert_eq!(
        read(&f.store, &stored).as_deref(),
        Some("pk_test_kept"),
        "unchanged"
    );
    assert_eq!(
        read(&f.store, &fresh),
        None,
        "the failed set stored nothing"
    );
}

/// Runs `work` on its own thread and panics if it takes more than a minute (a prompt shown on
/// a real display would wait for a person).
fn within_a_minute<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(work()));
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the keyring waited on an unlock prompt; is a gcr-prompter already running?")
}

const SERVICE: &str = "org.freedesktop.Secret.Service";

fn proxy<'a>(
    bus: &'a Connection,
    path: impl Into<dbus::Path<'a>>,
) -> dbus::blocking::Proxy<'a, &'a Connection> {
    bus.with_proxy("org.freedesktop.secrets", path, Duration::from_secs(10))
}

fn default_collection(bus: &Connection) -> dbus::Path<'static> {
    let (path,): (dbus::Path<'static>,) = proxy(bus, "/org/freedesktop/secrets")
        .method_call(SERVICE, "ReadAlias", ("default",))
        .expect("the default collection");
    path
}

fn set_prompter_display(bus: &Connection, display: &str) {
    let environment = HashMap::from([("DISPLAY", display)]);
    bus.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        Duration::from_secs(10),
    )
    .method_call::<(), _, _, _>(
        "org.freedesktop.DBus",
        "UpdateActivationEnvironment",
        (environment,),
    )
    .expect("update the activation environment");
}

/// Restores the prompter's display and unlocks the keyring again (by replacing the daemon with
/// one started with `--unlock`), so later tests find it as `with_test_session` left it.
struct UnlockWhenDone<'a> {
    bus: &'a Connection,
}

impl<'a> UnlockWhenDone<'a> {
    fn new(bus: &'a Connection) -> Self {
        Self { bus }
    }
}

impl Drop for UnlockWhenDone<'_> {
    fn drop(&mut self) {
        set_prompter_display(self.bus, &std::env::var("DISPLAY").unwrap_or_default());
        let password = std::env::var("PORTAL_TEST_KEYRING_PASSWORD")
            .unwrap_or_else(|_| DEFAULT_KEYRING_PASSWORD.to_owned());
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--replace", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gnome-keyring-daemon");
        if let Some(mut stdin) = daemon.stdin.take() {
            stdin.write_all(password.as_bytes()).expect("password");
        }
        let status = daemon.wait().expect("gnome-keyring-daemon ran");
        assert!(
            status.success(),
            "unlocking the keyring again failed: {status}"
        );
        let locked = wait_for_unlocked(self.bus);
        assert!(!locked, "the keyring is still locked after --unlock");
    }
}

fn wait_for_unlocked(bus: &Connection) -> bool {
    for _ in 0..50 {
        let collection = proxy(bus, "/org/freedesktop/secrets")
            .method_call::<(dbus::Path<'static>,), _, _, _>(SERVICE, "ReadAlias", ("default",));
        if let Ok((path,)) = collection
            && path.len() > 1
            && let Ok(false) =
                proxy(bus, path).get::<bool>("org.freedesktop.Secret.Collection", "Locked")
        {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    true
}

const CHILD: &str = "PORTAL_KEYRING_TEST_NO_BUS";

/// Runs itself again in a child process with no session bus (and no display to autolaunch
/// one), where the store must answer "unavailable". Needs nothing, so it always runs.
#[test]
fn without_a_session_bus_the_keyring_is_unavailable() {
    let name = "keyring::without_a_session_bus_the_keyring_is_unavailable";
    if std::env::var_os(CHILD).is_some() {
        let f = fixture();
        let a = slot(SANDBOX, Environment::Test, "key_01U");
        let get = f.store.get(&a).expect_err("no bus, no keyring");
        assert_eq!(get.code(), ErrorCode::KeyringUnavailable, "{get}");
        let set = f
            .store
            .set(&a, &secret("pk_test_nobus"))
            .expect_err("no bus");
        assert_eq!(set.code(), ErrorCode::KeyringUnavailable, "{set}");
        assert!(!set.to_string().contains("pk_test"), "no secret in: {set}");
        assert!(
            f.store.list(SANDBOX).expect("list").is_empty(),
            "a failed set is not indexed"
        );
        println!("observed: {set}");
        return;
    }
    let exe = std::env::current_exe().expect("test binary");
    let output = Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("XDG_RUNTIME_DIR")
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("observed: No system keyring is available"),
        "the child must have run the checks:\n{stdout}"
    );
    for line in stdout.lines().filter(|l| l.contains("observed: ")) {
        println!("{line}");
    }
}

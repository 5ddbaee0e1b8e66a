//! Partner Portal's Tauri shell: wiring only, no business rules.
//!
//! Start-up: files are made owner-only (umask 077, the data directory 0700), resolve the
//! [`Profile`](portal_core::profile::Profile) (which namespaces data, logs and keyring entries),
//! start logging, start the embedded sandbox in the background, open the main window with its
//! navigation guards ([`window`]). SIGTERM and SIGINT end the app like quitting does: our secret
//! is taken off the clipboard first. Every command is a few lines over a `portal-core` service; the list of
//! commands lives in [`bindings::builder`].

pub mod bindings;
mod clipboard;
mod commands;
mod logging;
mod sandbox;
mod state;
mod window;

use tauri::Manager;

use state::AppState;

/// Runs the app until the window closes.
pub fn run() {
    // Before any file exists: everything the app writes (logs, settings, the sandbox's
    // database and its WAL) is for this user only.
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let specta = bindings::builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
            let profile = state::resolve_profile(app.handle())?;
            #[cfg(unix)]
            profile.secure_data_dir()?;
            let log_guard = logging::init(&profile.log_dir());
            tracing::info!(
                version = env!("CARGO_PKG_VERSION"),
                profile = profile.name().unwrap_or("default"),
                data_dir = %profile.data_dir().display(),
                "starting"
            );
            let state = AppState::new(profile, log_guard);
            let sandbox = state.sandbox.clone();
            app.manage(state);
            // The sandbox starts while the window loads; `app_info` waits for it.
            tauri::async_runtime::spawn(async move {
                sandbox.status().await;
            });
            #[cfg(unix)]
            tauri::async_runtime::spawn(exit_on_signal(app.handle().clone()));
            window::open_main(app.handle())?;
            Ok(())
        })
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|handle, event| {
            // A secret the app copied does not outlive it.
            if let tauri::RunEvent::Exit = event {
                handle.state::<AppState>().clipboard.clear_if_ours();
            }
        }),
        Err(error) => {
            eprintln!("Partner Portal could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// Waits for SIGTERM or SIGINT, then takes our secret off the clipboard and quits (the window
/// closes, the sandbox stops) instead of dying with the secret still copied.
#[cfg(unix)]
async fn exit_on_signal(app: tauri::AppHandle) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::warn!("could not listen for SIGTERM/SIGINT");
        return;
    };
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    let cleared = app.state::<AppState>().clipboard.clear_if_ours();
    tracing::info!(
        signal = name,
        clipboard_cleared = cleared,
        "stopping on a signal"
    );
    app.exit(0);
}

//! Partner Portal's Tauri shell: wiring only, no business rules.
//!
//! Start-up: resolve the [`Profile`](portal_core::profile::Profile) (which namespaces data,
//! logs and keyring entries), start logging, start the embedded sandbox in the background, open
//! the main window. Every command is a few lines over a `portal-core` service; the list of
//! commands lives in [`bindings::builder`].

pub mod bindings;
mod clipboard;
mod commands;
mod logging;
mod sandbox;
mod state;

use tauri::Manager;

use state::AppState;

/// Runs the app until the window closes.
pub fn run() {
    let specta = bindings::builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
            let profile = state::resolve_profile(app.handle())?;
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
            Ok(())
        })
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|handle, event| {
            // A secret the app copied does not outlive it.
            if let tauri::RunEvent::Exit = event {
                handle.state::<AppState>().clipboard.clear_if_ours(handle);
            }
        }),
        Err(error) => {
            eprintln!("Partner Portal could not start: {error}");
            std::process::exit(1);
        }
    }
}

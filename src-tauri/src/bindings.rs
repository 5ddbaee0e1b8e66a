//! The one list of commands, and the TypeScript bindings generated from it.
//!
//! `ui/src/lib/bindings.ts` is generated from [`builder`] and committed. The test below fails
//! when it is stale; regenerate it with:
//!
//! ```sh
//! UPDATE_BINDINGS=1 cargo test -p partner-portal --lib bindings
//! ```

use std::path::{Path, PathBuf};

use specta_typescript::Typescript;
use tauri_specta::{Builder, collect_commands};

use crate::commands;

/// Every command the UI may call. Add new commands here and nowhere else.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .disable_serde_phases()
        .commands(collect_commands![
            commands::app_info,
            commands::report_painted,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::session::current_session,
            commands::session::lock_app,
            commands::session::unlock_app,
            commands::keys::list_keys,
            commands::keys::get_key,
            commands::keys::create_key,
            commands::keys::add_existing_key,
            commands::keys::verify_key,
            commands::keys::rotate_key,
            commands::keys::revoke_key,
            commands::keys::key_leaked,
            commands::keys::reconcile_keys,
            commands::keys::purge_secrets,
            commands::keys::key_usage,
            commands::keys::search_customers,
            commands::domains::open_browser,
            commands::domains::create_browsing_key,
            commands::domains::scan_domains,
            commands::domains::control_scan,
            commands::domains::domain_stats,
            commands::domains::domain_detail,
            commands::domains::list_customers,
            commands::domains::check_availability,
            commands::domains::set_forwarding,
            commands::domains::export_domains_csv,
            commands::reveal::copy_revealed,
            commands::reveal::copy_stored_secret,
            commands::reveal::save_revealed,
            commands::reveal::unsave_revealed,
            commands::reveal::close_reveal,
            commands::reveal::clear_clipboard,
            commands::reveal::copy_text,
            crate::window::open_external,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::settings::activity,
            commands::settings::request_log,
        ])
}

/// Put above the generated code: the file is checked by its generator, not by tsc.
const HEADER: &str = "// @ts-nocheck";

/// Where the committed bindings live.
pub fn bindings_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts")
}

/// Writes the bindings to `path`.
pub fn export(path: &Path) -> Result<(), String> {
    builder()
        .export(Typescript::default().header(HEADER), path)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_are_fresh() {
        let dir = tempfile_dir();
        let fresh = dir.join("bindings.ts");
        export(&fresh).expect("bindings export");
        let fresh = std::fs::read_to_string(&fresh).expect("read exported bindings");
        let committed = std::fs::read_to_string(bindings_path()).unwrap_or_default();
        if std::env::var("UPDATE_BINDINGS").is_ok_and(|v| v == "1") {
            std::fs::write(bindings_path(), &fresh).expect("write ui/src/lib/bindings.ts");
            return;
        }
        assert!(
            fresh == committed,
            "ui/src/lib/bindings.ts is stale: regenerate it with \
             `UPDATE_BINDINGS=1 cargo test -p partner-portal --lib bindings` and commit it"
        );
    }

    fn tempfile_dir() -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("partner-portal-bindings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        dir
    }
}

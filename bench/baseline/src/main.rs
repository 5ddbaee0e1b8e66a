//! Empty Tauri app used as the benchmark baseline (see bench/README.md).
//! The only code is `report_painted`, called by dist/probe.js once the page has painted.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static PAINTED: AtomicBool = AtomicBool::new(false);

/// Prints `bench-mark first_paint <unix epoch ms>` on stdout, once.
#[tauri::command]
fn report_painted() {
    if PAINTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "bench-mark first_paint {ms}");
    let _ = out.flush();
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![report_painted])
        .run(tauri::generate_context!())
        .expect("error while running the baseline app");
}

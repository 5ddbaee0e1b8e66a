//! Partner Portal's executable: everything lives in the library.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    partner_portal_lib::run();
}

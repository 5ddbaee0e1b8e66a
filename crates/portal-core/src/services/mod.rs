//! One function per user action. The Tauri commands call these and nothing below them.

pub mod session;

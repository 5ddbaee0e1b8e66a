//! End-to-end test support: the real app window driven over WebDriver.
//!
//! [`e2e::App`] starts `tauri-driver` (which drives WebKitWebDriver, which starts the app) with
//! the app isolated in its own profile and data directory, so a run never touches a user's
//! keyring entries or data. Every step can save a screenshot under `target/e2e-screenshots/`.

pub mod e2e;

//! Partner Portal's core: everything the desktop app does that is not drawing.
//!
//! The Tauri shell (`src-tauri`) is a thin layer over this crate: each command unpacks its
//! arguments, calls one function here and maps the result. Nothing in this crate depends on Tauri
//! or a GUI library, so plain `#[test]`s reach all of it.
//!
//! - [`secret`]: the [`Secret`] type that keeps keys, tokens and passwords out of logs.
//! - [`error`]: the [`Error`] enum, the closed [`ErrorCode`] set the UI branches on, and the
//!   [`IpcError`] shape errors take across IPC.
//! - [`model`]: validated types for the API's objects.
//! - [`server`]: which server the app talks to ([`ServerConfig`]).
//! - [`api`]: the HTTP client for the partner and portal APIs.
//! - [`services`]: one function per user action.
//! - [`clock`]: where "now" comes from ([`clock::Clock`]), fixed in tests.
//! - [`settings`]: server, clipboard clear time, idle lock time, theme ([`settings::Settings`]).
//! - [`profile`]: the namespace that keeps test and dev runs away from a user's real data.
//! - [`store`]: where secrets are kept: the OS keyring, or memory in tests ([`store::Secrets`]).
//! - [`activity`]: the local, append-only log of actions taken in the app (never a secret).
//! - [`clipboard`]: what the app copies and when it clears it ([`clipboard::ClipboardGuard`]).
//! - [`export`]: domains as CSV.
//! - [`lock`]: the app lock that secret-bearing services ask first ([`lock::AppLock`]).

pub mod activity;
pub mod api;
pub mod clipboard;
pub mod clock;
pub mod error;
pub mod export;
pub mod lock;
pub mod model;
pub mod profile;
pub mod secret;
pub mod server;
pub mod services;
pub mod settings;
pub mod store;

pub use error::{Error, ErrorCode, IpcError, Result};
pub use secret::Secret;
pub use server::ServerConfig;

//! portal-core's integration tests, one binary (STYLE.md §10):
//!
//! - [`model`]: every model type against the JSON fixtures written from API.md.
//! - [`client`]: sign-in against canned answers from the fixtures.
//! - [`faults`]: the HTTP transport under injected faults, and paging against the sandbox.
//! - [`proxy`]: proxy variables never reach loopback traffic (the test re-runs this binary).
//! - [`services`]: every service against a real sandbox, with a leak check over all of them.
//! - [`keyring`]: the keyring store against the real Secret Service (`#[ignore]`d; run by
//!   `scripts/test.sh` inside a private session bus with gnome-keyring:
//!   `cargo test -p portal-core --test integration keyring:: -- --ignored --test-threads=1`).

mod client;
mod faults;
#[cfg(target_os = "linux")]
mod keyring;
mod model;
mod proxy;
mod services;

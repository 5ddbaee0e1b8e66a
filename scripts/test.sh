#!/usr/bin/env bash
# Sets up what is missing and runs every test and check: rustfmt, clippy (-D warnings), all Rust
# tests (bindings freshness included), svelte-check, eslint + prettier, the UI unit tests, the UI's
# browser tests (built UI in Chromium with the IPC mocked, axe-core on every screen),
# schemathesis against the sandbox's OpenAPI document, and the real-keyring and real-window tests
# under Xvfb with a session bus and an unlocked gnome-keyring.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_toolchains
ensure_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_ui_packages
ensure_tauri_driver

cd "$ROOT"
say "rustfmt"
cargo fmt --all --check

say "UI: svelte-check, eslint, prettier, unit tests"
(cd ui && npm run --silent check && npm run --silent lint && npm run --silent test)
say "UI: browser tests (Chromium, mocked IPC, axe-core; screenshots in target/browser-screenshots/)"
(cd ui && npm run --silent test:browser)
build_ui

say "clippy"
cargo clippy "${CARGO_SELECTION[@]}" --all-targets -- -D warnings
build_app

say "Rust tests"
cargo test "${CARGO_SELECTION[@]}"

bash "$ROOT/scripts/schemathesis.sh"

say "real-keyring tests (gnome-keyring on a private session bus, a locked keyring included)"
with_test_session cargo test "${CARGO_SELECTION[@]}" --test integration keyring:: -- --ignored --test-threads=1

say "real-window tests (screenshots in target/e2e-screenshots/)"
rm -rf target/e2e-screenshots
with_test_session cargo test "${CARGO_SELECTION[@]}" --test app -- --ignored --test-threads=1
say "all tests and checks passed"

#!/usr/bin/env bash
# Builds the release binary and the .deb (icon and desktop entry included) into
# target/release/bundle/deb/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_toolchains
ensure_packages "${BUILD_PACKAGES[@]}"
ensure_ui_packages
build_ui
cd "$ROOT"
say "release build"
cargo build --release -p partner-portal --features partner-portal/custom-protocol
say "packaging the .deb"
node ui/node_modules/@tauri-apps/cli/tauri.js bundle --bundles deb --features custom-protocol
ls -l target/release/bundle/deb/*.deb

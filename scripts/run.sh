#!/usr/bin/env bash
# Sets up what is missing and starts Partner Portal on its bundled sandbox.
# Usage: scripts/run.sh   (extra arguments are passed to the app)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_toolchains
ensure_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}"
ensure_ui_packages
build_ui
build_app

app="$ROOT/target/debug/partner-portal"
say "starting Partner Portal (logs: stderr and the profile's logs/ directory)"
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  say "no display found: running in a virtual one (Xvfb); screenshot it with 'import -window root'"
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- "$app" "$@"
fi
exec "$app" "$@"

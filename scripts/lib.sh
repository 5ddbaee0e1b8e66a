# Shared by scripts/*.sh: idempotent set-up steps for a Debian 12 / Ubuntu 24.04 machine.
# Each step checks first and only installs what is missing, so a second run is quick.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The one cargo selection used everywhere (build, clippy, tests), so nothing recompiles twice.
CARGO_SELECTION=(--workspace --features partner-portal/custom-protocol)
TAURI_DRIVER_VERSION="2.1.0"

# libdbus-1-dev: portal-core talks to the Secret Service through libdbus (the keyring crate).
BUILD_PACKAGES=(build-essential pkg-config libwebkit2gtk-4.1-dev libdbus-1-dev)
RUN_PACKAGES=(xvfb xauth dbus gnome-keyring libsecret-tools)
# chromium: the browser tests of the UI (playwright-core drives Debian's /usr/bin/chromium).
TEST_PACKAGES=(webkit2gtk-driver keyutils xclip xdotool imagemagick python3-venv chromium)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $* (run as root or install sudo)"; fi
}

# ensure_packages PKG...: installs the Debian packages that are not installed yet.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_toolchains() {
  command -v cargo >/dev/null ||
    die "Rust is missing: install rustup (https://rustup.rs), then run this again"
  command -v node >/dev/null ||
    die "Node.js 20.19+ is missing: install it (e.g. from NodeSource), then run this again"
  local major minor
  IFS=. read -r major minor _ <<<"$(node --version | tr -d v)"
  ((major > 20 || (major == 20 && minor >= 19))) ||
    die "Node.js $(node --version) is too old: the UI toolchain needs 20.19 or newer"
}

# npm packages of the UI, reinstalled only when package-lock.json changed.
ensure_ui_packages() {
  local stamp="$ROOT/ui/node_modules/.package-lock.json"
  if [[ ! -f "$stamp" || "$ROOT/ui/package-lock.json" -nt "$stamp" ]]; then
    say "installing npm packages"
    (cd "$ROOT/ui" && npm install --no-audit --no-fund --loglevel=error)
  fi
}

ensure_tauri_driver() {
  local home="${CARGO_HOME:-$HOME/.cargo}"
  local bin="$home/bin/tauri-driver"
  # tauri-driver has no --version: cargo's install record says which version is there.
  if [[ ! -x "$bin" ]] || ! grep -qs "^\"tauri-driver $TAURI_DRIVER_VERSION " "$home/.crates.toml"; then
    say "installing tauri-driver $TAURI_DRIVER_VERSION"
    (cd /tmp && cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --quiet)
  fi
  export TAURI_DRIVER="$bin"
}

build_ui() {
  say "building the UI"
  (cd "$ROOT/ui" && npm run --silent build)
}

build_app() {
  say "building the app (cargo build ${CARGO_SELECTION[*]})"
  (cd "$ROOT" && cargo build "${CARGO_SELECTION[@]}")
}

# with_test_session CMD...: runs CMD in a virtual display (Xvfb) with its own D-Bus session bus
# and an unlocked gnome-keyring whose files live in a throwaway directory.
with_test_session() {
  local keyrings
  keyrings="$(mktemp -d)"
  XDG_DATA_HOME="$keyrings" xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
    dbus-run-session -- bash -c '
      eval "$(printf %s portal-test | gnome-keyring-daemon --unlock --components=secrets)"
      export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
      "$@"' _ "$@"
  local status=$?
  rm -rf "$keyrings"
  return $status
}

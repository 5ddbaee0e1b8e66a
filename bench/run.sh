#!/usr/bin/env bash
# Start-time / memory / size benchmark: Partner Portal vs an empty Tauri app (bench/baseline).
# Builds both in release (+ .deb), runs each N times under Xvfb, prints a Markdown table and writes
# it to bench/results/latest.md. See bench/README.md.
#
#   bench/run.sh [--runs N] [--skip-build] [--only both|ours|baseline] [--idle-secs S] [--mark-timeout S]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="$ROOT/bench/baseline"
RESULTS="$ROOT/bench/results"

RUNS=5
SKIP_BUILD=0
ONLY=both
EXTRA=()
usage() { sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
    --runs=*) RUNS="${1#*=}"; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --only) ONLY="${2:?--only needs both|ours|baseline}"; shift 2 ;;
    --only=*) ONLY="${1#*=}"; shift ;;
    --idle-secs|--mark-timeout|--start-timeout) EXTRA+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --idle-secs=*|--mark-timeout=*|--start-timeout=*) EXTRA+=("$1"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 64 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive integer" >&2; exit 64; }
case "$ONLY" in both|ours|baseline) ;; *) echo "--only must be both, ours or baseline" >&2; exit 64 ;; esac

want() { [[ "$ONLY" == both || "$ONLY" == "$1" ]]; }
say() { printf '\n==> %s\n' "$*" >&2; }

# The Tauri CLI: the project's own copy, else the same version from the npm registry.
# Niced: the machine may be shared with other builds (the measurements themselves are not niced).
tauri_cli() {
  if [[ -f "$ROOT/ui/node_modules/@tauri-apps/cli/tauri.js" ]]; then
    nice -n 19 node "$ROOT/ui/node_modules/@tauri-apps/cli/tauri.js" "$@"
  else
    nice -n 19 npx --yes @tauri-apps/cli@2.12.5 "$@"
  fi
}

# Newest .deb in a bundle directory (empty if none).
newest_deb() { ls -t "$1"/*.deb 2>/dev/null | head -n 1 || true; }

OURS_BIN="$ROOT/target/release/partner-portal"
BASE_BIN="$BASE/target/release/tauri-baseline"

if [[ "$SKIP_BUILD" == 0 ]]; then
  if want ours; then
    say "building Partner Portal (UI, release binary, .deb)"
    if [[ ! -d "$ROOT/ui/node_modules" ]]; then
      npm --prefix "$ROOT/ui" install --no-audit --no-fund
    fi
    npm --prefix "$ROOT/ui" run build
    (cd "$ROOT" && nice -n 19 cargo build --release -p partner-portal --features partner-portal/custom-protocol)
    # `tauri bundle` packages the binary just built (no second compile); the tauri dir is src-tauri.
    (cd "$ROOT" && tauri_cli bundle --bundles deb --features custom-protocol)
  fi
  if want baseline; then
    say "building the empty Tauri app (release binary, .deb)"
    (cd "$BASE" && nice -n 19 cargo build --release --features custom-protocol)
    (cd "$BASE" && tauri_cli bundle --bundles deb --features custom-protocol)
  fi
fi

APPS=2; [[ "$ONLY" == both ]] || APPS=1
say "running ($RUNS runs per app; about $(( RUNS * APPS * 25 )) s)"
exec python3 "$ROOT/bench/bench.py" \
  --runs "$RUNS" --only "$ONLY" \
  --ours-bin "$OURS_BIN" --ours-deb "$(newest_deb "$ROOT/target/release/bundle/deb")" \
  --baseline-bin "$BASE_BIN" --baseline-deb "$(newest_deb "$BASE/target/release/bundle/deb")" \
  --out "$RESULTS" "${EXTRA[@]}"

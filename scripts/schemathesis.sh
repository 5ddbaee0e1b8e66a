#!/usr/bin/env bash
# Runs schemathesis (pinned) against the sandbox's /openapi.json: the partner API with a valid key
# and the portal API with a valid session, bounded in examples and time. Fails on any server
# error, any answer that breaks the document, or a wrong status code or content type.
# Called by scripts/test.sh after the workspace is built (needs target/debug/partner-sandbox).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCHEMATHESIS_VERSION="4.32.5"
venv="$ROOT/target/schemathesis-venv"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  say "installing schemathesis $SCHEMATHESIS_VERSION"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

work="$(mktemp -d)"
"$ROOT/target/debug/partner-sandbox" --addr 127.0.0.1:0 --db "$work/sandbox.sqlite" \
  --domains 300 --admin-password schemathesis >"$work/out" 2>"$work/err" &
sandbox=$!
stop_sandbox() {
  local status=$?
  kill "$sandbox" 2>/dev/null || true
  wait "$sandbox" 2>/dev/null || true
  rm -rf "$work"
  exit "$status"
}
trap stop_sandbox EXIT
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/out" && break
  sleep 0.1
done
base="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/out")"
[[ -n "$base" ]] || die "the sandbox did not start: $(cat "$work/err")"

# A session token and a full key, with the standard library only.
read -r token key < <("$venv/bin/python" - "$base" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
def post(path, body, bearer=None):
    request = urllib.request.Request(base + path, json.dumps(body).encode(), method="POST")
    if bearer:
        request.add_header("Authorization", "Bearer " + bearer)
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["data"]
token = post("/api/portal/v1/sessions",
             {"email": "admin@acme.example", "password": "schemathesis"})["token"]
key = post("/api/portal/v1/api_keys",
           {"label": "schemathesis", "environment": "test", "permission_preset": "full"},
           token)["secret"]
print(token, key)
PY
)
[[ "$token" == ps_* && "$key" == pk_test_* ]] || die "could not sign in to the sandbox or create a key"

# positive_data_acceptance is left out: opaque page tokens and ids that match nothing are valid
# by the schema but rightly refused or not found.
run() {
  # From the throwaway directory, so schemathesis's cache stays out of the repository.
  (cd "$work" && timeout 600 "$venv/bin/schemathesis" run "$base/openapi.json" --max-examples 20 \
    --checks all --exclude-checks positive_data_acceptance --no-color "$@")
}
say "schemathesis: partner API with a key"
run -H "Authorization: Bearer $key" --include-path-regex '^/api/partner/'
say "schemathesis: portal API with a session"
run -H "Authorization: Bearer $token" --include-path-regex '^/api/portal/v1/(api_keys|audit_events)'

#!/usr/bin/env bash
# The operators' own tools against a live hwledgerd (issue 13): builds the fixture ledger, starts the daemon on a
# loopback port, then
#   - promtool check metrics (Debian's prometheus package) on GET /metrics;
#   - schemathesis (PyPI) on schema/openapi.yaml against the daemon, a bounded number of examples per operation:
#     no server error, and no status code, content type or body that contradicts the document;
#   - openapi-core (PyPI) on live responses schemathesis rarely reaches (tiles, binary bodies; scripts/check-openapi-live.py).
# Environment: HWLEDGER_BIN (default .build/debug), SCHEMATHESIS_EXAMPLES (default 25), SCHEMATHESIS_MAX_TIME
# (seconds, default 90).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${HWLEDGER_BIN:-.build/debug}
export PATH="$HOME/.local/bin:$PATH"
work=$(mktemp -d)
pid=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

HWLEDGER="$BIN/hwledger" python3 scripts/build-fixture-ledger.py "$work/ledger.sqlite" --quiet
"$BIN/hwledgerd" --db "$work/ledger.sqlite" --listen 127.0.0.1:0 --operator-key fixtures/ledger/keys/operator.key \
    --reference fixtures/reference --verify-interval 5 2>"$work/daemon.log" &
pid=$!
port=""
for _ in $(seq 1 300); do
    port=$(sed -n 's/^hwledgerd: listening on .*:\([0-9]*\)$/\1/p' "$work/daemon.log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/daemon.log" >&2; echo "hwledgerd exited" >&2; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/daemon.log" >&2; echo "hwledgerd did not start listening" >&2; exit 1; }
base="http://127.0.0.1:$port"

echo "== promtool check metrics ($base/metrics)"
curl -fsS "$base/healthz" >/dev/null
curl -fsS "$base/metrics" >"$work/metrics.txt"
promtool check metrics <"$work/metrics.txt"
echo "promtool: $(grep -c '^# HELP' "$work/metrics.txt") metrics, all with HELP and TYPE"

echo "== schemathesis against $base (schema/openapi.yaml)"
schemathesis run schema/openapi.yaml --url "$base" \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" --max-time "${SCHEMATHESIS_MAX_TIME:-90}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --seed 13 --no-color --suppress-health-check all

echo "== openapi-core against $base (tiles full, partial, level 1, several digit groups; binary bodies)"
python3 scripts/check-openapi-live.py "$base"
kill -0 "$pid" 2>/dev/null || { cat "$work/daemon.log" >&2; echo "hwledgerd died during the run" >&2; exit 1; }
echo "live checks passed"

#!/usr/bin/env bash
# Verifies the ledger and keeps the last verified checkpoint.
#
# With a kept checkpoint, `hwledger verify --trusted LAST` also proves the log still extends it (no rewrite, no
# truncation). On success the kept checkpoint is replaced by the current one (`hwledger checkpoint`), captured
# BEFORE the verification so that what is kept was covered by it. On failure nothing is replaced, a crit message
# goes to the journal, and the script exits non-zero.
# With HWLEDGER_STATE (a directory), each run is incremental (`verify --state`): only the entries appended since the
# last run, plus the re-checks of docs/decisions/008; a state that no longer matches the log is a failure. Remove the
# directory to force a full verification.
set -uo pipefail
db="${HWLEDGER_DB:?set HWLEDGER_DB to the ledger database}"
trusted="${HWLEDGER_TRUSTED:?set HWLEDGER_TRUSTED to the kept checkpoint file}"
hwledger="${HWLEDGER_BIN:-hwledger}"

fail() {
    logger -t hwledger-verify -p user.crit -- "$1" 2>/dev/null || echo "<2>$1" >&2
    echo "$1" >&2
    exit "${2:-3}"
}

tmp="$(mktemp "${trusted}.XXXXXX")" || fail "cannot create a temporary file next to $trusted" 1
trap 'rm -f "$tmp"' EXIT
"$hwledger" checkpoint --db "$db" >"$tmp" || fail "hwledger checkpoint failed for $db" 1

args=(verify --db "$db")
[ -s "$trusted" ] && args+=(--trusted "$trusted")
[ -n "${HWLEDGER_STATE:-}" ] && args+=(--state "$HWLEDGER_STATE")
if ! out="$("$hwledger" "${args[@]}" 2>&1)"; then
    fail "ledger verification FAILED for $db: $out" 3
fi
echo "$out"
chmod 0640 "$tmp"
mv -f "$tmp" "$trusted" || fail "cannot replace $trusted" 1
trap - EXIT
logger -t hwledger-verify -p user.info -- "verified $db; kept checkpoint of size $(sed -n 2p "$trusted")" 2>/dev/null || true

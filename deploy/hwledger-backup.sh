#!/usr/bin/env bash
# Takes tonight's backup of the ledger and keeps the last HWLEDGER_BACKUP_KEEP_DAYS days of them.
#
# `hwledger backup` copies one committed state of the live ledger (SQLite's online backup API; hwledgerd keeps
# appending), verifies the copy as `hwledger verify` does, and only then gives it its name; it never overwrites a
# file, and a failed backup leaves nothing. Backups are named ledger-<UTC date>T<time>Z.sqlite in
# HWLEDGER_BACKUP_DIR, with the --json result beside each (.json). Rotation deletes backups older than the kept
# days, but never the newest verified one, and only after tonight's succeeded. On failure a crit message goes to the
# journal and the script exits non-zero (3: the copy did not verify).
set -uo pipefail
db="${HWLEDGER_DB:?set HWLEDGER_DB to the ledger database}"
dir="${HWLEDGER_BACKUP_DIR:?set HWLEDGER_BACKUP_DIR to the backup directory}"
keep="${HWLEDGER_BACKUP_KEEP_DAYS:-14}"
hwledger="${HWLEDGER_BIN:-hwledger}"

fail() {
    logger -t hwledger-backup -p user.crit -- "$1" 2>/dev/null || echo "<2>$1" >&2
    echo "$1" >&2
    exit "${2:-1}"
}

case "$keep" in '' | *[!0-9]* | 0) fail "HWLEDGER_BACKUP_KEEP_DAYS must be a whole number of days, at least 1 (got '$keep')" 64 ;; esac
mkdir -p "$dir" || fail "cannot create the backup directory $dir" 1

name="ledger-$(date -u +%Y%m%dT%H%M%SZ).sqlite"
out="$dir/$name"
log="$(mktemp)" || fail "cannot create a temporary file" 1
trap 'rm -f "$log"' EXIT
result="$("$hwledger" backup --db "$db" --out "$out" --json --progress 2>"$log")"
status=$?
[ "$status" -eq 0 ] || fail "ledger backup FAILED for $db (exit $status): $result $(grep -v "^backup " "$log" | tail -n 3 | tr "\n" " ")" "$status"
printf '%s\n' "$result" >"$dir/$name.json"
chmod 0640 "$out" "$dir/$name.json"
echo "$result"

# Rotation: backups (and their .json) older than $keep days, never the one just taken.
find "$dir" -maxdepth 1 -type f -name 'ledger-*.sqlite' ! -name "$name" -mtime "+$((keep - 1))" -print0 |
    while IFS= read -r -d '' old; do
        rm -f -- "$old" "$old.json" && echo "removed $old (older than $keep days)"
    done
logger -t hwledger-backup -p user.info -- "backed up $db to $out: $result" 2>/dev/null || true

#!/usr/bin/env bash
# Compares every report two builds of hwledger give on one ledger (docs/decisions/020: the read models must answer
# exactly as the computation they replaced).
#
#   scripts/report-parity.sh OLD_HWLEDGER NEW_HWLEDGER DB [AS_OF...]
#
# PARITY_ENTERPRISES=N asks the worklists of the first N enterprises only (the old build decodes every manifest per
# question: on a 10^5 ledger each of its answers takes seconds).
# OLD_HWLEDGER reads DB as it is; NEW_HWLEDGER reads a copy after `rebuild --upgrade` (its projections and read
# models). For each as-of date (default 2025-06-30 2025-12-31): the worklist of both regulators and of every
# enterprise, all anomalies; then the 2025 whitelist report, every 2025 quarter's statement both ways, and the
# first page of manifest lists by state and by party. Prints the number of answers compared; exits 1 on the first
# difference, showing it.
set -euo pipefail
old=$1 new=$2 db=$3
shift 3
dates=("$@")
[ $# -eq 0 ] && dates=(2025-06-30 2025-12-31)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$db" "$work/new.sqlite"
[ -f "$db-wal" ] && cp "$db-wal" "$work/new.sqlite-wal"
"$new" rebuild --upgrade --db "$work/new.sqlite" >/dev/null
mkdir -p "$work/a" "$work/b"
enterprises=$(sqlite3 "$db" "SELECT key FROM projections WHERE kind = 'enterprise' ORDER BY key LIMIT ${PARITY_ENTERPRISES:--1};")
n=0
ask() { # name, arguments…
    local name=$1
    shift
    "$old" "$@" --db "$db" >"$work/a/$name" 2>&1 || true
    "$new" "$@" --db "$work/new.sqlite" >"$work/b/$name" 2>&1 || true
    if ! cmp -s "$work/a/$name" "$work/b/$name"; then
        echo "report-parity: $name differs ($*)" >&2
        diff <(head -c 3000 "$work/a/$name") <(head -c 3000 "$work/b/$name") >&2 || true
        exit 1
    fi
    n=$((n + 1))
}
for d in "${dates[@]}"; do
    for p in REG-510000 REG-500000 $enterprises; do ask "worklist-$p-$d" worklist --as "$p" --as-of "$d" --json; done
    ask "anomalies-$d" audit anomalies --as-of "$d" --json
done
ask whitelist whitelist report --year 2025 --json
for q in 2025Q1 2025Q2 2025Q3 2025Q4; do
    ask "statement-$q-sc" compensation statement --quarter "$q" --payer 510000 --payee 500000
    ask "statement-$q-cq" compensation statement --quarter "$q" --payer 500000 --payee 510000
done
for s in filed inTransit received rejected cancelled; do ask "list-$s" manifest list --status "$s" --limit 100 --json; done
for p in $(echo "$enterprises" | head -8); do ask "list-party-$p" manifest list --party "$p" --limit 100 --json; done
echo "report-parity: $n answers identical"

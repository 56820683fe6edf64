#!/usr/bin/env bash
# The README's one command on a fresh machine:
#   installs what the build needs (scripts/setup.sh), builds the CLI, builds the 2025 demo ledger from fixtures/ledger
#   into out/fixture.sqlite (git-ignored; rebuilt on every run), verifies it, prints a summary and the anomalies
#   as of 2025-12-31, the 2025Q3 compensation net settlement and the 点对点 registrations.
# Environment: HWLEDGER=path/to/hwledger to use a CLI built elsewhere (skips `swift build`); DEMO_DB=path to build the
# ledger somewhere else (must not exist).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

echo "== setup"
scripts/setup.sh
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

if [ -z "${HWLEDGER:-}" ]; then
    echo "== swift build --product hwledger"
    swift build --product hwledger
    HWLEDGER="$ROOT/.build/debug/hwledger"
fi
export HWLEDGER

DB=${DEMO_DB:-"$ROOT/out/fixture.sqlite"}
if [ -z "${DEMO_DB:-}" ]; then
    mkdir -p "$ROOT/out"
    rm -f "$DB" "$DB-wal" "$DB-shm"
fi

echo "== building the fixture ledger into $DB"
python3 scripts/build-fixture-ledger.py "$DB"

echo "== hwledger verify"
"$HWLEDGER" verify --db "$DB"

echo "== summary"
SUMMARY=$(cat <<'PY'
import base64, collections, json, sys
types = collections.Counter()
state = {}
partial = set()
corrected = set()
returns = set()
for line in sys.stdin:
    if not line.strip():
        continue
    entry = json.loads(base64.b64decode(json.loads(line)["data"]))
    sub = entry["submission"]
    t, body = sub["type"], sub["body"]
    types[t] += 1
    if t == "manifest.filed":
        no = entry["assigned"]["manifestNo"]
        state[no] = "filed"
        if "returnOf" in body:
            returns.add(no)
    elif t == "manifest.pickedUp":
        state[body["manifestNo"]] = "inTransit"
    elif t == "manifest.received":
        state[body["manifestNo"]] = "received"
        if any(l.get("rejectedGrams", 0) > 0 for l in body["lines"]):
            partial.add(body["manifestNo"])
    elif t == "manifest.rejected":
        state[body["manifestNo"]] = "rejected"
    elif t == "manifest.cancelled":
        state[body["manifestNo"]] = "cancelled"
    elif t == "manifest.correction.proposed":
        corrected.add(body["manifestNo"])
total = sum(types.values())
print(f"entries:            {total} (genesis included)")
print(f"enterprises:        {types['enterprise.registered']}")
print(f"permits:            {types['permit.issued']}")
print(f"applications:       {types['approval.applied']} ({types['approval.decided']} decided, {types['approval.notified']} whitelist-route notices)")
print(f"manifests:          {len(state)} ({len(returns)} returns, {len(partial)} partly rejected, {len(corrected)} corrected)")
for s in ("filed", "inTransit", "received", "rejected", "cancelled"):
    print(f"  {s:<17} {sum(1 for v in state.values() if v == s)}")
print("events by type:")
for t, n in sorted(types.items()):
    print(f"  {t:<33} {n}")
PY
)
"$HWLEDGER" entries --db "$DB" | python3 -c "$SUMMARY"

echo "== hwledger audit anomalies --as-of 2025-12-31"
# The fixture is 2025 history entered now (补录): every receipt is entered long after its delivery, so each one
# also shows as A-RECEIPT-LATE; the other anomalies are the ones the dataset was built to show.
if out=$("$HWLEDGER" audit anomalies --db "$DB" --as-of 2025-12-31); then
    printf '%s\n' "$out" | awk -F'\t' 'NR > 1 { n[$1]++ } END { for (k in n) printf "  %-22s %d\n", k, n[k] }' | sort
    printf '%s\n' "$out"
else
    echo "(hwledger audit anomalies failed or is not available in this build)" >&2
fi

echo "== hwledger compensation statement --quarter 2025Q3 --net"
# 跨区域处置补偿 (SPEC §2.6) with the illustrative rate tables of the fixture (no official rate is published): each
# direction's 2025Q3 statement (Sichuan's includes a rate change on 2025-08-01 and an adjustment for a correction to
# the closed 2025Q2), netted.
NET=$("$HWLEDGER" compensation statement --db "$DB" --quarter 2025Q3 --net)
NETLINE=$(cat <<'PY'
import json, sys
names = {"510000": "四川省", "500000": "重庆市"}
def yuan(fen):
    return ("-" if fen < 0 else "") + "%d.%02d" % divmod(abs(fen), 100)
s = json.load(sys.stdin)
for d in s["directions"]:
    print("  %s → %s: %s 元" % (d["payer"], d["payee"], yuan(d["totalFen"])))
n = s["net"]
print("%s net settlement: %s (%s) pays %s (%s) %s 元 (%d fen)" % (
    s["quarter"], names.get(n["payer"], n["payer"]), n["payer"], names.get(n["payee"], n["payee"]), n["payee"],
    n["amountYuan"], n["amountFen"]))
PY
)
printf '%s\n' "$NET" | python3 -c "$NETLINE"
printf '%s\n' "$NET"

echo "== hwledger p2p list --year 2025"
"$HWLEDGER" p2p list --db "$DB" --year 2025

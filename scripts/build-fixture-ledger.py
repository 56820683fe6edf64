#!/usr/bin/env python3
"""Builds the demo ledger of fixtures/ledger into a NEW database.

    python3 scripts/build-fixture-ledger.py DB [--quiet]

1. Fills the regulators' verifier keys into fixtures/ledger/genesis.json ("@vkey:REG-…" → keys/REG-….vkey) and runs
   `hwledger init --db DB --genesis … --operator-key keys/operator.key --reference fixtures/reference`.
2. Submits fixtures/ledger/events.jsonl in order. Consecutive events of the same actor go into one
   `hwledger submit --db DB --key keys/<actor>.key batch.jsonl` call, unless an event refers (by "@Mnn") to a
   manifest filed in the batch not yet submitted; "@Mnn" (the nn-th manifest.filed of the file) is replaced by the
   `assigned.manifestNo` the ledger printed for it.
3. Marked points: a line `{"type":"@close","quarter":Q,"payer":P,"payee":R,"actor":"REG-R"}` is not an event; there
   the script runs `hwledger compensation close --db DB --quarter Q --payer P --payee R --key keys/<actor>.key`, so the
   `compensation.statement.closed` it appends carries the totalFen and digest of the statement the ledger recomputes
   at that point (SPEC §2.6: anything else is R-STATEMENT).
4. Fails loudly: any rejected event stops the build with exit 1, printing the event and the ledger's error.

The CLI is $HWLEDGER, else .build/debug/hwledger or .build/release/hwledger under the repository root (the newer).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEDGER = os.path.join(ROOT, "fixtures", "ledger")
KEYS = os.path.join(LEDGER, "keys")
PLACEHOLDER = re.compile(r"^@M(\d+)$")


def die(msg, code=1):
    print(f"build-fixture-ledger: {msg}", file=sys.stderr)
    sys.exit(code)


def find_cli():
    env = os.environ.get("HWLEDGER")
    if env:
        return env
    found = [p for p in (os.path.join(ROOT, ".build/debug/hwledger"), os.path.join(ROOT, ".build/release/hwledger"))
             if os.access(p, os.X_OK)]
    if not found:
        die("hwledger CLI not found: run `swift build --product hwledger` or set HWLEDGER")
    return max(found, key=os.path.getmtime)


def read_vkey(name):
    path = os.path.join(KEYS, name + ".vkey")
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError as e:
        die(f"cannot read verifier key {path}: {e}")


def key_path(actor, origin):
    name = "operator" if actor == origin else actor
    path = os.path.join(KEYS, name + ".key")
    if not os.path.exists(path):
        die(f"no key file for actor {actor}: {path}")
    return path


def placeholders(x, out):
    if isinstance(x, dict):
        for v in x.values():
            placeholders(v, out)
    elif isinstance(x, list):
        for v in x:
            placeholders(v, out)
    elif isinstance(x, str):
        m = PLACEHOLDER.match(x)
        if m:
            out.add(int(m.group(1)))
    return out


def substitute(x, numbers):
    if isinstance(x, dict):
        return {k: substitute(v, numbers) for k, v in x.items()}
    if isinstance(x, list):
        return [substitute(v, numbers) for v in x]
    if isinstance(x, str):
        m = PLACEHOLDER.match(x)
        if m:
            return numbers[int(m.group(1))]
    return x


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quiet = "--quiet" in sys.argv
    if len(args) != 1:
        die("usage: build-fixture-ledger.py DB [--quiet]", 64)
    db = args[0]
    if os.path.exists(db):
        die(f"{db} already exists; give a new path", 64)
    cli = find_cli()

    with open(os.path.join(LEDGER, "genesis.json"), encoding="utf-8") as f:
        genesis = json.load(f)
    origin = genesis["origin"]
    for reg in genesis["regulators"]:
        if isinstance(reg.get("key"), str) and reg["key"].startswith("@vkey:"):
            reg["key"] = read_vkey(reg["key"][len("@vkey:"):])

    events = []
    with open(os.path.join(LEDGER, "events.jsonl"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    events.append((n, json.loads(line)))
                except json.JSONDecodeError as e:
                    die(f"events.jsonl line {n} is not JSON: {e}")

    with tempfile.TemporaryDirectory(prefix="hwledger-fixture-") as tmp:
        gpath = os.path.join(tmp, "genesis.json")
        with open(gpath, "w", encoding="utf-8") as f:
            json.dump(genesis, f, ensure_ascii=False)
        r = subprocess.run([cli, "init", "--db", db, "--genesis", gpath, "--operator-key", key_path(origin, origin),
                            "--reference", os.path.join(ROOT, "fixtures", "reference")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            die(f"hwledger init failed (exit {r.returncode}):\n{r.stdout}{r.stderr}")

        # Ordinal of each manifest.filed event (1-based, file order) → its index in `events`.
        filed_ordinal = {}
        count = 0
        for i, (_, e) in enumerate(events):
            if e.get("type") == "manifest.filed":
                count += 1
                filed_ordinal[i] = count
        for i, (n, e) in enumerate(events):
            for k in placeholders(e, set()):
                if k > count:
                    die(f"events.jsonl line {n} refers to @M{k:02d}, but the file files only {count} manifests")
                target = next(j for j, o in filed_ordinal.items() if o == k)
                if target >= i:
                    die(f"events.jsonl line {n} refers to @M{k:02d}, filed later (line {events[target][0]})")

        numbers = {}  # ordinal → manifest number assigned by the ledger
        calls = 0
        appended = 0
        i = 0
        while i < len(events):
            actor = events[i][1].get("actor")
            if events[i][1].get("type") == "@close":
                n, e = events[i]
                missing = [k for k in ("quarter", "payer", "payee", "actor") if not isinstance(e.get(k), str)]
                if missing:
                    die(f"events.jsonl line {n}: @close needs {', '.join(missing)}")
                r = subprocess.run([cli, "compensation", "close", "--db", db, "--quarter", e["quarter"], "--payer", e["payer"],
                                    "--payee", e["payee"], "--key", key_path(actor, origin),
                                    "--operator-key", key_path(origin, origin)],
                                   capture_output=True, text=True)
                calls += 1
                if r.returncode != 0:
                    print(f"REJECTED events.jsonl line {n}: {json.dumps(e, ensure_ascii=False)} "
                          f"(hwledger compensation close exited {r.returncode})\n{r.stdout}{r.stderr}", file=sys.stderr)
                    die(f"fixture ledger {db} is incomplete: fix fixtures/ledger/events.jsonl and rebuild into a new path")
                appended += 1
                i += 1
                continue
            batch = []  # indices into events
            pending = set()  # ordinals filed in this batch
            j = i
            while j < len(events) and events[j][1].get("actor") == actor and events[j][1].get("type") != "@close":
                if placeholders(events[j][1], set()) & pending:
                    break
                batch.append(j)
                if j in filed_ordinal:
                    pending.add(filed_ordinal[j])
                j += 1
            bpath = os.path.join(tmp, "batch-%04d.jsonl" % calls)
            with open(bpath, "w", encoding="utf-8") as f:
                for k in batch:
                    f.write(json.dumps(substitute(events[k][1], numbers), ensure_ascii=False) + "\n")
            r = subprocess.run([cli, "submit", "--db", db, "--key", key_path(actor, origin), bpath],
                               capture_output=True, text=True)
            calls += 1
            results = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
            failed = False
            for k, res in zip(batch, results):
                if "error" in res:
                    n, e = events[k]
                    print(f"REJECTED events.jsonl line {n}: {json.dumps(substitute(e, numbers), ensure_ascii=False)}",
                          file=sys.stderr)
                    print(f"  error: {json.dumps(res['error'], ensure_ascii=False)}", file=sys.stderr)
                    failed = True
                elif k in filed_ordinal:
                    no = (res.get("assigned") or {}).get("manifestNo")
                    if not no:
                        print(f"events.jsonl line {events[k][0]}: manifest.filed accepted without assigned.manifestNo: {res}",
                              file=sys.stderr)
                        failed = True
                    numbers[filed_ordinal[k]] = no
            if failed or r.returncode != 0 or len(results) != len(batch):
                if not failed:
                    print(f"hwledger submit exited {r.returncode} with {len(results)} result lines for {len(batch)} events "
                          f"(events.jsonl lines {events[batch[0]][0]}–{events[batch[-1]][0]}):\n{r.stdout}{r.stderr}",
                          file=sys.stderr)
                die(f"fixture ledger {db} is incomplete: fix fixtures/ledger/events.jsonl and rebuild into a new path")
            appended += len(batch)
            i = j
    if not quiet:
        print(f"built {db}: genesis + {appended} events in {calls} submit calls; {len(numbers)} manifests numbered")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Browser tests of the enterprises' forms (issue 11) in real headless Chromium, driven by selenium.

    python3 Tests/browser/forms_browser_test.py [--keep]

Reuses the console test's daemon, browser and helpers (console_browser_test.py). Starts the built `hwledgerd` on
127.0.0.1:0 over the 2025 fixture ledger and checks, in the browser, the console's own JavaScript:
  - canonical.js gives the bytes of every vector of fixtures/canonical/vectors.json (the Swift test
    CanonicalVectorTests checks the Swift encoder against the same file in the same CI run) and refuses every
    reject vector;
  - tonnes.js converts tonnes to grams exactly (0.001 t, 99999.999 t) and refuses negatives, 4 decimals and
    non-numbers with a clear Chinese message.
Screenshots go to out/forms/. Prints one line per check and ends with `N passed, N failed`; exit 1 if any failed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_browser_test import (  # noqa: E402  (the console's harness, shared)
    BUILD, HWLEDGER, ROOT, Browser, Daemon, Failed, check)

OUT = os.path.join(ROOT, "out", "forms")
VECTORS = os.path.join(ROOT, "fixtures", "canonical", "vectors.json")


def load_assets(driver, base, *names):
    """Loads console assets into the current page, as the pages do (same origin, no inline script)."""
    driver.set_script_timeout(15)
    err = driver.execute_async_script("""
        const [names, done] = [arguments[0], arguments[arguments.length - 1]];
        let left = names.length;
        for (const n of names) {
          const s = document.createElement("script");
          s.src = "/ui/assets/" + n;
          s.onload = () => { if (--left === 0) done(null); };
          s.onerror = () => done("could not load " + n);
          document.head.appendChild(s);
        }""", list(names))
    check(err is None, f"assets load from the daemon: {err}")


def canonical_vectors(browser, base):
    d = browser.driver
    d.get(base + "/ui/signin")
    load_assets(d, base, "canonical.js")
    with open(VECTORS, encoding="utf-8") as f:
        doc = json.load(f)
    results = d.execute_script("""
        const doc = arguments[0];
        const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
        const ok = doc.vectors.map((v) => {
          try { return hex(HWLCanonical.encode(JSON.parse(v.input))); } catch (e) { return "threw: " + e.message; }
        });
        const refused = doc.reject.map((r) => {
          try { HWLCanonical.encode(JSON.parse(r.input)); return null; } catch (e) { return e.message; }
        });
        return { ok, refused };""", doc)
    for v, got in zip(doc["vectors"], results["ok"]):
        check(got == v["canonicalHex"], f"canonical.js on '{v['desc']}': got {got}, want {v['canonicalHex']}")
        # The vectors are Python's json.dumps too (SPEC §3.1's reference), so three encoders agree.
        py = json.dumps(json.loads(v["input"]), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        check(py.hex() == v["canonicalHex"], f"python agrees on '{v['desc']}'")
    for r, message in zip(doc["reject"], results["refused"]):
        check(message, f"canonical.js refuses '{r['desc']}'")
    check(len(results["ok"]) >= 20 and len(results["refused"]) >= 7, "every vector ran")


def tonnes(browser, base):
    d = browser.driver
    d.get(base + "/ui/signin")
    load_assets(d, base, "tonnes.js")
    exact = {"0.001": 1000, "99999.999": 99999999000, "12.345": 12345000, "1": 1000000, "0.1": 100000,
             " 7.5 ": 7500000, "007.050": 7050000, "999999999.999": 999999999999000}
    got = d.execute_script("return Object.fromEntries(Object.keys(arguments[0]).map((t) => [t, HWLTonnes.toGrams(t)]));", exact)
    check(got == exact, f"tonnes convert to grams exactly: {got}")
    back = d.execute_script("return [1000, 99999999000, 12345000, 1000000, 1].map(HWLTonnes.fromGrams);")
    check(back == ["0.001", "99999.999", "12.345", "1.000", "0.000001"], f"grams print as tonnes: {back}")
    zero = d.execute_script("return HWLTonnes.toGrams('0', { allowZero: true });")
    check(zero == 0, "a received or rejected quantity may be 0")
    refusals = {"-1": "负数", "-0.001": "负数", "1.2345": "3 位小数", "abc": "数字", "": "请填写", "1,5": "数字",
                "1e3": "数字", ".5": "数字", "0": "大于 0", "+1": "正号", "1234567890": "过大"}
    messages = d.execute_script("""
        return Object.fromEntries(Object.keys(arguments[0]).map((t) => {
          try { HWLTonnes.toGrams(t); return [t, null]; } catch (e) { return [t, e.message]; }
        }));""", refusals)
    for text, fragment in refusals.items():
        check(messages[text] and fragment in messages[text], f"'{text}' is refused with a message saying {fragment}: {messages[text]}")


def main():
    keep = "--keep" in sys.argv
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="hwl-forms-")
    db = os.path.join(work, "ledger.sqlite")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "build-fixture-ledger.py"), db, "--quiet"], check=True,
                   env=dict(os.environ, HWLEDGER=HWLEDGER))
    daemon = Daemon(db, work)
    browser = Browser()
    results = []

    def run(name, body, *args):
        try:
            body(*args)
            results.append((name, None))
            print(f"ok    {name}", flush=True)
        except Exception as e:
            results.append((name, e))
            print(f"FAIL  {name}: {e}", flush=True)
            if not isinstance(e, Failed):
                traceback.print_exc()

    base = daemon.base
    try:
        run("canonical.js gives the Swift encoder's bytes on every shared vector and refuses the reject vectors",
            canonical_vectors, browser, base)
        run("tonnes convert to grams exactly (0.001 t, 99999.999 t); negatives, 4 decimals and non-numbers are refused",
            tonnes, browser, base)
    finally:
        browser.quit()
        daemon.stop()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    failed = sum(1 for _, e in results if e)
    print(f"forms browser tests: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

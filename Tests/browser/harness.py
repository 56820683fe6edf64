#!/usr/bin/env python3
"""The browser tests' shared harness: the built binaries, the fixture ledger, the daemon on a loopback port, headless
Chromium through chromium-driver, and the check runner that prints one line per check.

Used by console_browser_test.py (issue 10) and forms_browser_test.py (issue 11). Not a test by itself.

The fixture ledger is 2025 history; current_year_chapter() appends, with the real CLI, fresh permits and approvals
dated today (北京时间) so that a test filing today does not depend on the date it runs on.
"""
import calendar
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = os.path.join(ROOT, "fixtures", "ledger", "keys")
BUILD = os.environ.get("HWLEDGER_BUILD", os.path.join(ROOT, ".build", "debug"))
HWLEDGER = os.path.join(BUILD, "hwledger")
HWLEDGERD = os.path.join(BUILD, "hwledgerd")


class Failed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failed(what)


def listening_port(proc, log, what, timeout=30):
    """The port a server started as `proc` reports on its log file (`listening on 127.0.0.1:PORT`)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        log.seek(0)
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read())
        if m:
            return int(m.group(1))
        if proc.poll() is not None:
            raise Failed(f"{what} exited at start")
        time.sleep(0.05)
    raise Failed(f"{what} did not report its port")


class Daemon:
    def __init__(self, db, workdir, extra_args=()):
        self.log = open(os.path.join(workdir, "hwledgerd.log"), "w+")
        self.proc = subprocess.Popen(
            [HWLEDGERD, "--db", db, "--listen", "127.0.0.1:0", "--verify-interval", "2", *extra_args],
            stderr=self.log, stdout=subprocess.DEVNULL,
            env=dict(os.environ, HWLEDGER_REFERENCE=os.path.join(ROOT, "fixtures", "reference"),
                     HWLEDGER_PARENT_PID=str(os.getpid())))  # stops by itself if this test dies without stopping it
        self.port = listening_port(self.proc, self.log, "hwledgerd")
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http(method, url, body=None, headers=None):
    """One request, redirects not followed."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with OPENER.open(req, timeout=20) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def entries_count(db):
    out = subprocess.run([HWLEDGER, "entries", "--db", db], capture_output=True, text=True, check=True).stdout
    return len(out.splitlines())


def entry_at(db, index):
    """The ledger entry at `index` (its JSON: submission, sig, assigned, …), read with `hwledger entries`."""
    import base64
    import json
    line = subprocess.run([HWLEDGER, "entries", "--db", db, "--from", str(index)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[0]
    return json.loads(base64.b64decode(json.loads(line)["data"]))


def independent_signature_ok(entry):
    """Ed25519 over "hwledger/submission/v1\n" + canonical submission, with the signer's verifier key from the key
    directory, checked by Python's cryptography (not the project's code)."""
    import base64
    import json
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    submission = entry["submission"]
    with open(os.path.join(KEYS, submission["actor"] + ".vkey")) as f:
        name, key_id, encoded = f.read().strip().split("+", 2)
    check(key_id == submission["keyId"], "the key id is the actor's")
    raw = base64.b64decode(encoded)
    message = b"hwledger/submission/v1\n" + json.dumps(
        submission, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    try:
        Ed25519PublicKey.from_public_bytes(raw[1:]).verify(base64.b64decode(entry["sig"]), message)
        return True
    except InvalidSignature:
        return False



class Browser:
    def __init__(self, out):
        self.out = out
        os.makedirs(out, exist_ok=True)
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN",
                    "--window-size=1366,768", "--hide-scrollbars"):
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        self.driver.set_window_size(1366, 768)

    def quit(self):
        self.driver.quit()

    def shot(self, name, full=False):
        """Saves the page as the user sees it at 1366×768 (full=True: the whole page height)."""
        path = os.path.join(self.out, name + ".png")
        if full:
            import base64
            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            height = int(metrics["cssContentSize"]["height"])
            data = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": 1366, "height": height, "scale": 1}})
            with open(path, "wb") as f:
                f.write(base64.b64decode(data["data"]))
        else:
            self.driver.save_screenshot(path)
        return path

    def wait_for(self, predicate, what, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if predicate():
                    return
            except Exception:
                pass
            time.sleep(0.05)
        raise Failed(f"timed out waiting for {what} (at {self.driver.current_url})")

    def text(self):
        return self.driver.find_element("tag name", "body").text

    def sign_in(self, base, key_file, expect_ok=True):
        d = self.driver
        d.delete_all_cookies()
        d.get(base + "/ui/signin")
        d.find_element("id", "keyfile").send_keys(key_file)
        d.find_element("id", "signin-button").click()
        if expect_ok:
            try:
                self.wait_for(lambda: "/ui/signin" not in d.current_url, "the sign-in to leave the sign-in page")
            except Failed:
                raise Failed("sign-in did not complete: " + d.find_element("id", "signin-status").text)
        else:
            self.wait_for(lambda: "bad" in d.find_element("id", "signin-status").get_attribute("class"), "a sign-in error")



def fixture_ledger(work):
    """Builds the 2025 fixture ledger (scripts/build-fixture-ledger.py) in `work`; returns its path."""
    db = os.path.join(work, "ledger.sqlite")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "build-fixture-ledger.py"), db, "--quiet"], check=True,
                   env=dict(os.environ, HWLEDGER=HWLEDGER))
    return db


BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def beijing_now():
    """Now in 北京时间 (UTC+8, no daylight saving), as an aware datetime."""
    return dt.datetime.now(BEIJING)


def add_months(day, months):
    """`day` plus whole calendar months, clamped to the month's last day (2026-03-31 + 11 months → 2027-02-28)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# The principals of the current-year chapter (see current_year_chapter).
SC_REG, CQ_REG = "REG-510000", "REG-500000"
CHAPTER_RECEIVERS = {  # receiver → (issuing regulator, permit prefix, codes, methods, capacity grams)
    "91500118MA00000151": (CQ_REG, "渝环危第500118", ["900-249-08", "900-214-08", "900-041-49", "900-039-49", "772-002-18",
                                                      "336-064-17"], ["R9", "D10", "D1", "D9"], 50_000_000_000),
    "91500115MA0000014J": (CQ_REG, "渝环危第500115", ["900-045-49", "900-023-29", "900-052-31", "900-044-49"], ["R4", "D9"],
                           15_000_000_000),
}
CHAPTER_CARRIERS = {  # carrier → (issuing regulator, permit prefix)
    "91510100MA00000051": (SC_REG, "川交运管危字510100"), "91510500MA0000006Q": (SC_REG, "川交运管危字510500"),
    "91500107MA0000012R": (CQ_REG, "渝交运管危字500107"), "91500116MA0000013X": (CQ_REG, "渝交运管危字500116"),
}
# Fresh cross-province approvals (full route): serial → (generator, receiver, waste code, method, grams).
CHAPTER_APPROVALS = {
    801: ("91511500MA0000004Y", "91500118MA00000151", "900-039-49", "D10", 300_000_000),  # 宜宾 → 永川
    802: ("91510100MA0000001L", "91500115MA0000014J", "900-045-49", "R4", 600_000_000),  # 成都 → 江北 (another generator)
}


def submit_events(db, work, actor, events, name):
    """Signs `events` with fixtures/ledger/keys/<actor>.key and appends them with the real CLI (`hwledger submit`);
    fails unless every line is accepted. Returns the result lines."""
    path = os.path.join(work, name + ".jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for body_type, body in events:
            f.write(json.dumps({"type": body_type, "actor": actor, "body": body}, ensure_ascii=False) + "\n")
    r = subprocess.run([HWLEDGER, "submit", "--db", db, "--key", os.path.join(KEYS, actor + ".key"), path],
                       capture_output=True, text=True)
    results = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    if r.returncode != 0 or len(results) != len(events) or any("error" in x for x in results):
        raise Failed(f"the current-year chapter's {name} was refused (exit {r.returncode}): {r.stdout} {r.stderr}")
    return results


def current_year_chapter(db, work):
    """Appends, with the real CLI and the fixture's keys, what a regulator and the enterprises would have done this
    year, so that the tests do not depend on the calendar date they run on (the 2025 fixture's approvals and some of
    its permits have ended by now):
      - fresh permits valid from 30 days ago to today + 2 years (北京时间): operating permits of the receivers the
        tests use (CHAPTER_RECEIVERS, the fixture's codes and methods) and transport permits of every carrier;
      - fresh cross-province approvals on the full route (CHAPTER_APPROVALS), every step dated today: applied by the
        generator, reviewed (agree) and consultation requested by 四川, replied (agree) by 重庆, decided (approved, the
        requested grams) by 四川, valid from today for 11 months (SPEC §2.2: at most 12).
    Act dates are today in Asia/Shanghai, never later than the signature made now (R-TIME). Returns
    {"today", "approvals": {generator: {"applicationId", "approvalNo", "receiver", "code", "method", "grams",
    "from", "to"}}}, dates as YYYY-MM-DD strings."""
    today = beijing_now().date()
    permit_from = (today - dt.timedelta(days=30)).isoformat()
    permit_to = add_months(today, 24).isoformat()
    valid_from, valid_to = today.isoformat(), (add_months(today, 11) - dt.timedelta(days=1)).isoformat()
    on = today.isoformat()
    year = today.year
    permits = {SC_REG: [], CQ_REG: []}
    for holder, (reg, prefix, codes, methods, capacity) in CHAPTER_RECEIVERS.items():
        permits[reg].append(("permit.issued", {
            "permitNo": f"{prefix}{year}01号", "holder": holder, "kind": "operating", "wasteCodes": codes,
            "methods": methods, "capacityGrams": capacity, "validFrom": permit_from, "validTo": permit_to}))
    for holder, (reg, prefix) in CHAPTER_CARRIERS.items():
        permits[reg].append(("permit.issued", {
            "permitNo": f"{prefix}{year}01号", "holder": holder, "kind": "transport", "validFrom": permit_from,
            "validTo": permit_to}))
    for reg, events in permits.items():
        submit_events(db, work, reg, events, "chapter-permits-" + reg)
    approvals = {}
    for serial, (generator, receiver, code, method, grams) in CHAPTER_APPROVALS.items():
        app = f"SQ-510000-{year}-{serial}"
        submit_events(db, work, generator, [("approval.applied", {
            "applicationId": app, "generator": generator, "receiver": receiver, "wasteCode": code, "grams": grams,
            "method": method, "validFrom": valid_from, "validTo": valid_to, "appliedOn": on})], f"chapter-{serial}-applied")
        approvals[generator] = {"applicationId": app, "approvalNo": f"川环危转〔{year}〕{serial}号", "receiver": receiver,
                                "code": code, "method": method, "grams": grams, "from": valid_from, "to": valid_to}
    submit_events(db, work, SC_REG, [e for a in approvals.values() for e in (
        ("approval.reviewed", {"applicationId": a["applicationId"], "opinion": "agree", "reviewedOn": on}),
        ("approval.consultation.requested", {"applicationId": a["applicationId"], "requestedOn": on}))],
        "chapter-reviewed")
    submit_events(db, work, CQ_REG, [("approval.consultation.replied", {
        "applicationId": a["applicationId"], "opinion": "agree", "repliedOn": on}) for a in approvals.values()],
        "chapter-replied")
    submit_events(db, work, SC_REG, [("approval.decided", {
        "applicationId": a["applicationId"], "decision": "approved", "decidedOn": on, "approvalNo": a["approvalNo"],
        "grams": a["grams"], "validFrom": a["from"], "validTo": a["to"]}) for a in approvals.values()],
        "chapter-decided")
    return {"today": on, "approvals": approvals}


class Checks:
    """Runs named checks, prints `ok`/`FAIL` per check and the summary line; exit status 1 if any failed."""

    def __init__(self, title):
        self.title = title
        self.results = []

    def run(self, name, body, *args):
        try:
            body(*args)
            self.results.append((name, None))
            print(f"ok    {name}", flush=True)
        except Exception as e:
            self.results.append((name, e))
            print(f"FAIL  {name}: {e}", flush=True)
            if not isinstance(e, Failed):
                traceback.print_exc()

    def finish(self):
        failed = sum(1 for _, e in self.results if e)
        print(f"{self.title}: {len(self.results) - failed} passed, {failed} failed")
        sys.exit(1 if failed else 0)


def work_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def cleanup(work, keep):
    if not keep:
        shutil.rmtree(work, ignore_errors=True)

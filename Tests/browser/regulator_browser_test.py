#!/usr/bin/env python3
"""Browser tests of the regulators' forms (issue 18) in real headless Chromium, driven by selenium.

    python3 Tests/browser/regulator_browser_test.py [--keep]

Uses the browser tests' shared harness (harness.py): the 2025 fixture ledger with its keys, the current-year chapter
(fresh permits dated today, 北京时间), and fresh applications filed here with the real CLI, dated today, so the test
does not depend on the date it runs on. Checks, with both regulators' key files, in the browser:
  - the full cross-province route: 补正 notice (the generator's supplement by `hwledger submit`), 初审同意, 商请,
    复函同意 (重庆), 审批决定 准予 with tonnes typed; each act's entry verifies with `hwledger verify` and an
    independent Ed25519 check, and after each the 待办 row is gone; then the generator files against the approval in
    its own session (the filing form);
  - the whitelist route: 重庆 publishes next year's list (preview of what 四川 will confirm), 四川 confirms from 待办,
    decides an application directly and 告知; 重庆 suspends the entry with a reason;
  - 点对点 registration and revocation; an enterprise registered (USCC checked as typed), its .vkey added, signing in;
  - refusals with nothing appended: 240 t on an application for 0.240 t (R-APPROVAL-GRAMS next to the tonnes, from
    预检), 不予批准 without a reason, an approval before the reply (R-APPROVAL-ROUTE in Chinese), the other province's
    regulator (no action forms; a forged POST with its session and its own key is refused R-AUTH), a stale page after
    another reviewer decided (R-STATE);
  - screenshots of every form at 1366 px and 390 px under out/regulator/; clicks and seconds from sign-in to a signed
    审批决定, printed.
Prints one line per check and ends with `N passed, N failed`; exit 1 if any failed.
"""
import base64
import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (  # noqa: E402  (the browser tests' shared harness)
    HWLEDGER, KEYS, ROOT, SC_REG, CQ_REG, Browser, Checks, Daemon, Failed, add_months, beijing_now, check, cleanup,
    current_year_chapter, entries_count, entry_at, fixture_ledger, http, independent_signature_ok, submit_events,
    work_dir)

OUT = os.path.join(ROOT, "out", "regulator")
YIBIN = "91511500MA0000004Y"      # 宜宾示例化工有限公司 (generator, 四川)
CHENGDU = "91510100MA0000001L"    # 成都示例电子科技有限公司 (generator, 四川)
DEYANG = "91510600MA0000002H"     # 德阳示例重型机械有限公司 (generator, 四川)
LESHAN = "91511100MA0000018P"     # 乐山示例净水材料有限公司 (utiliser, 四川)
YONGCHUAN = "91500118MA00000151"  # 重庆示例固废处置有限公司 (receiver, 重庆)
JIANGBEI = "91500115MA0000014J"   # 重庆示例资源循环有限公司 (receiver, 重庆)
SC_CARRIER = "91510100MA00000051"
GUANGAN = "91511600MA0000008G"    # 广安示例环保科技有限公司 (receiver, 四川)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_with_check(first17):
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return first17 + USCC_CHARS[(31 - s % 31) % 31]


def verified(db, index, type_, actor):
    """The entry at `index` is `type_` by `actor`, `hwledger verify` accepts the ledger, and its signature verifies
    with Python's cryptography. Returns the entry."""
    e = entry_at(db, index)
    check(e["submission"]["type"] == type_ and e["submission"]["actor"] == actor,
          f"entry {index} is {type_} by {actor}: {e['submission']['type']} by {e['submission']['actor']}")
    v = subprocess.run([HWLEDGER, "verify", "--db", db], capture_output=True, text=True)
    check(v.returncode == 0, f"hwledger verify accepts the ledger: {v.stdout} {v.stderr}")
    check(independent_signature_ok(e), f"entry {index}'s signature verifies with Python's cryptography")
    return e


class Regulator:
    """The console as a regulator uses it: sign in with the key file, 待办, the act forms."""

    def __init__(self, browser, base, db):
        self.browser, self.base, self.db = browser, base, db
        self.d = browser.driver
        self.clicks = 0
        self.shot_seconds = 0.0

    def click(self, element):
        self.clicks += 1
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def sign_in(self, who):
        self.who = who
        self.browser.sign_in(self.base, os.path.join(KEYS, who + ".key"))

    def worklist_rows(self):
        self.d.get(self.base + "/ui/worklist")
        return {(r.get_attribute("data-type"), r.get_attribute("data-subject")): r
                for r in self.d.find_elements("css selector", "#worklist tr.item")}

    def open_from_worklist(self, kind, subject):
        rows = self.worklist_rows()
        check((kind, subject) in rows, f"待办 of {self.who} lists {kind} on {subject}: {list(rows)}")
        self.click(rows[(kind, subject)].find_element("css selector", "a.act-link"))
        form_id = "confirm-" + subject if kind == "whitelist.confirmed" else "act-" + kind
        self.browser.wait_for(lambda: self.d.find_element("id", form_id), f"the {kind} form")
        return self.d.find_element("id", form_id)

    def row_gone(self, kind, subject):
        check((kind, subject) not in self.worklist_rows(), f"the 待办 row {kind} on {subject} is gone")

    def key(self, who=None):
        self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, (who or self.who) + ".key"))

    def set(self, form, name, value):
        el = form.find_element("css selector", f'[name="{name}"]')
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
        el.clear()
        el.send_keys(value)

    def choose(self, form, name, value):
        self.click(form.find_element("css selector", f'input[name="{name}"][value="{value}"]'))

    def status(self, form):
        return form.find_element("css selector", ".status")

    def errors(self, form):
        return {p.get_attribute("data-for"): p.text for p in form.find_elements("css selector", ".field-error") if p.text}

    def dry_run(self, form):
        """预检; returns (ok, status text, field errors)."""
        before = entries_count(self.db)
        self.click(form.find_element("css selector", ".act-check"))
        st = self.status(form)
        self.browser.wait_for(lambda: ("ok" in st.get_attribute("class") or "bad" in st.get_attribute("class"))
                              and "正在" not in st.text, "the 预检 answer")
        check(entries_count(self.db) == before, "预检 appends nothing")
        return "ok" in st.get_attribute("class"), st.text, self.errors(form)

    def review(self, form):
        """核对并签名: returns the confirmation sentence, or None when the form refused (errors shown)."""
        self.click(form.find_element("css selector", ".act-review"))
        box = form.find_element("css selector", ".act-confirm")
        st = self.status(form)
        self.browser.wait_for(lambda: box.is_displayed() or "bad" in st.get_attribute("class"), "the confirmation")
        return form.find_element("css selector", ".confirm-text").text if box.is_displayed() else None

    def sign(self, form, expect_ok=True):
        """确认并签名; waits for the ledger's answer. Returns the status text."""
        self.click(form.find_element("css selector", ".act-submit"))
        st = self.status(form)
        self.browser.wait_for(lambda: ("ok" in st.get_attribute("class") or "bad" in st.get_attribute("class"))
                              and "正在" not in st.text, "the ledger's answer", timeout=20)
        if expect_ok:
            check("ok" in st.get_attribute("class"), f"the act is accepted: {st.text} {self.errors(form)}")
        return st.text

    def act(self, form, type_, check_sentence=None, shot=None):
        """Review, sign, and check the entry; returns it. `shot`: screenshots of the confirmation before signing."""
        before = entries_count(self.db)
        sentence = self.review(form)
        check(sentence, f"the confirmation repeats the values: {self.status(form).text} {self.errors(form)}")
        if check_sentence:
            check(check_sentence in sentence, f"the confirmation says '{check_sentence}': {sentence}")
        if shot:
            self.shots(shot)
        self.sign(form)
        check(entries_count(self.db) == before + 1, "one entry is appended")
        return verified(self.db, before, type_, self.who)

    def step(self, kind, subject, sentence, shot=None, fill=None):
        """The act `kind` on `subject` from its 待办 row: fill, screenshots, key file, review and sign, entry checked, row
        gone. Returns the entry."""
        form = self.open_from_worklist(kind, subject)
        if fill:
            fill(form)
        if shot:
            self.shots(shot)
        self.key()
        e = self.act(form, kind, sentence)
        self.row_gone(kind, subject)
        return e

    def shots(self, name):
        """The page at 1366 px and at 390 px width, whole height (the time taken is kept out of the measurement)."""
        started = time.time()
        try:
            self._shots(name)
        finally:
            self.shot_seconds += time.time() - started

    def _shots(self, name):
        for width in (1366, 390):
            self.d.set_window_size(width, 900)
            time.sleep(0.2)
            metrics = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})
            height = min(int(metrics["cssContentSize"]["height"]), 6000)
            data = self.d.execute_cdp_cmd("Page.captureScreenshot", {
                "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
            with open(os.path.join(OUT, f"{name}-{width}.png"), "wb") as f:
                f.write(base64.b64decode(data["data"]))
        self.d.set_window_size(1366, 768)


def session_cookie(driver):
    return "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())


def forged(key_owner, type_, body):
    """A submission signed with `key_owner`'s own key file (Python's cryptography), as a page of that session could."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    with open(os.path.join(KEYS, key_owner + ".key")) as f:
        _, _, name, key_id, encoded = f.read().strip().split("+", 4)
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(encoded)[1:])
    submission = {"type": type_, "actor": name, "body": body, "keyId": key_id, "nonce": uuid.uuid4().hex,
                  "signedAt": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    message = b"hwledger/submission/v1\n" + json.dumps(submission, ensure_ascii=False, separators=(",", ":"),
                                                        sort_keys=True).encode()
    return {"submission": submission, "sig": base64.b64encode(key.sign(message)).decode()}


def main():
    keep = "--keep" in sys.argv
    work = work_dir("hwl-regulator-")
    db = fixture_ledger(work)
    current_year_chapter(db, work)
    today = beijing_now().date()
    on = today.isoformat()
    year = today.year
    valid_to = (add_months(today, 12) - dt.timedelta(days=1)).isoformat()
    apps = {
        "main": f"SQ-510000-{year}-901", "small": f"SQ-510000-{year}-902", "early": f"SQ-510000-{year}-903",
        "stale": f"SQ-510000-{year}-904", "white": f"SQ-510000-{year}-905", "over": f"SQ-510000-{year}-906",
    }

    def applied(app, generator, receiver, code, method, grams, valid_from, to):
        submit_events(db, work, generator, [("approval.applied", {
            "applicationId": app, "generator": generator, "receiver": receiver, "wasteCode": code, "grams": grams,
            "method": method, "validFrom": valid_from, "validTo": to, "appliedOn": on})], "applied-" + app)

    applied(apps["main"], YIBIN, YONGCHUAN, "900-039-49", "D10", 240_000_000, on, valid_to)
    for k in ("small", "early", "stale"):
        applied(apps[k], YIBIN, YONGCHUAN, "900-039-49", "D10", 240_000, on, valid_to)
    submit_events(db, work, SC_REG, [e for k in ("small", "early", "stale") for e in (
        ("approval.reviewed", {"applicationId": apps[k], "opinion": "agree", "reviewedOn": on}),
        ("approval.consultation.requested", {"applicationId": apps[k], "requestedOn": on}))], "cli-reviewed")
    submit_events(db, work, CQ_REG, [("approval.consultation.replied", {
        "applicationId": apps[k], "opinion": "agree", "repliedOn": on}) for k in ("small", "stale")], "cli-replied")

    daemon = Daemon(db, work)
    browser = Browser(OUT)
    checks = Checks("regulator browser tests")
    run = checks.run
    base = daemon.base
    d = browser.driver
    reg = Regulator(browser, base, db)
    state = {}

    def other_province_sees_no_forms():
        reg.sign_in(CQ_REG)
        d.get(base + "/ui/approvals/" + apps["main"])
        browser.wait_for(lambda: d.find_element("id", "timeline"), "the application page")
        check(not d.find_elements("css selector", "form.act-form") and not d.find_elements("id", "acts"),
              "重庆 sees the application but no action forms while 四川 reviews")
        check("900-039-49" in browser.text() and "重庆示例固废处置有限公司" in browser.text(), "the facts are shown")
        before = entries_count(db)
        signed = forged(CQ_REG, "approval.reviewed", {"applicationId": apps["main"], "opinion": "agree", "reviewedOn": on})
        status, body, _ = http("POST", base + "/v1/submissions", json.dumps(signed).encode(),
                               {"Content-Type": "application/json", "Cookie": session_cookie(d)})
        rule = json.loads(body).get("error", {}).get("rule")
        check(status in (403, 422) and rule == "R-AUTH", f"a forged 初审 signed with 重庆's own key is refused R-AUTH: {status} {body[:200]}")
        check(entries_count(db) == before, "nothing is appended")

    def incomplete_notice():
        reg.sign_in(SC_REG)
        state["t0"], reg.clicks = time.time(), 0
        form = reg.open_from_worklist("approval.reviewed", apps["main"])
        d.get(base + "/ui/approvals/" + apps["main"])
        form = d.find_element("id", "act-approval.incomplete")
        listed = d.find_element("id", "open-acts").text
        check("初步审查" in listed and "一次性告知补正" in listed and "作出审批决定" in listed and "期限" in listed,
              f"the page lists the acts possible now, the review with its due date: {listed}")
        facts = browser.text()
        check("宜宾示例化工有限公司" in facts and YIBIN in facts and "240.000" in facts and valid_to in facts
              and "白名单" in facts, "the application's facts stand beside the forms (names, USCC, tonnes, validity, whitelist)")
        check(form.find_element("name", "notifiedOn").get_attribute("value") == on
              and form.find_element("name", "notifiedOn").get_attribute("max") == on, "the act date defaults to today and may not be later")
        reg.shots("01-incomplete")
        reg.key()
        reg.set(form, "missing", "危险废物经营许可证复印件\n转移危险废物的成分分析报告")
        e = reg.act(form, "approval.incomplete", "危险废物经营许可证复印件、转移危险废物的成分分析报告")
        check(e["submission"]["body"] == {"applicationId": apps["main"], "missing": ["危险废物经营许可证复印件", "转移危险废物的成分分析报告"],
                                           "notifiedOn": on}, f"the notice lists what is missing: {e['submission']['body']}")
        check("台账已记录" in d.find_element("id", "act-done").text, "the page says what the ledger recorded, with a link to 待办")
        reg.row_gone("approval.reviewed", apps["main"])
        submit_events(db, work, YIBIN, [("approval.supplemented", {"applicationId": apps["main"], "supplementedOn": on})],
                      "supplemented")

    def review_and_request():
        form = reg.open_from_worklist("approval.reviewed", apps["main"])
        check(not d.find_elements("id", "act-approval.incomplete"), "the 补正 notice is given once: no second form")
        reg.shots("02-reviewed")
        reg.key()
        reg.choose(form, "opinion", "agree")
        reg.set(form, "note", "材料齐全，接受单位具备相应经营许可")
        e = reg.act(form, "approval.reviewed", "初步审查意见：同意")
        check(e["submission"]["body"]["opinion"] == "agree" and e["submission"]["body"]["reviewedOn"] == on, "初审同意 is recorded")
        reg.row_gone("approval.reviewed", apps["main"])
        reg.step("approval.consultation.requested", apps["main"], "商请重庆市生态环境局", shot="03-requested")

    def reply():
        reg.sign_in(CQ_REG)
        e = reg.step("approval.consultation.replied", apps["main"], "复函意见：同意接受", shot="04-replied",
                     fill=lambda form: reg.choose(form, "opinion", "agree"))
        check(e["submission"]["body"] == {"applicationId": apps["main"], "opinion": "agree", "repliedOn": on}, "复函同意 is recorded")

    def decide():
        t0 = time.time()
        reg.clicks, reg.shot_seconds = 0, 0.0
        reg.sign_in(SC_REG)
        reg.clicks += 2  # choosing the key file and 登录
        form = reg.open_from_worklist("approval.decided", apps["main"])
        reg.choose(form, "decision", "approved")
        reg.shots("05-decided")
        check(form.find_element("name", "approvalNo").get_attribute("value").startswith(f"川环危转〔{year}〕"), "a 审批文号 is suggested")
        tonnes = form.find_element("name", "grams")
        reg.click(tonnes)
        reg.set(form, "grams", "240")
        reg.set(form, "approvalNo", f"川环危转〔{year}〕901号")
        reg.clicks += 1  # choosing the key file
        reg.key()
        e = reg.act(form, "approval.decided", f"准予转移 240.000 吨，有效期 {on} 至 {valid_to}", shot="05a-decided-confirm")
        seconds = time.time() - t0 - reg.shot_seconds
        state["decision"] = (reg.clicks, seconds)
        print(f"      审批决定: {reg.clicks} clicks, {seconds:.1f} s from the sign-in page to the signed decision", flush=True)
        body = e["submission"]["body"]
        check(body == {"applicationId": apps["main"], "decision": "approved", "decidedOn": on, "approvalNo": f"川环危转〔{year}〕901号",
                       "grams": 240_000_000, "validFrom": on, "validTo": valid_to}, f"the decision holds 240,000,000 g exactly: {body}")
        done = d.find_element("id", "act-done").text
        check(f"川环危转〔{year}〕901号" in done and "台账条目" in done, f"the page shows the 审批文号 and the entry: {done}")
        reg.shots("05b-decided-done")
        d.find_element("css selector", "#act-done a").click()
        browser.wait_for(lambda: "/ui/worklist" in d.current_url, "back to 待办")
        reg.row_gone("approval.decided", apps["main"])

    def generator_files():
        browser.sign_in(base, os.path.join(KEYS, YIBIN + ".key"))
        d.get(base + "/ui/file")
        browser.wait_for(lambda: d.find_element("id", "sign-submit"), "the filing form")
        value = f"approval:川环危转〔{year}〕901号"
        d.execute_script("""
            const set = (id, v) => { const el = document.getElementById(id); el.value = v; el.dispatchEvent(new Event("change", { bubbles: true })); };
            set("basis", arguments[0]); set("carrier1", arguments[1]); set("plannedPickup", arguments[2]);
            const row = document.querySelector("#lines tr.line");
            for (const [k, v] of Object.entries({ packaging: "铁桶", packages: "8", tonnes: "12.5" })) {
              const el = row.querySelector("." + k); el.value = v; el.dispatchEvent(new Event("change", { bubbles: true }));
            }""", value, SC_CARRIER, on)
        d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, YIBIN + ".key"))
        before = entries_count(db)
        d.find_element("id", "sign-submit").click()
        browser.wait_for(lambda: d.find_element("id", "filing-result").is_displayed(), "the 联单编号", timeout=20)
        e = verified(db, before, "manifest.filed", YIBIN)
        check(e["submission"]["body"]["basis"] == {"approval": f"川环危转〔{year}〕901号"}
              and e["submission"]["body"]["lines"][0]["grams"] == 12_500_000, "the manifest is filed under the new approval")

    def bad_decisions():
        reg.sign_in(SC_REG)
        before = entries_count(db)
        # 240 t on an application for 0.240 t: 预检 puts R-APPROVAL-GRAMS next to the tonnes.
        form = reg.open_from_worklist("approval.decided", apps["small"])
        reg.key()
        reg.choose(form, "decision", "approved")
        reg.set(form, "grams", "240")
        ok, text, errors = reg.dry_run(form)
        check(not ok and "R-APPROVAL-GRAMS" in errors.get("grams", "") and "批准数量超过申请数量" in errors["grams"],
              f"预检 shows R-APPROVAL-GRAMS in Chinese next to the tonnes: {errors} {text}")
        reg.shots("06-decided-grams-refused")
        # 不予批准 without a reason: refused in the form, before signing.
        reg.choose(form, "decision", "denied")
        check(reg.review(form) is None and "理由" in reg.errors(form).get("reason", ""),
              f"不予批准 without a reason is refused next to the reason: {reg.errors(form)}")
        # Tonnes with 4 decimals are refused as typed.
        reg.choose(form, "decision", "approved")
        reg.set(form, "grams", "0.2405")
        check(reg.review(form) is None and "3 位小数" in reg.errors(form).get("grams", ""), "4 decimals are refused")
        # An act date after today is refused before signing (R-TIME).
        d.execute_script("arguments[0].removeAttribute('max'); arguments[0].value = arguments[1];",
                         form.find_element("name", "decidedOn"), (today + dt.timedelta(days=1)).isoformat())
        reg.set(form, "grams", "0.24")
        check(reg.review(form) is None and "晚于今天" in reg.errors(form).get("decidedOn", ""), "a decision dated tomorrow is refused")
        check(entries_count(db) == before, "nothing is appended")
        # An approval before the reply: R-APPROVAL-ROUTE in Chinese, from 预检 and from the ledger on signing.
        d.get(base + "/ui/approvals/" + apps["early"])
        form = d.find_element("id", "act-approval.decided")
        check("尚未收到接受地复函" in form.text, "the form says only a denial is possible before the reply")
        reg.key()
        reg.choose(form, "decision", "approved")
        ok, text, errors = reg.dry_run(form)
        check(not ok and "R-APPROVAL-ROUTE" in errors.get("decision", "") and "审批步骤不符合规定的程序" in errors["decision"],
              f"预检 shows R-APPROVAL-ROUTE in Chinese next to the decision: {errors} {text}")
        reg.shots("07-decided-before-reply")
        check(reg.review(form), "the confirmation shows")
        text = reg.sign(form, expect_ok=False)
        check("审批步骤不符合规定的程序" in reg.errors(form).get("decision", "") + text, f"signing is refused by the ledger: {text}")
        check(entries_count(db) == before, "nothing is appended")

    def stale_page():
        reg.sign_in(SC_REG)
        form = reg.open_from_worklist("approval.decided", apps["stale"])
        reg.key()
        reg.choose(form, "decision", "approved")
        reg.set(form, "grams", "0.24")
        check(reg.review(form), "the confirmation shows")
        # Another reviewer of 四川 decides meanwhile.
        submit_events(db, work, SC_REG, [("approval.decided", {
            "applicationId": apps["stale"], "decision": "denied", "decidedOn": on, "reason": "另一审查人已作出决定"})], "other-reviewer")
        before = entries_count(db)
        text = reg.sign(form, expect_ok=False)
        check("R-STATE" in text + json.dumps(reg.errors(form), ensure_ascii=False) and entries_count(db) == before,
              f"the stale page is refused as R-STATE, nothing appended: {text} {reg.errors(form)}")

    def whitelist_route():
        nxt = year + 1
        reg.sign_in(CQ_REG)
        reg.click(d.find_element("css selector", "nav a[href='/ui/whitelist']"))
        browser.wait_for(lambda: d.current_url.endswith(f"/ui/whitelist/{year}"), "the whitelist page on the current year")
        d.get(base + f"/ui/whitelist/{nxt}")
        form = d.find_element("id", "act-whitelist.published")
        row = form.find_element("css selector", "tr.row")
        from selenium.webdriver.support.ui import Select
        Select(row.find_element("css selector", "select[data-col=receiver]")).select_by_value(JIANGBEI)
        check("经营许可证" in row.find_element("css selector", ".wl-permit").text, "the receiver's permit is shown beside it")
        row.find_element("css selector", "input[data-col=wasteCode]").send_keys("900-045-49")
        row.find_element("css selector", "input[data-col=capGrams]").send_keys("100")
        row.find_element("css selector", "input[data-col=methods][value=R4]").click()
        preview = form.find_element("css selector", ".act-preview").text
        check("重庆示例资源循环有限公司" in preview and "100.000 吨" in preview and "R4" in preview,
              f"the preview says what 四川 will be asked to confirm: {preview}")
        reg.shots("08-whitelist-publish")
        reg.key()
        e = reg.act(form, "whitelist.published", "900-045-49，年度额度 100.000 吨")
        check(e["submission"]["body"] == {"year": nxt, "listingProvince": "500000", "counterpartProvince": "510000", "entries": [
            {"receiver": JIANGBEI, "wasteCode": "900-045-49", "capGrams": 100_000_000, "methods": ["R4"]}]},
            f"the list is published: {e['submission']['body']}")
        reg.sign_in(SC_REG)
        reg.step("whitelist.confirmed", str(nxt), f"确认重庆市 {nxt} 年白名单", shot="09-whitelist-confirm")
        applied(apps["white"], CHENGDU, JIANGBEI, "900-045-49", "R4", 50_000_000, f"{nxt}-01-01", f"{nxt}-06-30")
        form = reg.open_from_worklist("approval.decided", apps["white"])
        check("白名单已覆盖" in d.find_element("id", "whitelist-coverage").text, "the coverage and remaining quota are shown")
        check(not d.find_elements("id", "act-approval.reviewed"), "a covered application has only its decision due")
        reg.key()
        reg.choose(form, "decision", "approved")
        reg.set(form, "approvalNo", f"川环危转〔{year}〕905号")
        e = reg.act(form, "approval.decided", f"准予转移 50.000 吨，有效期 {nxt}-01-01 至 {nxt}-06-30")
        reg.row_gone("approval.decided", apps["white"])
        reg.step("approval.notified", apps["white"], "告知重庆市生态环境局", shot="10-notified")
        # 80 t more on an entry with 50 t left: 重庆 consents to 30 t over the cap, then 四川 decides directly.
        applied(apps["over"], CHENGDU, JIANGBEI, "900-045-49", "R4", 80_000_000, f"{nxt}-01-01", f"{nxt}-03-31")
        reg.sign_in(CQ_REG)
        d.get(base + "/ui/approvals/" + apps["over"])
        form = d.find_element("id", "act-whitelist.overquota.consented")
        check(form.find_element("name", "extraGrams").get_attribute("value") == "30.000", "the shortfall is suggested")
        reg.shots("10b-overquota")
        reg.key()
        e = reg.act(form, "whitelist.overquota.consented", "同意本申请超出白名单剩余额度 30.000 吨")
        check(e["submission"]["body"] == {"applicationId": apps["over"], "extraGrams": 30_000_000}, "the consent")
        reg.sign_in(SC_REG)
        reg.step("approval.decided", apps["over"], "准予转移 80.000 吨", fill=lambda form: (
            reg.choose(form, "decision", "approved"), reg.set(form, "approvalNo", f"川环危转〔{year}〕906号")))
        # 重庆 sees the use (a negative remainder, the consent named) and suspends the entry.
        reg.sign_in(CQ_REG)
        d.get(base + f"/ui/whitelist/{nxt}")
        over = d.find_elements("css selector", "td.over")
        check(over and "−30.000" in over[0].text and apps["over"] in over[0].text and "30.000" in over[0].text,
              f"the negative remainder is highlighted and the consent named: {[o.text for o in over]}")
        check("130.000" in browser.text(), "the entry's approved tonnes show (50 + 80)")
        form = d.find_element("css selector", "form[data-type='whitelist.suspended']")
        reg.key()
        reg.set(form, "reason", "接受单位发生严重违法行为")
        e = reg.act(form, "whitelist.suspended", "暂停 重庆示例资源循环有限公司 的 900-045-49 条目")
        check(e["submission"]["body"]["reason"] == "接受单位发生严重违法行为", "the reason is recorded")
        d.get(base + f"/ui/whitelist/{nxt}")
        check("已暂停" in browser.text(), "the entry shows 已暂停")
        reg.shots("11-whitelist-suspended")

    def p2p():
        reg.sign_in(SC_REG)
        d.get(base + "/ui/p2p")
        form = d.find_element("id", "act-p2p.registered")
        from selenium.webdriver.support.ui import Select
        no = f"川环点对点〔{year}〕T1号"
        reg.set(form, "registrationNo", no)
        Select(form.find_element("name", "generator")).select_by_value(DEYANG)
        Select(form.find_element("name", "utiliser")).select_by_value(LESHAN)
        reg.set(form, "wasteCode", "900-300-34")
        reg.set(form, "substituteUse", "替代工业盐酸生产聚合氯化铝净水剂")
        reg.set(form, "capGrams", "100")
        d.execute_script("arguments[0].value = arguments[1]; arguments[2].value = arguments[3];",
                         form.find_element("name", "validFrom"), f"{year}-01-01", form.find_element("name", "validTo"), f"{year}-10-04")
        reg.set(form, "declaredAnnualGrams", "150.5")
        reg.shots("12-p2p-register")
        reg.key()
        e = reg.act(form, "p2p.registered", f"登记 {no}")
        check(e["submission"]["body"] == {"registrationNo": no, "generator": DEYANG, "utiliser": LESHAN, "wasteCode": "900-300-34",
              "substituteUse": "替代工业盐酸生产聚合氯化铝净水剂", "capGrams": 100_000_000, "validFrom": f"{year}-01-01",
              "validTo": f"{year}-10-04", "declaredAnnualGrams": 150_500_000, "controlledDrugProduction": False,
              "generalExemptionApplies": False}, f"every SPEC §5 field: {e['submission']['body']}")
        d.get(base + "/ui/p2p")
        row = d.find_element("css selector", f"#p2p-list tr[data-no='{no}']")
        form = row.find_element("css selector", "form[data-type='p2p.revoked']")
        reg.key()
        reg.set(form, "reason", "利用产品抽检不合格")
        reg.shots("13-p2p-revoke")
        e = reg.act(form, "p2p.revoked", f"撤销点对点登记 {no}")
        check(e["submission"]["body"] == {"registrationNo": no, "revokedOn": on, "reason": "利用产品抽检不合格"}, "the revocation")
        d.get(base + "/ui/p2p")
        check("已于" in d.find_element("css selector", f"#p2p-list tr[data-no='{no}']").text, "the registration shows revoked")

    def registry():
        reg.sign_in(SC_REG)
        d.get(base + "/ui/registry")
        form = d.find_element("id", "act-enterprise.registered")
        uscc = uscc_with_check("91510104MA0000T9X")
        wrong = uscc[:17] + ("0" if uscc[17] != "0" else "1")
        reg.set(form, "uscc", wrong)
        check("校验码不符" in reg.errors(form).get("uscc", ""), f"a wrong check character is named as typed: {reg.errors(form)}")
        reg.set(form, "uscc", uscc)
        check(not reg.errors(form).get("uscc"), "the right one clears the message")
        reg.set(form, "name", "成都测试新材料有限公司")
        from selenium.webdriver.support.ui import Select
        Select(form.find_element("css selector", ".div-city")).select_by_value("510100")
        Select(form.find_element("css selector", ".div-county")).select_by_value("510104")
        form.find_element("css selector", "input[name=roles][value=generator]").click()
        reg.shots("14-registry")
        reg.key()
        reg.act(form, "enterprise.registered", f"登记 成都测试新材料有限公司（统一社会信用代码 {uscc}）")
        key = os.path.join(work, uscc + ".key")
        vkey = subprocess.run([HWLEDGER, "keygen", "--name", uscc, "--out", key], capture_output=True, text=True, check=True).stdout.strip()
        with open(os.path.join(work, uscc + ".vkey"), "w") as f:
            f.write(vkey + "\n")
        d.get(base + "/ui/registry")
        form = d.find_element("id", "act-key.added")
        Select(form.find_element("name", "principal")).select_by_value(uscc)
        form.find_element("name", "key").send_keys(os.path.join(work, uscc + ".vkey"))
        reg.key()
        e = reg.act(form, "key.added", "添加密钥")
        check(e["submission"]["body"] == {"principal": uscc, "key": vkey}, "the .vkey's verifier key is added")
        browser.sign_in(base, key)
        d.get(base + "/ui/worklist")
        check(uscc in browser.text(), "the new enterprise signs in with its key file")
        state["new"] = (uscc, key, e["submission"]["body"]["key"].split("+")[1])

    def permit_and_revocation():
        uscc, key, key_id = state["new"]
        reg.sign_in(SC_REG)
        d.get(base + "/ui/registry")
        form = d.find_element("id", "act-permit.issued")
        from selenium.webdriver.support.ui import Select
        reg.set(form, "permitNo", f"川环危第{year}T1号")
        Select(form.find_element("name", "holder")).select_by_value(GUANGAN)
        Select(form.find_element("name", "wasteCodes")).select_by_value("900-041-49")
        form.find_element("css selector", "input[name=methods][value=D10]").click()
        reg.set(form, "capacityGrams", "1000")
        d.execute_script("arguments[0].value = arguments[1];", form.find_element("name", "validTo"), valid_to)
        reg.shots("15-permit")
        reg.key()
        e = reg.act(form, "permit.issued", f"颁发危险废物经营许可证 川环危第{year}T1号")
        check(e["submission"]["body"] == {"permitNo": f"川环危第{year}T1号", "holder": GUANGAN, "kind": "operating",
              "wasteCodes": ["900-041-49"], "methods": ["D10"], "capacityGrams": 1_000_000_000, "validFrom": on, "validTo": valid_to},
              f"the permit with codes and methods chosen: {e['submission']['body']}")
        d.get(base + "/ui/registry")
        form = d.find_element("id", "revoke-" + key_id)
        reg.key()
        e = reg.act(form, "key.revoked", "吊销密钥 " + key_id)
        check(e["submission"]["body"] == {"principal": uscc, "keyId": key_id}, "the key is revoked")
        browser.sign_in(base, key, expect_ok=False)
        check("R-SIG" in d.find_element("id", "signin-status").text or "拒绝" in d.find_element("id", "signin-status").text,
              "the revoked key no longer signs in")

    try:
        run("the other province's regulator sees no action forms; a forged POST with its session is refused R-AUTH",
            other_province_sees_no_forms)
        run("补正 notice from 待办: facts beside the form, date today, missing items as a list; verifies; row gone",
            incomplete_notice)
        run("初审同意 and 商请 from 待办, each signed in the browser, verified, row gone", review_and_request)
        run("复函同意 by 重庆's regulator, verified, row gone", reply)
        run("审批决定 准予 with tonnes typed: confirmation in words, 审批文号 and entry shown, verified, row gone; clicks and seconds",
            decide)
        run("the generator files against the new approval in its own session", generator_files)
        run("refused in the form with nothing appended: 240 t on 0.240 t (R-APPROVAL-GRAMS), 不予批准 without reason, "
            "4 decimals, a date tomorrow, an approval before the reply (R-APPROVAL-ROUTE)", bad_decisions)
        run("a stale page after another reviewer decided is refused as R-STATE", stale_page)
        run("whitelist route: publish (preview), confirm from 待办, direct decision, 告知, over-quota consent (negative "
            "remainder highlighted, consent named), suspension", whitelist_route)
        run("点对点: registration with every field, revocation with reason", p2p)
        run("registry: an enterprise registered (USCC checked as typed), its .vkey added, and it signs in", registry)
        run("registry: an operating permit issued with codes and methods as choices; the new key revoked no longer signs in",
            permit_and_revocation)
    finally:
        browser.quit()
        daemon.stop()
        cleanup(work, keep)
    if "decision" in state:
        print(f"reviewer to a signed 审批决定: {state['decision'][0]} clicks, {state['decision'][1]:.1f} s")
    checks.finish()


if __name__ == "__main__":
    main()

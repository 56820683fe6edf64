#!/usr/bin/env python3
"""Browser tests of the enterprises' forms (issue 11) in real headless Chromium, driven by selenium.

    python3 Tests/browser/forms_browser_test.py [--keep]

Uses the browser tests' shared harness (harness.py). Builds the 2025 fixture ledger, appends the harness's
current-year chapter (fresh permits and a fresh approval dated today, 北京时间, with the real CLI: the tests do not
depend on the date they run on), starts the built `hwledgerd` on 127.0.0.1:0 and checks, in the browser, the
console's own JavaScript:
  - canonical.js gives the bytes of every vector of fixtures/canonical/vectors.json (the Swift test
    CanonicalVectorTests checks the Swift encoder against the same file in the same CI run) and refuses every
    reject vector;
  - 填报联单: a generator files a cross-province manifest signed in the browser (a double click files one); a form
    with four mistakes shows four messages and appends nothing; a key file of another enterprise, a negative or
    4-decimal tonnage and a pickup outside the approval's validity are refused; the entry verifies with
    `hwledger verify` and its signature with Python's `cryptography` (an Ed25519 independent of the project's);
    the 2025 approval, ended, is offered disabled with its end date, the fresh one with its grams left;
  - 办理: pickup, 交接 to a second carrier, receipt with a partial rejection, 拒收 of a whole load, the return, cancel,
    corrections; 预检 on the step forms; 我的联单 with 待本单位办理; act times (起运时间 …) default to now, a later one
    is refused in the browser before signing, and a forged body signed in the page with a pickup after its
    signature is refused by the ledger (R-TIME), nothing appended;
  - tonnes.js converts tonnes to grams exactly (0.001 t, 99999.999 t) and refuses negatives, 4 decimals and
    non-numbers with a clear Chinese message.
Screenshots go to out/forms/. Prints one line per check and ends with `N passed, N failed`; exit 1 if any failed.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datetime as dt  # noqa: E402

from harness import (  # noqa: E402  (the browser tests' shared harness)
    HWLEDGER, KEYS, ROOT, Browser, Checks, Daemon, beijing_now, check, cleanup, current_year_chapter, entries_count,
    fixture_ledger, entry_at, independent_signature_ok, work_dir)

# 宜宾示例化工有限公司: the 2025 approval 川环危转〔2025〕1号 (SQ-510000-2025-001, → 永川, 900-039-49, D10, ended
# 2025-12-31) and the current-year chapter's fresh one to the same receiver, code and method.
SC_GENERATOR = "91511500MA0000004Y"
OTHER_GENERATOR = "91510100MA0000001L"  # 成都示例电子科技有限公司, with its own fresh approval (→ 江北, 900-045-49, R4)
EXPIRED_APPROVAL = "川环危转〔2025〕1号"
SC_CARRIER = "91510100MA00000051"  # 成都示例危险货物运输有限公司
CQ_CARRIER = "91500107MA0000012R"  # a Chongqing carrier (its 2025 transport permit ended 2026-09-30; a fresh one)
CQ_RECEIVER = "91500118MA00000151"  # 重庆示例固废处置有限公司

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


def set_value(driver, element_id, value):
    """Sets a form control's value as a user would, firing change."""
    driver.execute_script("""
        const el = document.getElementById(arguments[0]);
        el.value = arguments[1];
        el.dispatchEvent(new Event("change", { bubbles: true }));""", element_id, value)


def set_line(driver, **fields):
    driver.execute_script("""
        const row = document.querySelector("#lines tr.line");
        for (const [k, v] of Object.entries(arguments[0])) {
          const el = row.querySelector("." + k);
          el.value = v;
          el.dispatchEvent(new Event("change", { bubbles: true }));
        }""", fields)


def plus_days(date, days):
    """A YYYY-MM-DD date `days` later (earlier if negative)."""
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def day_before(date):
    return plus_days(date, -1)


def day_after(date):
    return plus_days(date, 1)


def field_errors(driver):
    return {p.get_attribute("data-for"): p.text for p in driver.find_elements("css selector", ".field-error") if p.text}


class Filing:
    """The 填报联单 form as the clerk of SC_GENERATOR fills it."""

    def __init__(self, browser, base, db, work, chapter):
        self.browser, self.base, self.db, self.work, self.chapter = browser, base, db, work, chapter
        self.d = browser.driver
        self.approval = None
        self.fresh = chapter["approvals"][SC_GENERATOR]
        # Another generator's approval, valid today: put into this generator's form by editing it.
        self.others = chapter["approvals"][OTHER_GENERATOR]["approvalNo"]

    def basis_options(self):
        return self.d.execute_script("""
            return Array.from(document.querySelectorAll("#basis option[data-receiver]"), (o) => ({
              value: o.value, text: o.textContent, disabled: o.disabled, ...o.dataset }));""")

    def open(self):
        self.d.get(self.base + "/ui/file")
        self.browser.wait_for(lambda: self.d.find_element("id", "sign-submit"), "the filing form")

    def offers(self):
        self.browser.sign_in(self.base, os.path.join(KEYS, SC_GENERATOR + ".key"))
        self.open()
        options = self.basis_options()
        approvals = [o for o in options if o["value"].startswith("approval:") and o["receiver"] == CQ_RECEIVER]
        usable = [o for o in approvals if not o["disabled"]]
        check(len(usable) == 1 and usable[0]["value"] == "approval:" + self.fresh["approvalNo"],
              f"the basis offers this generator's approval to {CQ_RECEIVER} valid today, the fresh one: {options}")
        self.approval = usable[0]
        check(self.approval["from"] == self.fresh["from"] and self.approval["to"] == self.fresh["to"]
              and self.approval["from"] <= beijing_now().date().isoformat() <= self.approval["to"],
              f"its validity is the fresh approval's and holds today: {self.approval}")
        check("剩余" in self.approval["text"] and "有效期" in self.approval["text"], "the approval shows grams left and validity")
        receivers = self.d.find_element("id", "receiver").text
        check("重庆示例固废处置有限公司" in receivers and CQ_RECEIVER in receivers and "有效期" in receivers,
              "receivers are listed with name, USCC and permits")
        carriers = self.d.find_element("id", "carrier1").text
        check("成都示例危险货物运输有限公司" in carriers and "有效期" in carriers, "carriers are listed with their transport permits")
        codes = self.d.execute_script("return document.querySelectorAll('#waste-codes option').length")
        check(codes >= 400, f"the 名录's codes are offered: {codes}")
        set_value(self.d, "basis", self.approval["value"])
        row = self.d.execute_script("""const r = document.querySelector('#lines tr.line');
            return [r.querySelector('.wasteCode').value, r.querySelector('.name').value, r.querySelector('.category').textContent,
                    r.querySelector('.hazards').value, document.getElementById('receiver').value, document.getElementById('method').value];""")
        check(row[0] == self.approval["code"] and row[1] and row[2].startswith("HW") and row[3] and row[4] == CQ_RECEIVER
              and row[5] == self.approval["method"], f"choosing the approval fills receiver, method and the code's name, category, hazards: {row}")
        self.browser.shot("01-file-form", full=True)

    def expired_approval(self):
        """An approval whose validity has ended is offered disabled, with its end date and without grams left to use;
        the fresh one is enabled with its grams left. The list box is opened (size) for the screenshot."""
        self.open()
        options = {o["value"]: o for o in self.basis_options()}
        old = options.get("approval:" + EXPIRED_APPROVAL)
        check(old, f"the 2025 approval {EXPIRED_APPROVAL} is still listed: {list(options)}")
        check(old["disabled"], f"it is disabled: {old}")
        check("已过期 2025-12-31" in old["text"] and "不可使用" in old["text"] and "剩余" not in old["text"],
              f"its text says it ended on 2025-12-31 and shows no grams left: {old['text']}")
        check(old["remaining"] == "0", f"no grams are offered against it: {old['remaining']}")
        fresh = options.get("approval:" + self.fresh["approvalNo"])
        check(fresh and not fresh["disabled"] and "剩余 300.000 吨" in fresh["text"] and "已过期" not in fresh["text"]
              and f"有效期 {self.fresh['from']}至{self.fresh['to']}" in fresh["text"],
              f"the fresh approval is enabled with 300.000 t left and its validity: {fresh}")
        # A click on the disabled option (chromedriver clicks an option as a user picks it) chooses nothing.
        self.d.find_element("css selector", f'#basis option[value="approval:{EXPIRED_APPROVAL}"]').click()
        chosen = self.d.execute_script("return document.getElementById('basis').value;")
        check(chosen != "approval:" + EXPIRED_APPROVAL, f"the disabled option cannot be chosen: {chosen!r}")
        self.d.execute_script("""
            const s = document.getElementById('basis');
            s.size = s.options.length;
            s.style.height = 'auto';
            s.scrollIntoView({ block: 'start' });""")
        self.browser.shot("01b-file-expired-approval")
        self.d.execute_script("document.getElementById('basis').size = 0;")

    def name_follows_code(self):
        """A line's name is the code's short 名录 name and follows the code when it changes, unless the clerk typed one."""
        self.open()

        def name_after(code):
            set_line(self.d, wasteCode=code)
            return self.d.execute_script("return document.querySelector('#lines tr.line .name').value")

        set_line(self.d, name="")
        check(name_after("900-039-49") == "废活性炭", "900-039-49's long 名录 paragraph gives the line name 废活性炭")
        check(name_after("900-045-49") == "废电路板", "changing the code changes the name: 900-045-49 → 废电路板")
        set_line(self.d, name="废线路板（客户称呼）")
        check(name_after("900-039-49") == "废线路板（客户称呼）", "a name the clerk typed stays when the code changes")

    def fill_valid(self, tonnes="1.250"):
        self.open()
        set_value(self.d, "basis", self.approval["value"])
        set_value(self.d, "carrier1", SC_CARRIER)
        set_value(self.d, "plannedPickup", self.approval["from"])
        set_line(self.d, packaging="铁桶", packages="5", tonnes=tonnes)

    def key(self, principal):
        self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, principal + ".key"))

    def submit_and_wait_refusal(self):
        self.d.find_element("id", "sign-submit").click()
        self.browser.wait_for(lambda: not self.d.find_element("id", "sign-submit").get_attribute("disabled")
                              and (field_errors(self.d) or "bad" in self.d.find_element("id", "filing-status").get_attribute("class")),
                              "the form's answer")
        return field_errors(self.d)

    def four_mistakes(self):
        before = entries_count(self.db)
        self.fill_valid(tonnes="-1")
        set_value(self.d, "receiver", "91500115MA0000014J")  # not the approval's receiver
        set_value(self.d, "method", "D1")  # not the approval's method
        set_value(self.d, "plannedPickup", day_before(self.approval["from"]))  # before the approval's validity
        self.key(SC_GENERATOR)
        errors = self.submit_and_wait_refusal()
        self.browser.shot("02-file-four-mistakes", full=True)
        check(set(errors) >= {"receiver", "method", "plannedPickup", "lines"}, f"four messages, each next to its field: {errors}")
        check("负数" in errors["lines"] and "有效期" in errors["plannedPickup"] and "接受人" in errors["receiver"]
              and "方式" in errors["method"], f"the messages say what is wrong in Chinese: {errors}")
        check(entries_count(self.db) == before, "nothing is appended")

    def bad_inputs(self):
        before = entries_count(self.db)
        self.fill_valid(tonnes="1.2345")
        self.key(SC_GENERATOR)
        errors = self.submit_and_wait_refusal()
        check("3 位小数" in errors.get("lines", ""), f"a 4-decimal tonnage is refused: {errors}")
        self.fill_valid()
        set_value(self.d, "plannedPickup", day_after(self.approval["to"]))
        self.key(SC_GENERATOR)
        errors = self.submit_and_wait_refusal()
        check("有效期" in errors.get("plannedPickup", ""), f"a pickup outside the approval's validity is refused: {errors}")
        self.fill_valid()
        self.key(SC_CARRIER)
        errors = self.submit_and_wait_refusal()
        check(SC_CARRIER in errors.get("keyfile", "") and "不是当前登录单位" in errors["keyfile"],
              f"a key file of another enterprise is refused: {errors}")
        self.browser.shot("03-file-wrong-key", full=True)
        check(entries_count(self.db) == before, "nothing is appended")

    def files(self):
        before = entries_count(self.db)
        self.fill_valid(tonnes="1.001")
        self.key(SC_GENERATOR)
        # A double click on "sign and submit" files one manifest.
        self.d.execute_script("const b = document.getElementById('sign-submit'); b.click(); b.click();")
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(self.d).double_click(self.d.find_element("id", "sign-submit")).perform()
        self.browser.wait_for(lambda: self.d.find_element("id", "filing-result").is_displayed(), "the assigned 联单编号",
                              timeout=20)
        no = self.d.find_element("id", "assigned-no").text
        check(len(no) == 14 and no.isdigit() and no[4:8] == "5115", f"a 14-digit 联单编号 numbered by 宜宾 (5115): {no}")
        self.browser.shot("04-file-filed", full=True)
        check(entries_count(self.db) == before + 1, f"exactly one entry is appended: {entries_count(self.db) - before}")
        self.d.find_element("id", "assigned-link").click()
        self.browser.wait_for(lambda: no in self.d.find_element("id", "manifest-no").text, "the printable 联单")
        check("1.001" in self.browser.text(), "the 联单 shows 1.001 吨")
        v = subprocess.run([HWLEDGER, "verify", "--db", self.db], capture_output=True, text=True)
        check(v.returncode == 0, f"hwledger verify accepts the ledger: {v.stdout} {v.stderr}")
        data = entry_at(self.db, before)
        check(data["assigned"]["manifestNo"] == no and data["submission"]["body"]["lines"][0]["grams"] == 1001000,
              "the entry holds the manifest with 1001000 g")
        check(independent_signature_ok(data), "the entry's signature verifies with Python's cryptography")
        self.filed = no


    def other_generators_approval(self):
        """An approval of another generator, put in by editing the form's basis, is refused by the ledger."""
        before = entries_count(self.db)
        self.fill_valid(tonnes="0.500")
        self.d.execute_script("document.querySelector('#basis option:checked').value = 'approval:' + arguments[0];", self.others)
        self.key(SC_GENERATOR)
        errors = self.submit_and_wait_refusal()
        check("basis" in errors and self.others in errors["basis"] and "审批" in errors["basis"],
              f"the refusal names the approval next to 转移依据: {errors}")
        check(entries_count(self.db) == before, "nothing is appended")
        self.browser.shot("11-file-other-approval", full=True)

    def dry_run(self):
        """预检 (POST /v1/checks) shows every independent failing rule next to its field before signing; nothing is
        appended and the same form then passes once corrected."""
        before = entries_count(self.db)
        self.fill_valid(tonnes="99999.000")
        # An edited form: another generator's approval, and a bound on grams the page no longer knows.
        self.d.execute_script("""
            const o = document.querySelector('#basis option:checked');
            o.value = 'approval:' + arguments[0];
            o.dataset.remaining = '999999999999999';""", self.others)
        self.key(SC_GENERATOR)
        status = self.d.find_element("id", "filing-status")
        self.d.find_element("id", "dry-run").click()
        self.browser.wait_for(lambda: "预检发现" in status.text, "the dry run's answer")
        errors = field_errors(self.d)
        check(self.others in errors.get("basis", "") and "剩余" in errors.get("lines", "") + errors.get("basis", ""),
              f"the approval mismatch and the quota are both shown next to their fields: {errors} / {status.text}")
        check("2 个问题" in status.text, f"every independent failing rule is counted: {status.text}")
        check(entries_count(self.db) == before, "a dry run appends nothing")
        self.browser.shot("13-file-dry-run", full=True)
        self.fill_valid(tonnes="0.100")
        self.key(SC_GENERATOR)
        self.d.find_element("id", "dry-run").click()
        status = self.d.find_element("id", "filing-status")
        self.browser.wait_for(lambda: "预检通过" in status.text, "the dry run's pass")
        check(not field_errors(self.d) and entries_count(self.db) == before, "a clean form passes the dry run; nothing appended")

    def multi_line(self):
        """A manifest of two lines (添加一行 copies the waste; 删除 removes a line) is filed with both lines."""
        before = entries_count(self.db)
        self.fill_valid(tonnes="0.100")
        for _ in range(2):
            self.d.find_element("id", "add-line").click()
        rows = self.d.find_elements("css selector", "#lines tr.line")
        check(len(rows) == 3 and rows[2].find_element("css selector", ".wasteCode").get_attribute("value") == "900-039-49",
              "添加一行 adds a line carrying the first line's waste code")
        rows[2].find_element("css selector", ".remove-line").click()
        self.d.execute_script("""
            const row = document.querySelectorAll('#lines tr.line')[1];
            row.querySelector('.packaging').value = '吨袋';
            row.querySelector('.packages').value = '1';
            row.querySelector('.tonnes').value = '0.050';""")
        self.key(SC_GENERATOR)
        self.d.find_element("id", "sign-submit").click()
        self.browser.wait_for(lambda: self.d.find_element("id", "filing-result").is_displayed(), "the two-line filing")
        self.browser.shot("17-file-two-lines", full=True)
        check(entries_count(self.db) == before + 1, "one entry")
        import base64
        entry = json.loads(subprocess.run([HWLEDGER, "entries", "--db", self.db, "--from", str(before)], capture_output=True,
                                          text=True, check=True).stdout.splitlines()[0])
        lines = json.loads(base64.b64decode(entry["data"]))["submission"]["body"]["lines"]
        check([(line["packaging"], line["packages"], line["grams"]) for line in lines] == [("铁桶", 5, 100000), ("吨袋", 1, 50000)],
              f"both lines are filed as typed: {lines}")

    def lost_answer(self):
        """The first answer is lost; the clerk clicks again and the 409 replay (R-NONCE with the original result) is
        shown as filed before, with its 联单编号, and nothing is appended twice."""
        before = entries_count(self.db)
        self.fill_valid(tonnes="0.300")
        self.key(SC_GENERATOR)
        self.d.execute_script("""
            const real = window.fetch;
            let lost = false;
            window.fetch = async (...args) => {
              const r = await real(...args);
              if (!lost && String(args[0]).endsWith("/v1/submissions")) { lost = true; throw new TypeError("answer lost"); }
              return r;
            };""")
        status = self.d.find_element("id", "filing-status")
        self.d.find_element("id", "sign-submit").click()
        self.browser.wait_for(lambda: "网络错误" in status.text, "the lost answer")
        check(entries_count(self.db) == before + 1, "the first attempt was appended")
        self.d.find_element("id", "sign-submit").click()
        self.browser.wait_for(lambda: self.d.find_element("id", "filing-result").is_displayed(), "the replay's outcome")
        check("ok" in status.get_attribute("class") and "此前已提交成功" in status.text, f"shown as filed before: {status.text}")
        no = self.d.find_element("id", "assigned-no").text
        check(len(no) == 14 and no in status.text, f"with the original 联单编号: {no}")
        check(entries_count(self.db) == before + 1, "nothing is appended twice")
        self.browser.shot("12-file-replayed", full=True)


class Steps:
    """办理: the carrier picks up, a stale page is refused, the receiver receives with a partial rejection."""

    def __init__(self, browser, base, db, filing):
        self.browser, self.base, self.db, self.filing = browser, base, db, filing
        self.d = browser.driver
        # The steps happen today, shortly before they are entered: act times are typed as minutes before this
        # start (never after the signature, R-TIME), whatever the date the tests run on.
        self.start = beijing_now().replace(second=0, microsecond=0)

    def at(self, minutes_before):
        """A time `minutes_before` the start, as typed into a datetime-local field (北京时间) and as the ledger
        stores it (UTC)."""
        t = self.start - dt.timedelta(minutes=minutes_before)
        return t.strftime("%Y-%m-%dT%H:%M"), t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:00Z")

    def open(self, principal, no=None):
        self.browser.sign_in(self.base, os.path.join(KEYS, principal + ".key"))
        self.d.get(self.base + f"/ui/manifests/{no or self.filing.filed}/steps")
        self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, principal + ".key"))

    def fill(self, form_id, **fields):
        self.d.execute_script("""
            const form = document.getElementById(arguments[0]);
            for (const [k, v] of Object.entries(arguments[1])) form.querySelector('[name="' + k + '"]').value = v;""",
                              form_id, fields)

    def submit(self, form_id, button=".step-submit"):
        form = self.d.find_element("id", form_id)
        status = form.find_element("css selector", ".status")
        self.d.execute_script("arguments[0].className = 'status'; arguments[0].textContent = '';", status)
        form.find_element("css selector", button).click()
        self.browser.wait_for(lambda: "ok" in status.get_attribute("class").split() or "bad" in status.get_attribute("class").split(),
                              f"the answer to {form_id}")
        return status.get_attribute("class"), status.text

    def dry_run(self, form_id):
        """Clicks 预检 on a step form; returns the status's class and text."""
        return self.submit(form_id, button=".step-check")

    def entry(self, index):
        return entry_at(self.db, index)

    def pickup_and_stale_page(self):
        self.open(SC_CARRIER)
        check("确认起运" in self.browser.text(), "the first carrier is offered 确认起运")
        stale = self.d.current_window_handle
        self.d.switch_to.new_window("tab")
        self.d.get(self.base + f"/ui/manifests/{self.filing.filed}/steps")
        self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, SC_CARRIER + ".key"))
        before = entries_count(self.db)
        typed, stored = self.at(300)
        self.fill("pickup-form", vehiclePlate="川A12345", driver="张师傅", pickedUpAt=typed)
        cls, text = self.submit("pickup-form")
        check("ok" in cls, f"the pickup is signed and appended: {text}")
        self.browser.shot("05-steps-pickup", full=True)
        check(entries_count(self.db) == before + 1, "one entry is appended")
        e = self.entry(before)
        check(e["submission"]["type"] == "manifest.pickedUp" and e["submission"]["body"]["pickedUpAt"] == stored,
              f"the pickup time typed in 北京时间 is stored in UTC: {e['submission']['body']}")
        check(independent_signature_ok(e), "its signature verifies with Python's cryptography")
        self.d.close()
        self.d.switch_to.window(stale)
        self.fill("pickup-form", vehiclePlate="川A12345", driver="张师傅", pickedUpAt=self.at(290)[0])
        cls, text = self.submit("pickup-form")
        check("bad" in cls and "当前状态不允许此操作" in text and "inTransit" in text,
              f"the stale page's second pickup is refused with the ledger's message: {text}")
        self.browser.shot("06-steps-stale", full=True)
        check(entries_count(self.db) == before + 1, "the stale page appends nothing")

    def receive_with_partial_rejection(self):
        self.open(CQ_RECEIVER)
        check("确认接收" in self.browser.text() and "拒收" in self.browser.text(), "the receiver is offered 确认接收 and 拒收")
        before = entries_count(self.db)
        self.d.execute_script("""
            const row = document.querySelector('#receive-form tr.rline');
            row.querySelector('.received').value = '0.801';
            row.querySelector('.rejected').value = '0.2001';""")
        delivered, delivered_utc = self.at(120)
        self.fill("receive-form", deliveredAt=delivered, note="部分包装破损，拒收 0.200 吨")
        cls, text = self.submit("receive-form")
        check("bad" in cls and "3 位小数" in text and entries_count(self.db) == before, f"a 4-decimal rejection is refused: {text}")
        self.d.execute_script("document.querySelector('#receive-form tr.rline .rejected').value = '0.200';")
        cls, text = self.submit("receive-form")
        check("ok" in cls, f"the receipt is signed and appended: {text}")
        self.browser.shot("07-steps-received", full=True)
        e = self.entry(before)
        body = e["submission"]["body"]
        check(e["submission"]["type"] == "manifest.received" and body["lines"] == [{"line": 1, "grams": 801000, "rejectedGrams": 200000}]
              and body["deliveredAt"] == delivered_utc, f"received 0.801 t, rejected 0.200 t, exactly: {body}")
        check(independent_signature_ok(e), "its signature verifies with Python's cryptography")
        v = subprocess.run([HWLEDGER, "verify", "--db", self.db], capture_output=True, text=True)
        check(v.returncode == 0, f"hwledger verify accepts the ledger: {v.stdout} {v.stderr}")
        self.d.get(self.base + f"/ui/manifests/{self.filing.filed}")
        check("已接收" in self.browser.text(), "the 联单 shows the manifest received")

    def file_return(self):
        """The receiver files the return (退回) of the 0.200 t it rejected, back to the generator on the same basis."""
        self.open(CQ_RECEIVER)
        self.browser.wait_for(lambda: self.d.find_elements("id", "return-form"), "the 退回 form")
        form = self.d.find_element("id", "return-form")
        check("0.200" in form.text and "成都示例危险货物运输有限公司" in form.text, f"the form offers the rejected 0.200 t and carriers by name: {form.text}")
        before = entries_count(self.db)
        self.fill("return-form", carrier=SC_CARRIER, plannedPickup=plus_days(self.start.date().isoformat(), 2))
        self.d.execute_script("document.querySelector('#return-form tr.retline .returned').value = '0.201';")
        cls, text = self.submit("return-form")
        check("bad" in cls and "R-RETURN" not in text and "0.201" in text and entries_count(self.db) == before,
              f"returning more than was rejected is refused in Chinese, nothing appended: {text}")
        self.d.execute_script("document.querySelector('#return-form tr.retline .returned').value = '0.200';")
        cls, text = self.submit("return-form")
        check("ok" in cls and entries_count(self.db) == before + 1, f"the return is signed and appended: {text}")
        no = form.find_element("css selector", ".return-no").text
        check(len(no) == 14 and no != self.filing.filed, f"the return gets its own 联单编号: {no}")
        self.browser.shot("09-steps-return", full=True)
        e = self.entry(before)
        body = e["submission"]["body"]
        check(e["submission"]["type"] == "manifest.filed" and body["returnOf"] == self.filing.filed
              and body["generator"] == CQ_RECEIVER and body["receiver"] == SC_GENERATOR and body["carriers"] == [SC_CARRIER]
              and [line["grams"] for line in body["lines"]] == [200000] and "approval" in body["basis"],
              f"a manifest.filed with returnOf, from the receiver back to the generator, 200000 g: {body}")
        check(independent_signature_ok(e), "the return's signature verifies with Python's cryptography")
        v = subprocess.run([HWLEDGER, "verify", "--db", self.db], capture_output=True, text=True)
        check(v.returncode == 0, f"hwledger verify accepts the ledger: {v.stdout} {v.stderr}")
        self.d.get(self.base + f"/ui/manifests/{no}")
        check(f"退回原联单：{self.filing.filed}" in self.browser.text(), "the return's 联单 names the manifest it returns")
        self.browser.shot("10-return-manifest", full=True)
        self.d.get(self.base + f"/ui/manifests/{self.filing.filed}/steps")
        check(not self.d.find_elements("id", "return-form"), "nothing left to return: the 退回 form is no longer offered")
        self.returned = no

    def mine(self):
        """我的联单: each enterprise's manifests with its role, the state and its next step, linked to 办理."""
        def rows():
            self.d.get(self.base + "/ui/mine")
            return {r.get_attribute("data-no"): r for r in self.d.find_elements("css selector", "#mine-list tr.mine")}
        self.browser.sign_in(self.base, os.path.join(KEYS, SC_CARRIER + ".key"))
        mine = rows()
        check(self.returned in mine and "确认起运" in mine[self.returned].find_element("css selector", ".next").text,
              f"the carrier's next step on the return is 确认起运: {[r.text for r in mine.values()][:5]}")
        check("已接收" in mine[self.filing.filed].text and "无需本单位办理" in mine[self.filing.filed].text,
              "the received manifest needs nothing more of the carrier")
        self.browser.shot("14-mine-carrier", full=True)
        self.browser.sign_in(self.base, os.path.join(KEYS, CQ_RECEIVER + ".key"))
        mine = rows()
        ret = mine[self.returned]
        check("移出人" in ret.text and "已填报" in ret.text and "可作废" in ret.text and self.filing.filed in ret.text,
              f"the return is the receiver's as 移出人, may be cancelled before pickup, names the original: {ret.text}")
        check("接受人" in mine[self.filing.filed].text, "on the original it is 接受人")
        ret.find_element("css selector", ".next a").click()
        self.browser.wait_for(lambda: self.d.find_elements("id", "cancel-form"), "the 办理 page of the return")
        check(f"/ui/manifests/{self.returned}/steps" in self.d.current_url, "the next step links to 办理")
        self.browser.sign_in(self.base, os.path.join(KEYS, "REG-510000.key"))
        self.d.get(self.base + "/ui/mine")
        check("我的联单" in self.browser.text() and "not an enterprise" in self.browser.text(), "a regulator gets a clear refusal")

    def correction(self):
        """The receiver proposes a correction of the received tonnes; the generator and the carrier approve it."""
        no = self.filing.filed
        self.open(CQ_RECEIVER)
        self.browser.wait_for(lambda: self.d.find_elements("id", "correction-form"), "the 提出更正 form")
        before = entries_count(self.db)
        self.fill("correction-form", reason="复磅数量")
        cls, text = self.submit("correction-form")
        check("bad" in cls and "没有需要更正" in text and entries_count(self.db) == before, f"a correction that changes nothing is refused: {text}")
        self.d.execute_script("document.querySelector('#correction-form tr.cline .grams').value = '0.795';")
        cls, text = self.submit("correction-form")
        check("ok" in cls and entries_count(self.db) == before + 1, f"the correction is proposed: {text}")
        proposed = self.entry(before)
        body = proposed["submission"]["body"]
        check(proposed["submission"]["type"] == "manifest.correction.proposed" and body["lines"] == [{"line": 1, "grams": 795000}]
              and "method" not in body and body["reason"] == "复磅数量", f"only the changed line is proposed: {body}")
        for party, shot in ((SC_GENERATOR, "15-steps-approve-correction"), (SC_CARRIER, None)):
            self.browser.sign_in(self.base, os.path.join(KEYS, party + ".key"))
            self.d.get(self.base + "/ui/mine")
            row = self.d.find_element("css selector", f'#mine-list tr.mine[data-no="{no}"]')
            check("确认更正" in row.text, f"我的联单 lists 确认更正 for {party}: {row.text}")
            row.find_element("css selector", ".next a").click()
            self.browser.wait_for(lambda: self.d.find_elements("css selector", ".approve-form"), "the 确认更正 form")
            form = self.d.find_element("css selector", ".approve-form")
            check("0.795" in form.text and "重庆示例固废处置有限公司" in form.text and "复磅数量" in form.text,
                  f"the form shows the proposer, the reason and the new tonnes: {form.text}")
            self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, party + ".key"))
            n = entries_count(self.db)
            form.find_element("css selector", ".step-submit").click()
            status = form.find_element("css selector", ".status")
            self.browser.wait_for(lambda: "ok" in status.get_attribute("class").split(), f"{party}'s approval")
            e = self.entry(n)
            check(e["submission"]["type"] == "manifest.correction.approved" and e["submission"]["actor"] == party
                  and independent_signature_ok(e), f"{party}'s approval is signed and verifies independently")
            if shot:
                self.browser.shot(shot, full=True)
        check(independent_signature_ok(proposed), "the proposal's signature verifies independently")
        v = subprocess.run([HWLEDGER, "verify", "--db", self.db], capture_output=True, text=True)
        check(v.returncode == 0, f"hwledger verify accepts the ledger: {v.stdout} {v.stderr}")
        self.d.get(self.base + f"/ui/manifests/{no}")
        check("0.795" in self.browser.text(), "the 联单 shows the corrected tonnes")
        self.browser.shot("16-manifest-corrected", full=True)


    def handover_and_reject(self):
        """Two carriers: the second takes over (交接) from the first, found from 我的联单's 待本单位办理; the receiver
        rejects the whole load (拒收). 预检 on the step forms answers without appending: a pass, a stale page's refusal,
        a missing reason, a return of more than was rejected."""
        self.browser.sign_in(self.base, os.path.join(KEYS, SC_GENERATOR + ".key"))
        self.filing.fill_valid(tonnes="0.400")
        set_value(self.d, "carrier2", CQ_CARRIER)
        self.filing.key(SC_GENERATOR)
        self.d.find_element("id", "sign-submit").click()
        self.browser.wait_for(lambda: self.d.find_element("id", "filing-result").is_displayed(), "the two-carrier filing")
        no = self.d.find_element("id", "assigned-no").text
        self.open(SC_CARRIER, no)
        self.fill("pickup-form", vehiclePlate="川A54321", driver="王师傅", pickedUpAt=self.at(240)[0])
        cls, text = self.submit("pickup-form")
        check("ok" in cls, f"the first carrier picks up: {text}")

        self.browser.sign_in(self.base, os.path.join(KEYS, CQ_CARRIER + ".key"))
        self.d.get(self.base + "/ui/mine?todo=1")
        rows = {r.get_attribute("data-no"): r.text for r in self.d.find_elements("css selector", "#mine-list tr.mine")}
        check(no in rows and "交接" in rows[no], f"待本单位办理 lists the handover for the second carrier: {rows.get(no)}")
        check(all("无需本单位办理" not in t for t in rows.values()), f"and nothing it has no step on: {list(rows.values())[:3]}")
        check(self.d.find_element("css selector", "input[name=todo]").is_selected(), "the 只看待本单位办理的 box stays ticked")
        self.browser.shot("18-mine-todo", full=True)
        self.open(CQ_CARRIER, no)
        before = entries_count(self.db)
        handed, handed_utc = self.at(180)
        self.fill("handover-form", vehiclePlate="渝B12345", driver="陈师傅", handedOverAt=handed)
        cls, text = self.dry_run("handover-form")
        check("ok" in cls and "预检通过" in text and entries_count(self.db) == before, f"预检 passes the handover, nothing appended: {text}")
        cls, text = self.submit("handover-form")
        check("ok" in cls and entries_count(self.db) == before + 1, f"the second carrier takes over: {text}")
        e = self.entry(before)
        body = e["submission"]["body"]
        check(e["submission"]["type"] == "manifest.handedOver" and e["submission"]["actor"] == CQ_CARRIER
              and body["fromCarrier"] == SC_CARRIER and body["handedOverAt"] == handed_utc and body["vehiclePlate"] == "渝B12345",
              f"a handover from the first carrier, the time typed in 北京时间 stored in UTC: {body}")
        check(independent_signature_ok(e), "its signature verifies with Python's cryptography")
        self.browser.shot("19-steps-handover", full=True)
        cls, text = self.dry_run("handover-form")
        check("bad" in cls and "预检发现 1 个问题" in text and "当前状态不允许此操作" in text and entries_count(self.db) == before + 1,
              f"预检 on the now stale page says the ledger would refuse it, nothing appended: {text}")

        self.open(CQ_RECEIVER, no)
        before = entries_count(self.db)
        rejected, rejected_utc = self.at(60)
        self.fill("reject-form", deliveredAt=rejected)
        cls, text = self.dry_run("reject-form")
        check("bad" in cls and "拒收原因" in text and entries_count(self.db) == before, f"预检 asks for the reason first: {text}")
        self.fill("reject-form", reason="包装严重破损，整批拒收")
        cls, text = self.dry_run("reject-form")
        check("ok" in cls and "预检通过" in text and entries_count(self.db) == before, f"预检 passes the rejection: {text}")
        cls, text = self.submit("reject-form")
        check("ok" in cls and entries_count(self.db) == before + 1, f"the receiver rejects the whole load: {text}")
        e = self.entry(before)
        check(e["submission"]["type"] == "manifest.rejected" and e["submission"]["body"]["reason"] == "包装严重破损，整批拒收"
              and e["submission"]["body"]["deliveredAt"] == rejected_utc and independent_signature_ok(e),
              f"a manifest.rejected signed by the receiver, verified independently: {e['submission']['body']}")
        self.browser.shot("20-steps-rejected", full=True)
        self.d.get(self.base + f"/ui/manifests/{no}/steps")
        self.browser.wait_for(lambda: self.d.find_elements("id", "return-form"), "the 退回 form after 拒收")
        self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, CQ_RECEIVER + ".key"))
        form = self.d.find_element("id", "return-form")
        check("0.400" in form.text, f"the whole 0.400 t may be returned: {form.text}")
        self.fill("return-form", carrier=CQ_CARRIER, plannedPickup=plus_days(self.start.date().isoformat(), 3))
        self.d.execute_script("document.querySelector('#return-form tr.retline .returned').value = '0.401';")
        cls, text = self.dry_run("return-form")
        check("bad" in cls and "预检发现 1 个问题" in text and "退回" in text and entries_count(self.db) == before + 1,
              f"预检 of a return of more than was rejected names the rule in Chinese, nothing appended: {text}")
        v = subprocess.run([HWLEDGER, "verify", "--db", self.db], capture_output=True, text=True)
        check(v.returncode == 0, f"hwledger verify accepts the ledger: {v.stdout} {v.stderr}")
        self.d.get(self.base + f"/ui/manifests/{no}")
        text = self.browser.text()
        check("已拒收" in text and "渝B12345" in text, "the 联单 shows the handover and the rejection")

    def file_one(self, tonnes):
        """Files a manifest of SC_GENERATOR in the browser on the fresh approval; returns its 联单编号."""
        self.browser.sign_in(self.base, os.path.join(KEYS, SC_GENERATOR + ".key"))
        self.filing.fill_valid(tonnes=tonnes)
        self.filing.key(SC_GENERATOR)
        self.d.find_element("id", "sign-submit").click()
        self.browser.wait_for(lambda: self.d.find_element("id", "filing-result").is_displayed(), "the filing")
        return self.d.find_element("id", "assigned-no").text

    def count_posts(self):
        """From now on, counts the page's requests to /v1/checks and /v1/submissions (window.hwlPosts)."""
        self.d.execute_script("""
            window.hwlPosts = 0;
            const real = window.fetch;
            window.fetch = (...args) => {
              if (/\/v1\/(checks|submissions)/.test(String(args[0]))) window.hwlPosts++;
              return real(...args);
            };""")

    def future_act_time(self):
        """The act-time field is prefilled with now (北京时间) and may not be set later: a 起运时间 one hour ahead is
        refused in the browser by 预检 and by 签名提交 with the R-TIME wording, nothing is posted or appended; the
        prefilled now is then accepted."""
        no = self.file_one("0.250")
        self.future_no = no
        self.open(SC_CARRIER, no)
        self.browser.wait_for(lambda: self.d.find_elements("id", "pickup-form"), "the 确认起运 form")
        field = self.d.find_element("css selector", '#pickup-form input[name="pickedUpAt"]')
        prefilled, latest = field.get_attribute("value"), field.get_attribute("max")
        now = beijing_now().replace(tzinfo=None)

        def minute(text):
            try:
                return dt.datetime.strptime(text or "", "%Y-%m-%dT%H:%M")
            except ValueError:
                return None
        shown, limit = minute(prefilled), minute(latest)
        check(shown and abs((now - shown).total_seconds()) <= 150,
              f"起运时间 is prefilled with now in 北京时间: {prefilled!r} (test clock {now:%Y-%m-%dT%H:%M:%S})")
        check(limit and limit >= shown and abs((now - limit).total_seconds()) <= 150,
              f"and may not be set later than now (max): {latest!r}")
        ahead = (beijing_now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        self.fill("pickup-form", vehiclePlate="川A77777", driver="赵师傅", pickedUpAt=ahead)
        before = entries_count(self.db)
        self.count_posts()
        for name, button in (("预检", ".step-check"), ("签名提交", ".step-submit")):
            cls, text = self.submit("pickup-form", button=button)
            check("bad" in cls and "起运时间晚于签名时间" in text and "未提交任何内容" in text,
                  f"{name} of a 起运时间 one hour ahead ({ahead}) is refused in the browser: {text}")
            if name == "预检":
                self.browser.shot("21-steps-future-pickup", full=True)
        posts = self.d.execute_script("return window.hwlPosts;")
        check(posts == 0, f"nothing is posted: {posts} requests")
        check(entries_count(self.db) == before, "nothing is appended")
        self.fill("pickup-form", pickedUpAt=prefilled)
        cls, text = self.submit("pickup-form")
        check("ok" in cls and entries_count(self.db) == before + 1, f"the prefilled now is accepted: {text}")
        e = self.entry(before)
        body, signed = e["submission"]["body"], e["submission"]["signedAt"]
        check(e["submission"]["type"] == "manifest.pickedUp" and body["pickedUpAt"] <= signed
              and body["pickedUpAt"] == shown.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:00Z"),
              f"its 起运时间 is the prefilled minute, not after the signature: {body['pickedUpAt']} / signedAt {signed}")
        check(independent_signature_ok(e), "its signature verifies with Python's cryptography")

    def forged_future_pickup(self):
        """A body the form would never send — pickedUpAt one hour after signedAt — signed in the page with the
        clerk's key as forms.js signs (HWLForms.signEvent) and posted (HWLForms.post): the ledger answers 422 R-TIME
        with the Chinese sentence first; nothing is appended."""
        no = self.file_one("0.150")
        self.open(SC_CARRIER, no)
        self.browser.wait_for(lambda: self.d.find_elements("id", "pickup-form"), "the 确认起运 form")
        before = entries_count(self.db)
        self.d.set_script_timeout(20)
        answer = self.d.execute_async_script("""
            const [manifestNo, actor, done] = arguments;
            (async () => {
              const key = await HWL.loadKeyFile(document.getElementById("keyfile").files[0]);
              const second = Math.floor(Date.now() / 1000) * 1000;
              const pickedUpAt = new Date(second + 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
              const signed = await HWLForms.signEvent(key, "manifest.pickedUp", actor,
                { manifestNo, vehiclePlate: "川A66666", driver: "钱师傅", pickedUpAt });
              const answer = await HWLForms.post("/v1/submissions", signed);
              return { status: answer.status, body: answer.body, submission: signed.submission };
            })().then(done, (e) => done({ thrown: String(e) }));""", no, SC_CARRIER)
        check("thrown" not in answer, f"the page signs and posts: {answer}")
        sub = answer["submission"]
        lead = (dt.datetime.fromisoformat(sub["body"]["pickedUpAt"].replace("Z", "+00:00"))
                - dt.datetime.fromisoformat(sub["signedAt"].replace("Z", "+00:00"))).total_seconds()
        check(3590 <= lead <= 3600, f"the forged pickedUpAt is one hour after signedAt: {sub['body']['pickedUpAt']} / {sub['signedAt']}")
        error = (answer["body"] or {}).get("error") or {}
        check(answer["status"] == 422 and error.get("rule") == "R-TIME", f"422 R-TIME: {answer['status']} {answer['body']}")
        check(error.get("messageZh", "").startswith("起运时间晚于签名时间"), f"the Chinese message starts with 起运时间晚于签名时间: {error}")
        check("pickedUpAt" in error.get("message", ""), f"the English detail names the field: {error.get('message')}")
        check(entries_count(self.db) == before, "nothing is appended")
        self.d.get(self.base + f"/ui/manifests/{no}")
        check("已填报" in self.browser.text(), "the manifest is still only filed")

    def cancel_before_pickup(self):
        self.browser.sign_in(self.base, os.path.join(KEYS, SC_GENERATOR + ".key"))
        self.filing.fill_valid(tonnes="2.000")
        value = lambda i: self.d.find_element("id", i).get_attribute("value")
        line_fields = ("wasteCode", "name", "hazards", "form", "packaging", "packages", "tonnes")
        line = lambda: {f: self.d.find_element("css selector", f"#lines tr.line .{f}").get_attribute("value") for f in line_fields}
        filed = {i: value(i) for i in ("basis", "receiver", "carrier1", "carrier2", "method")}
        filed_line = line()
        self.filing.key(SC_GENERATOR)
        self.d.find_element("id", "sign-submit").click()
        self.browser.wait_for(lambda: self.d.find_element("id", "filing-result").is_displayed(), "the second filing")
        no = self.d.find_element("id", "assigned-no").text
        self.d.get(self.base + f"/ui/manifests/{no}")
        check(not self.d.find_elements("id", "copy-as-new"), "a manifest still filed offers no 复制为新联单")
        self.d.get(self.base + f"/ui/manifests/{no}/steps")
        self.browser.wait_for(lambda: self.d.find_elements("id", "cancel-form"), "the 作废 form")
        check(not self.d.find_elements("id", "pickup-form"), "the generator is not offered the carrier's pickup")
        self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, SC_GENERATOR + ".key"))
        before = entries_count(self.db)
        cls, text = self.submit("cancel-form")
        check("bad" in cls and "作废原因" in text and entries_count(self.db) == before, f"a cancel without a reason is refused: {text}")
        self.fill("cancel-form", reason="计划变更，起运前作废")
        cls, text = self.submit("cancel-form")
        check("ok" in cls and entries_count(self.db) == before + 1, f"the generator cancels before pickup: {text}")
        self.browser.shot("08-steps-cancelled", full=True)
        e = self.entry(before)
        check(e["submission"]["type"] == "manifest.cancelled" and e["submission"]["body"]["manifestNo"] == no
              and independent_signature_ok(e), "the cancellation is signed by the generator and verifies independently")
        # 复制为新联单: the cancelled manifest's page links to the filing form, pre-filled with its parties, method,
        # basis (still valid) and lines; the date is left to the clerk.
        self.d.get(self.base + f"/ui/manifests/{no}")
        link = self.d.find_elements("id", "copy-as-new")
        check(link and link[0].text == "复制为新联单" and link[0].get_attribute("href").endswith(f"/ui/file?copy={no}"),
              f"the cancelled manifest offers 复制为新联单: {[l.get_attribute('href') for l in link]}")
        link[0].click()
        self.browser.wait_for(lambda: self.d.find_elements("id", "copy-of"), "the pre-filled filing form")
        copied = {i: value(i) for i in ("basis", "receiver", "carrier1", "carrier2", "method")}
        check(copied == filed, f"parties, method and basis as filed: {copied} vs {filed}")
        check(len(self.d.find_elements("css selector", "#lines tr.line")) == 1 and line() == filed_line,
              f"the line as filed: {line()} vs {filed_line}")
        check(value("plannedPickup") == "", "the planned date is not copied")
        check(self.d.find_element("id", "plannedPickup").get_attribute("min") == self.filing.approval["from"],
              "the date is bounded by the pre-selected approval's validity")
        self.browser.shot("08-copy-as-new", full=True)
        self.d.get(self.base + "/ui/file?copy=20259999999999")
        check("未找到" in self.browser.text(), "copying a manifest that is not the generator's is a 404 page")


def main():
    keep = "--keep" in sys.argv
    work = work_dir("hwl-forms-")
    db = fixture_ledger(work)
    chapter = current_year_chapter(db, work)
    daemon = Daemon(db, work)
    browser = Browser(OUT)
    checks = Checks("forms browser tests")
    run = checks.run

    base = daemon.base
    try:
        run("canonical.js gives the Swift encoder's bytes on every shared vector and refuses the reject vectors",
            canonical_vectors, browser, base)
        filing = Filing(browser, base, db, work, chapter)
        run("填报联单 offers this generator's approval valid today with grams left, receivers and carriers with permits, "
            "the 名录", filing.offers)
        run("the filing form shows an expired approval disabled with its end date; the fresh one enabled with grams left",
            filing.expired_approval)
        run("a line's name is the code's short 名录 name and follows the code, unless the clerk typed one", filing.name_follows_code)
        run("a form with four mistakes shows four messages next to their fields and appends nothing", filing.four_mistakes)
        run("a 4-decimal tonnage, a pickup outside the approval, a key file of another enterprise: refused, nothing appended",
            filing.bad_inputs)
        run("the clerk signs in the browser: a double click files one manifest; 联单编号 and printable 联单; hwledger "
            "verify and an independent Ed25519 check pass", filing.files)
        run("an approval of another generator put in by editing the form is refused next to 转移依据, nothing appended",
            filing.other_generators_approval)
        run("预检: the dry run (POST /v1/checks) shows each failing rule next to its field before signing; nothing appended",
            filing.dry_run)
        run("多行联单: 添加一行 and 删除 in the form; a two-line manifest is filed with both lines", filing.multi_line)
        run("a lost answer: the second click's 409 replay shows the manifest as filed before, with its 联单编号; one entry",
            filing.lost_answer)
        steps = Steps(browser, base, db, filing)
        run("办理: the first carrier confirms the pickup in the browser; a stale page of the same step is refused, "
            "nothing appended", steps.pickup_and_stale_page)
        run("办理: the receiver receives with a partial rejection (tonnes exact; 4 decimals refused); hwledger verify",
            steps.receive_with_partial_rejection)
        run("办理: the receiver files the return (退回) of the rejected part: more than rejected is refused, nothing "
            "appended; hwledger verify and an independent Ed25519 check pass", steps.file_return)
        run("我的联单: each enterprise's manifests with its role, state and next step (the 办理 computation), linked to 办理",
            steps.mine)
        run("更正: the receiver proposes a correction (only changed lines; none refused), the generator and the carrier "
            "approve from 我的联单; each signature verifies independently; hwledger verify", steps.correction)
        run("办理: the generator cancels a manifest before pickup (a reason is required); its page then offers 复制为新联单, "
            "a filing form pre-filled with its parties, method, basis and lines", steps.cancel_before_pickup)
        run("办理: 交接 to the second carrier (found under 待本单位办理) and 拒收 of the whole load; 预检 on step forms passes, "
            "refuses a stale page, a missing reason and an excessive return, appending nothing", steps.handover_and_reject)
        run("browser 预检 refuses a 交接/起运 time later than now: 起运时间 prefilled with now, one hour ahead refused by 预检 "
            "and 签名提交 before signing, nothing posted or appended; the prefilled now is accepted", steps.future_act_time)
        run("R-TIME as the browser meets it: a pickup one hour after signedAt, signed in the page with the clerk's key, "
            "is 422 R-TIME 起运时间晚于签名时间, nothing appended", steps.forged_future_pickup)
        run("tonnes convert to grams exactly (0.001 t, 99999.999 t); negatives, 4 decimals and non-numbers are refused",
            tonnes, browser, base)
    finally:
        browser.quit()
        daemon.stop()
        cleanup(work, keep)
    checks.finish()


if __name__ == "__main__":
    main()

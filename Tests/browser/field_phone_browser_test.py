#!/usr/bin/env python3
"""Phones in the field and the printed 联单 (issue 21, part 4), in real headless Chromium.

    python3 Tests/browser/field_phone_browser_test.py [--keep]

Builds the fixture ledger and the current-year chapter, and files with the real CLI (`hwledger submit`, before the
daemon starts) a 60-line 联单 with two carriers, picked up by the first, so that it prints on several pages and offers
交接 to the second carrier and 确认接收 / 拒收 to the receiver. Then, against a live hwledgerd:
  - 填报联单 at 1366 px asks for 应急联系人, 应急联系电话 and 有害成分: both-or-neither and the phone's characters are
    checked next to their fields in the browser; the ledger re-checks a phone the form would not send (422); a manifest
    filed with them carries them exactly in its entry, and the 联单 page and its PDF show them;
  - the 联单, 我的联单 and the carrier's and receiver's 办理 pages (起运, 交接, 确认接收, 拒收) at 360, 390 and 430 px:
    no horizontal scrolling, nothing past the right edge, inputs and buttons at least 44 px tall, type at least 14 px,
    tables shown as one card per row; at 1366 px the same tables are tables;
  - the printed QR code (zbarimg on the print-to-PDF) opened on a 390 px phone shows "办理此联单"; the signed-in
    first carrier follows it to 办理, finds the key file and 确认起运 on the first screen and signs the pickup there;
  - the long 联单's PDF: every page's text (pdftotext) carries the 联单编号 and "第 n 页 共 m 页", m ≥ 2.
Screenshots under out/field-phone/.
"""
import base64
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402  (the browser tests' shared harness)
    HWLEDGER, KEYS, ROOT, Browser, Checks, Daemon, beijing_now, check, cleanup, current_year_chapter, entries_count,
    entry_at, fixture_ledger, submit_events, work_dir)
from forms_browser_test import field_errors, set_line, set_value  # noqa: E402  (the filing form, as a clerk fills it)

OUT = os.path.join(ROOT, "out", "field-phone")
SC_GENERATOR = "91511500MA0000004Y"  # 宜宾, with the chapter's approval to 永川 (900-039-49, D10)
SC_CARRIER = "91510100MA00000051"
CQ_CARRIER = "91500107MA0000012R"
CQ_RECEIVER = "91500118MA00000151"
LONG_LINES = 60
CONTACT = {"name": "王应急", "phone": "+86 138-0000-0000"}
COMPONENTS = "矿物油、苯系物（含甲苯）"
WIDTHS = (360, 390, 430)

# Everything a phone page must satisfy, measured in the page: the document's scroll width, visible elements past the
# right edge, controls under 44 px, text under 14 px, and how each .reflow table is displayed.
MEASURE = r"""
const vw = window.innerWidth;
const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
const out = { vw, scrollWidth: document.documentElement.scrollWidth, past: [], small: [], tinyText: [], reflow: [] };
for (const el of document.querySelectorAll("body *")) {
  if (!visible(el)) continue;
  const r = el.getBoundingClientRect();
  if (r.right > vw + 0.5 && out.past.length < 8) out.past.push(name(el) + " right=" + Math.round(r.right));
}
for (const el of document.querySelectorAll("input, select, button, textarea")) {
  if (!visible(el) || el.type === "hidden") continue;
  let h = el.getBoundingClientRect().height;
  if (el.type === "checkbox" || el.type === "radio") h = Math.max(h, el.closest("label") ? el.closest("label").getBoundingClientRect().height : 0);
  if (h < 44) out.small.push(name(el) + "[" + (el.name || el.type) + "] " + Math.round(h) + "px");
}
for (const el of document.querySelectorAll("td, th, p, li, label, a, span, strong, h1, h2, legend, caption")) {
  if (!visible(el)) continue;
  const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
  const size = parseFloat(getComputedStyle(el).fontSize);
  if (own && size < 14 && out.tinyText.length < 8) out.tinyText.push(name(el) + " " + size + "px: " + el.textContent.trim().slice(0, 20));
}
for (const t of document.querySelectorAll("table.reflow")) {
  const tr = t.querySelector(":scope > tbody > tr");
  out.reflow.push({ id: t.id || t.className, row: tr ? getComputedStyle(tr).display : null,
    head: t.tHead ? getComputedStyle(t.tHead).display : null });
}
return out;
"""


def phone(browser, width, height=844):
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})


def desktop(browser):
    browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.driver.set_window_size(1366, 768)


def shot(browser, name, width):
    """The whole page at the emulated width (at most 6000 px of it), and the first screen alone."""
    d = browser.driver
    d.save_screenshot(os.path.join(OUT, name + "-first-screen.png"))
    height = int(d.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]["height"])
    data = d.execute_cdp_cmd("Page.captureScreenshot", {
        "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 6000), "scale": 1}})
    path = os.path.join(OUT, name + ".png")
    with open(path, "wb") as f:
        f.write(base64.b64decode(data["data"]))
    return path


def fits_phone(browser, what):
    """The phone checks on the page now shown; returns the measurements."""
    m = browser.driver.execute_script(MEASURE)
    check(m["scrollWidth"] <= m["vw"], f"{what}: no horizontal scrolling at {m['vw']} px (scroll width {m['scrollWidth']})")
    check(not m["past"], f"{what}: nothing past the right edge at {m['vw']} px: {m['past']}")
    check(not m["small"], f"{what}: inputs and buttons at least 44 px tall at {m['vw']} px: {m['small']}")
    check(not m["tinyText"], f"{what}: text at least 14 px at {m['vw']} px: {m['tinyText']}")
    for t in m["reflow"]:
        check(t["row"] == "block" and t["head"] in ("none", None), f"{what}: table {t['id']} is one card per row at {m['vw']} px: {t}")
    return m


def utc(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def print_pdf(browser, name):
    d = browser.driver
    pdf = d.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True,
                                               "printBackground": True})
    path = os.path.join(OUT, name + ".pdf")
    with open(path, "wb") as f:
        f.write(base64.b64decode(pdf["data"]))
    return path


def pdf_pages(path):
    """Each page's text in content order (pdftotext -raw: a table cell's wrapped lines stay together), whitespace
    removed (pdftotext drops or keeps the narrow spaces of CJK text unpredictably)."""
    text = subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return [re.sub(r"\s+", "", p) for p in pages]


def qr_links(path, name):
    subprocess.run(["pdftoppm", "-r", "150", "-png", path, os.path.join(OUT, name)], check=True)
    found = []
    for p in sorted(x for x in os.listdir(OUT) if x.startswith(name + "-") and x.endswith(".png")):
        r = subprocess.run(["zbarimg", "--quiet", "--raw", os.path.join(OUT, p)], capture_output=True, text=True)
        found += [line for line in r.stdout.splitlines() if line]
    return found


def long_manifest(db, work, chapter):
    """A 60-line 联单 (two carriers) filed and picked up with the CLI; returns its number."""
    a = chapter["approvals"][SC_GENERATOR]
    lines = [{"wasteCode": a["code"], "name": f"废矿物油渣（第 {i + 1} 批）", "hazards": ["T", "I"], "form": "固态",
              "packaging": "铁桶", "packages": 2, "grams": 1_000_000 + i, "components": f"矿物油、多环芳烃（批 {i + 1}）"}
             for i in range(LONG_LINES)]
    filed = submit_events(db, work, SC_GENERATOR, [("manifest.filed", {
        "generator": SC_GENERATOR, "carriers": [SC_CARRIER, CQ_CARRIER], "receiver": CQ_RECEIVER,
        "plannedPickup": chapter["today"], "method": a["method"], "basis": {"approval": a["approvalNo"]}, "lines": lines,
        "emergencyContact": {"name": "李值班", "phone": "0831-1234567"}})], "long-filed")
    no = filed[0]["assigned"]["manifestNo"]
    time.sleep(1.5)
    picked = beijing_now() - dt.timedelta(seconds=1)
    submit_events(db, work, SC_CARRIER, [("manifest.pickedUp", {
        "manifestNo": no, "vehiclePlate": "川Q12345", "driver": "赵师傅", "pickedUpAt": utc(picked)})], "long-picked")
    return no


class Field:
    def __init__(self, browser, base, db, chapter, long_no):
        self.browser, self.base, self.db, self.chapter, self.long_no = browser, base, db, chapter, long_no
        self.d = browser.driver
        self.filed = None
        self.fragment_url = None

    def sign_in(self, principal):
        self.browser.sign_in(self.base, os.path.join(KEYS, principal + ".key"))

    def fill_filing(self):
        a = self.chapter["approvals"][SC_GENERATOR]
        self.d.get(self.base + "/ui/file")
        self.browser.wait_for(lambda: self.d.find_element("id", "sign-submit"), "the filing form")
        set_value(self.d, "basis", "approval:" + a["approvalNo"])
        set_value(self.d, "carrier1", SC_CARRIER)
        set_value(self.d, "plannedPickup", a["from"])
        set_line(self.d, packaging="铁桶", packages="3", tonnes="2.500")
        self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, SC_GENERATOR + ".key"))

    def submit_refused(self):
        self.d.find_element("id", "sign-submit").click()
        self.browser.wait_for(lambda: "bad" in self.d.find_element("id", "filing-status").get_attribute("class"),
                              "the form's refusal")
        return field_errors(self.d)

    def filing_checks_in_browser(self):
        desktop(self.browser)
        self.sign_in(SC_GENERATOR)
        before = entries_count(self.db)
        self.fill_filing()
        set_value(self.d, "emergencyName", "王应急")
        errors = self.submit_refused()
        check("应急联系电话" in errors.get("emergencyPhone", ""), f"a contact without a phone is refused next to the phone: {errors}")
        self.fill_filing()
        set_value(self.d, "emergencyPhone", "028-1234567")
        errors = self.submit_refused()
        check("应急联系人" in errors.get("emergencyName", ""), f"a phone without a contact is refused next to the contact: {errors}")
        self.fill_filing()
        set_value(self.d, "emergencyName", "王应急")
        set_value(self.d, "emergencyPhone", "138ab000")
        set_line(self.d, components="铅" * 201)
        errors = self.submit_refused()
        check("5–20" in errors.get("emergencyPhone", "") and "有害成分" in errors.get("lines", ""),
              f"a phone with letters and 201 characters of 有害成分 are refused next to their fields: {errors}")
        check("invalid" in self.d.find_element("id", "emergencyPhone").get_attribute("class"), "the phone field is marked")
        self.browser.shot("10-file-emergency-refused", full=True)
        check(entries_count(self.db) == before, "nothing is appended")

    def ledger_rechecks_phone(self):
        """A phone the form would never send, signed in the page as forms.js signs and posted: 422, nothing appended."""
        self.fill_filing()
        before = entries_count(self.db)
        a = self.chapter["approvals"][SC_GENERATOR]
        self.d.set_script_timeout(20)
        answer = self.d.execute_async_script("""
            const [body, done] = arguments;
            (async () => {
              const key = await HWL.loadKeyFile(document.getElementById("keyfile").files[0]);
              const signed = await HWLForms.signEvent(key, "manifest.filed", body.generator, body);
              const answer = await HWLForms.post("/v1/submissions", signed);
              return { status: answer.status, body: answer.body, field: answer.body && answer.body.error ? HWLForms.fieldOf(answer.body.error) : null };
            })().then(done, (e) => done({ thrown: String(e) }));""", {
            "generator": SC_GENERATOR, "carriers": [SC_CARRIER], "receiver": CQ_RECEIVER, "plannedPickup": a["from"],
            "method": a["method"], "basis": {"approval": a["approvalNo"]},
            "lines": [{"wasteCode": a["code"], "name": "废矿物油渣", "hazards": ["T"], "form": "固态", "packaging": "铁桶",
                       "packages": 1, "grams": 1000}],
            "emergencyContact": {"name": "王应急", "phone": "call me"}})
        check(answer.get("status") == 422, f"the ledger refuses the phone: {answer}")
        check("emergencyContact" in json.dumps(answer["body"]), f"the refusal names emergencyContact: {answer['body']}")
        check(answer["field"] == "emergencyPhone", f"the form would show it next to 应急联系电话: {answer['field']}")
        check(entries_count(self.db) == before, "nothing is appended")

    def files_with_contact(self):
        before = entries_count(self.db)
        self.fill_filing()
        set_value(self.d, "emergencyName", CONTACT["name"])
        set_value(self.d, "emergencyPhone", CONTACT["phone"])
        set_line(self.d, components=COMPONENTS)
        self.d.execute_script("window.scrollTo(0, 0)")
        self.browser.shot("11-file-form-1366", full=True)
        m = self.d.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        check(m[0] <= m[1], f"the filing form fits 1366 px with the new column: {m}")
        self.d.find_element("id", "sign-submit").click()
        self.browser.wait_for(lambda: self.d.find_element("id", "filing-result").is_displayed(), "the assigned 联单编号", timeout=20)
        no = self.d.find_element("id", "assigned-no").text
        check(entries_count(self.db) == before + 1, "one entry is appended")
        body = entry_at(self.db, before)["submission"]["body"]
        check(body.get("emergencyContact") == CONTACT, f"the entry carries the contact exactly: {body.get('emergencyContact')}")
        check(body["lines"][0].get("components") == COMPONENTS, f"the entry carries 有害成分 exactly: {body['lines'][0]}")
        self.filed = no

    def sheet_shows_contact(self):
        desktop(self.browser)
        # The QR code comes with the first signed checkpoint covering the filing (about a second later).
        def printed():
            self.d.get(self.base + f"/ui/manifests/{self.filed}")
            return self.d.find_elements("id", "verify-url")
        self.browser.wait_for(printed, "the 联单 with its QR code", timeout=20)
        check(self.d.find_element("id", "emergency-name").text == CONTACT["name"]
              and self.d.find_element("id", "emergency-phone").text == CONTACT["phone"], "the 联单 shows 应急联系人 and 电话")
        check(COMPONENTS in self.d.find_element("id", "manifest-lines").text, "the 联单 shows 有害成分")
        path = print_pdf(self.browser, "12-filed-manifest")
        pages = pdf_pages(path)
        text = "".join(pages)
        for label, value in (("应急联系人", CONTACT["name"]), ("应急联系电话", CONTACT["phone"]), ("有害成分", COMPONENTS)):
            check(label in text and re.sub(r"\s+", "", value) in text, f"the PDF shows {label} {value}")
        check(all(self.filed in p for p in pages), "every page of the PDF carries the 联单编号")
        links = qr_links(path, "12-filed-manifest")
        check(len(links) == 1 and "/ui/v#" in links[0], f"one QR code with the check page's link: {links}")
        self.fragment_url = links[0]

    def long_print(self):
        desktop(self.browser)
        self.sign_in(SC_GENERATOR)
        self.d.get(self.base + f"/ui/manifests/{self.long_no}")
        self.browser.wait_for(lambda: self.d.find_elements("css selector", "#manifest-lines tbody tr"), "the long 联单")
        path = print_pdf(self.browser, "13-long-manifest")
        pages = pdf_pages(path)
        m = len(pages)
        check(m >= 2, f"the 60-line 联单 takes 2+ pages: {m}")
        for n, p in enumerate(pages, 1):
            check(self.long_no in p, f"page {n} carries 联单编号 {self.long_no}")
            check(f"第{n}页共{m}页" in p, f"page {n} carries 第 {n} 页 共 {m} 页: …{p[-60:]}")
        check("李值班" in pages[0] and "0831-1234567" in pages[0], "the CLI-filed contact prints on the first page")
        subprocess.run(["pdftoppm", "-r", "60", "-png", path, os.path.join(OUT, "13-long-manifest")], check=True)
        print(f"      the 60-line 联单 prints on {m} A4 pages", flush=True)

    def verify_link_to_pickup(self):
        """The printed QR on a 390 px phone: 办理此联单 → (signed in as the first carrier) 办理 with the key file and
        确认起运 on the first screen; the pickup is signed there."""
        self.d.delete_all_cookies()
        phone(self.browser, 390)
        self.d.get("about:blank")
        self.d.get(self.fragment_url)
        self.browser.wait_for(lambda: self.d.find_element("tag name", "body").get_attribute("data-verdict"), "a verdict", timeout=30)
        check(self.d.find_element("id", "verdict").text == "与台账一致", f"the check page agrees: {self.d.find_element('id', 'verdict').text}")
        link = self.d.find_element("id", "qv-act")
        check(link.is_displayed() and link.text == "办理此联单", "the check page shows 办理此联单")
        href = link.get_attribute("href")
        check(href == self.base + f"/ui/manifests/{self.filed}/steps", f"it links to the 联单's 办理 page: {href}")
        fits_phone(self.browser, "the check page")
        shot(self.browser, "20-verify-390", 390)
        # Not signed in: the link goes through sign-in and back.
        link.click()
        self.browser.wait_for(lambda: "/ui/signin" in self.d.current_url, "the sign-in page")
        check("steps" in self.d.current_url, f"sign-in returns to 办理: {self.d.current_url}")
        self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, SC_CARRIER + ".key"))
        self.d.find_element("id", "signin-button").click()
        self.browser.wait_for(lambda: self.d.current_url.endswith(f"/ui/manifests/{self.filed}/steps"), "办理 after sign-in")
        self.browser.wait_for(lambda: self.d.find_element("id", "pickup-form"), "the 确认起运 form")
        vh = self.d.execute_script("return window.innerHeight")
        key_top, form_top, summary_top = self.d.execute_script("""return [document.getElementById('key-form'),
            document.getElementById('pickup-form'), document.querySelector('table.steps-summary')].map((e) => e.getBoundingClientRect().top)""")
        check(key_top < form_top < vh, f"the key file, then 确认起运 start on the first screen: key {key_top}, form {form_top}, screen {vh}")
        check(summary_top > form_top, "the manifest summary comes after the carrier's form on a phone")
        fits_phone(self.browser, "确认起运 at 390 px")
        shot(self.browser, "21-pickup-390", 390)
        before = entries_count(self.db)
        self.d.find_element("id", "keyfile").send_keys(os.path.join(KEYS, SC_CARRIER + ".key"))
        self.d.execute_script("""const f = document.getElementById('pickup-form');
            f.querySelector('[name=vehiclePlate]').value = '川A56789'; f.querySelector('[name=driver]').value = '孙师傅';""")
        self.d.find_element("css selector", "#pickup-form .step-submit").click()
        status = self.d.find_element("css selector", "#pickup-form .status")
        self.browser.wait_for(lambda: "ok" in status.get_attribute("class").split() or "bad" in status.get_attribute("class").split(),
                              "the pickup's answer", timeout=20)
        check("ok" in status.get_attribute("class"), f"the pickup signed on the phone is appended: {status.text}")
        e = entry_at(self.db, before)
        check(e["submission"]["type"] == "manifest.pickedUp" and e["submission"]["actor"] == SC_CARRIER,
              f"the entry is the carrier's pickup: {e['submission']['type']}")

    def pages_at_phone_widths(self):
        pages = [
            (SC_CARRIER, f"/ui/manifests/{self.long_no}", "the 联单", "#manifest-lines"),
            (SC_CARRIER, "/ui/mine", "我的联单", "#mine-list"),
            (CQ_CARRIER, f"/ui/manifests/{self.long_no}/steps", "交接", "#handover-form"),
            (CQ_RECEIVER, f"/ui/manifests/{self.long_no}/steps", "确认接收 and 拒收", "#receive-form"),
            (SC_GENERATOR, f"/ui/manifests/{self.filed}", "the filed 联单 with its QR", "#acts"),
        ]
        for who, path, what, anchor in pages:
            desktop(self.browser)
            self.sign_in(who)
            for width in WIDTHS:
                phone(self.browser, width)
                self.d.get(self.base + path)
                self.browser.wait_for(lambda: self.d.find_elements("css selector", anchor), what)
                fits_phone(self.browser, what)
            if "steps" in path:
                form_top, summary_top = self.d.execute_script("""return [document.querySelector(arguments[0]),
                    document.querySelector('table.steps-summary')].map((e) => e.getBoundingClientRect().top)""", anchor)
                check(form_top < summary_top, f"{what}: the enterprise's form comes before the summary on a phone")
            if path == "/ui/mine":
                phone(self.browser, 390)
                self.d.get(self.base + path)
                shot(self.browser, "23-mine-390", 390)
            if path.endswith(self.long_no) and who == SC_CARRIER:
                phone(self.browser, 390)
                self.d.get(self.base + path)
                self.d.save_screenshot(os.path.join(OUT, "22b-long-manifest-390-first-screen.png"))
            if path.endswith(str(self.filed)):
                phone(self.browser, 390)
                self.d.get(self.base + path)
                shot(self.browser, "22-manifest-390", 390)
            if "接收" in what:
                self.d.get(self.base + path)
                shot(self.browser, "24-receive-430", 430)
        # The desktop keeps its tables.
        desktop(self.browser)
        self.d.get(self.base + "/ui/mine")
        m = self.d.execute_script(MEASURE)
        check(all(t["row"] == "table-row" and t["head"] == "table-header-group" for t in m["reflow"]),
              f"at 1366 px the tables are tables: {m['reflow']}")
        self.d.get(self.base + f"/ui/manifests/{self.long_no}")
        m = self.d.execute_script(MEASURE)
        check(all(t["row"] == "table-row" for t in m["reflow"]) and m["scrollWidth"] <= m["vw"],
              f"at 1366 px the 联单's tables are tables and fit: {m['reflow']} {m['scrollWidth']}")
        self.browser.shot("25-manifest-1366")


def main():
    keep = "--keep" in sys.argv
    work = work_dir("hwl-field-")
    db = fixture_ledger(work)
    chapter = current_year_chapter(db, work)
    long_no = long_manifest(db, work, chapter)
    daemon = Daemon(db, work)
    browser = Browser(OUT)
    checks = Checks("field phone browser tests")
    run = checks.run
    try:
        f = Field(browser, daemon.base, db, chapter, long_no)
        run("填报联单: 应急联系人 and 应急联系电话 both or neither, the phone's characters and 有害成分 ≤ 200 checked next to "
            "their fields in the browser; nothing appended", f.filing_checks_in_browser)
        run("the ledger re-checks a phone the form would not send: 422 naming emergencyContact, shown next to 应急联系电话",
            f.ledger_rechecks_phone)
        run("a manifest filed with 应急联系人, 应急联系电话 and 有害成分 carries them exactly in its entry", f.files_with_contact)
        run("the 联单 page and its PDF show 应急联系人, 应急联系电话 and 有害成分; the PDF's QR code holds the check link",
            f.sheet_shows_contact)
        run("the 60-line 联单 prints on 2+ A4 pages, each with its 联单编号 and 第 n 页 共 m 页 (pdftotext)", f.long_print)
        run("phone at 390 px: the printed QR's check page links 办理此联单; through sign-in the first carrier lands on 办理 "
            "with the key file and 确认起运 on the first screen and signs the pickup there", f.verify_link_to_pickup)
        run("the 联单, 我的联单, 交接 and 确认接收/拒收 at 360, 390 and 430 px: no horizontal scroll, nothing cut off, "
            "controls ≥ 44 px, text ≥ 14 px, tables as cards; at 1366 px tables stay tables", f.pages_at_phone_widths)
    finally:
        browser.quit()
        daemon.stop()
        cleanup(work, keep)
    checks.finish()


if __name__ == "__main__":
    main()

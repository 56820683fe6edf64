#!/usr/bin/env python3
"""Browser tests of the web console (issue 10) in real headless Chromium, driven by selenium.

    python3 Tests/browser/console_browser_test.py [--keep]

Builds the 2025 fixture ledger (scripts/build-fixture-ledger.py) in a temp directory, starts the built `hwledgerd` on
127.0.0.1:0 and drives Debian's chromium + chromium-driver through the console as regulators and enterprises do.
Every page is saved as a screenshot under out/console/; the printable 联单 is printed to PDF with Chromium's
print-to-PDF, checked for A4 with pdfinfo, rasterised with pdftoppm, and its QR code decoded with zbarimg; the
receipt it points to is fetched and verified with `hwledger receipt verify`.

Prints one line per check and ends with `N passed, N failed`; exit 1 if any failed.
"""
import json
import os
import re
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402  (the browser tests' shared harness)
    HWLEDGER, KEYS, ROOT, Browser, Checks, Daemon, check, cleanup, entries_count, entry_at, fixture_ledger, http,
    independent_signature_ok, work_dir)

OUT = os.path.join(ROOT, "out", "console")

SC = "REG-510000"
CQ = "REG-500000"
SC_GENERATOR = "91511500MA0000004Y"  # 宜宾示例化工有限公司
CQ_GENERATOR = "91500102MA0000011E"  # 重庆示例精细化工有限公司
SC_CARRIER = "91510100MA00000051"  # 成都示例危险货物运输有限公司
CQ_RECEIVER = "91500118MA00000151"  # 重庆示例固废处置有限公司 (永川)
CQ_APPLICANT = "91500112MA0000009M"  # 重庆示例汽车零部件有限公司 (渝北)
SC_RECEIVER = "91511600MA0000008G"  # 广安示例环保科技有限公司
# Two applications nobody reviews, added to the fixture: Sichuan's review of the first is due 2025-11-10 (5 working
# days after 2025-11-03) and overdue on 2025-11-20; the second is Chongqing's to review, never Sichuan's.
LATE_SC = {"type": "approval.applied", "actor": SC_GENERATOR, "body": {
    "applicationId": "SQ-510000-2025-901", "generator": SC_GENERATOR, "receiver": CQ_RECEIVER, "wasteCode": "900-039-49",
    "grams": 30000000, "method": "D10", "validFrom": "2025-12-01", "validTo": "2026-11-30", "appliedOn": "2025-11-03"}}
LATE_CQ = {"type": "approval.applied", "actor": CQ_APPLICANT, "body": {
    "applicationId": "SQ-500000-2025-902", "generator": CQ_APPLICANT, "receiver": SC_RECEIVER, "wasteCode": "900-214-08",
    "grams": 20000000, "method": "R9", "validFrom": "2025-12-01", "validTo": "2026-11-30", "appliedOn": "2025-11-04"}}


def main():
    keep = "--keep" in sys.argv
    work = work_dir("hwl-console-")
    db = fixture_ledger(work)
    for event in (LATE_SC, LATE_CQ):
        path = os.path.join(work, event["body"]["applicationId"] + ".json")
        with open(path, "w") as f:
            json.dump(event, f, ensure_ascii=False)
        subprocess.run([HWLEDGER, "submit", "--db", db, "--key", os.path.join(KEYS, event["actor"] + ".key"), path],
                       check=True, capture_output=True)
    daemon = Daemon(db, work)
    browser = Browser(OUT)
    checks = Checks("console browser tests")
    run = checks.run

    base = daemon.base
    d = browser.driver
    state = {}

    def unsigned_redirect():
        d.delete_all_cookies()
        d.get(base + "/ui/manifests")
        check("/ui/signin" in d.current_url, f"an unsigned visit lands on the sign-in page, got {d.current_url}")
        check(d.find_element("tag name", "html").get_attribute("lang") == "zh-CN", "lang is zh-CN")
        browser.shot("01-signin")

    def unknown_key():
        key = os.path.join(work, "stranger.key")
        subprocess.run([HWLEDGER, "keygen", "--name", "91510100MA0000099N", "--out", key], check=True, capture_output=True)
        browser.sign_in(base, key, expect_ok=False)
        status = d.find_element("id", "signin-status").text
        check(status == "登录被拒绝：该密钥未在本平台登记或已吊销，请联系所属生态环境部门",
              f"the page says in Chinese alone that the key is not registered or revoked: {status!r}")
        check("key" not in status and "HTTP" not in status and "R-SIG" not in status, f"no English detail: {status!r}")
        check(not any(c["name"] == "hwl_session" for c in d.get_cookies()), "no session cookie is set")
        browser.shot("02-signin-unknown-key")

    def regulator_signs_in():
        browser.sign_in(base, os.path.join(KEYS, SC + ".key"))
        cookie = next((c for c in d.get_cookies() if c["name"] == "hwl_session"), None)
        check(cookie is not None, "the session cookie is set")
        check(cookie["httpOnly"] and cookie.get("sameSite") == "Strict", f"cookie is HttpOnly and SameSite=Strict: {cookie}")
        check(d.execute_script("return document.cookie").find("hwl_session") < 0, "scripts cannot read the cookie")
        check("四川省生态环境厅" in browser.text(), "the header names the signed-in regulator")

    def worklist():
        d.get(base + "/ui/")
        check(d.current_url.endswith("/ui/worklist"), f"after sign-in /ui/ opens the 待办 page, got {d.current_url}")
        d.get(base + "/ui/worklist?asOf=2025-11-20")
        rows = d.find_elements("css selector", "#worklist tbody.overdue tr.item")
        late = [r for r in rows if r.get_attribute("data-subject") == "SQ-510000-2025-901"]
        check(late, f"the overdue review is listed among the overdue steps: {[r.text for r in rows]}")
        cells = late[0].find_elements("tag name", "td")
        check(cells[0].text == "初步审查" and cells[3].text == "2025-11-10", f"as 初步审查 due 2025-11-10: {late[0].text}")
        check("逾期 8 个工作日" in late[0].text, f"8 working days overdue on 2025-11-20: {late[0].text}")
        check("宜宾示例化工有限公司" in late[0].text and "重庆示例固废处置有限公司" in late[0].text, "with the parties' names")
        check("SQ-500000-2025-902" not in d.find_element("id", "worklist").text, "Chongqing's review is not on Sichuan's worklist")
        groups = d.find_elements("css selector", "details.anomalies")
        check(groups, "the province's anomalies are grouped")
        late_receipts = d.find_element("id", "anomaly-A-RECEIPT-LATE")
        check(late_receipts.get_attribute("open") is None, "back-entry noise (A-RECEIPT-LATE) is folded")
        check(d.find_element("id", "anomaly-A-DEADLINE-REVIEW").get_attribute("open") is not None, "the overdue review is open")
        review_text = d.find_element("id", "anomaly-A-DEADLINE-REVIEW").text
        check("应在受理（2025-11-03）后 5 个工作日内完成初步审查；尚未办理" in review_text and "working days" not in review_text,
              f"the anomaly's 详情 reads in Chinese: {review_text}")
        browser.shot("03-worklist", full=True)
        # A section longer than the rows shown: the first rows, the rest counted and one link from all of them.
        d.get(base + "/ui/worklist?asOf=2025-11-20&rows=1")
        more = d.find_elements("css selector", "#worklist-later tr.more")
        check(len(d.find_elements("css selector", "#worklist-later tr.item")) == 1 and more and "另有 2 项未列出" in more[0].text,
              f"其他 shows one row and counts two more: {[m.text for m in more]}")
        browser.shot("03-worklist-rows-1")
        more[0].find_element("link text", "全部列出").click()
        check(len(d.find_elements("css selector", "#worklist-later tr.item")) == 3, "全部列出 lists the three rows")
        cities = [o.text for o in d.find_elements("css selector", "select[name=city] option")][1:]
        check(cities and not any(re.fullmatch(r"\d{6}", c) for c in cities), f"the 地市 filter lists names, no bare codes: {cities}")
        check("重庆市" in cities, f"重庆's districts are filed under 重庆市 (not 500100): {cities}")
        d.get(base + "/ui/worklist?asOf=2025-11-20&type=A-DEADLINE-REVIEW")
        check([g.get_attribute("id") for g in d.find_elements("css selector", "details.anomalies")] == ["anomaly-A-DEADLINE-REVIEW"],
              "the type filter keeps one group")
        cookie = [c for c in d.get_cookies() if c["name"] == "hwl_session"][0]["value"]
        status, body, _ = http("GET", base + "/v1/worklist?asOf=2025-11-20", headers={"Cookie": "hwl_session=" + cookie})
        check(status == 200, f"GET /v1/worklist with the session cookie: {status} {body[:200]}")
        doc = json.loads(body)
        check(doc["asOf"] == "2025-11-20" and doc["principal"] == SC, f"asOf and principal: {doc['asOf']} {doc['principal']}")
        item = [i for i in doc["items"] if i["subject"] == "SQ-510000-2025-901"]
        check(item == [{"kind": "approval.reviewed", "subject": "SQ-510000-2025-901", "due": "2025-11-10",
                        "workingDaysLeft": item[0]["workingDaysLeft"] if item else None, "overdue": True}],
              f"the API lists the same overdue review: {item}")
        check(all(i["subject"] != "SQ-500000-2025-902" for i in doc["items"]), "and not Chongqing's")
        status, _, _ = http("GET", base + "/v1/worklist?asOf=2025-11-20")
        check(status == 401, "without a cookie or signature: 401")

    def approvals():
        d.get(base + "/ui/approvals")
        rows = d.find_elements("css selector", "#approval-list tbody tr")
        ids = [r.find_element("tag name", "a").text for r in rows]
        check("SQ-510000-2025-001" in ids and "SQ-510000-2025-901" in ids, f"Sichuan's applications are listed: {ids}")
        applied = [r.find_element("css selector", "td.due").text for r in rows]
        check(applied == sorted(applied, reverse=True), f"newest application first: {applied}")
        check(d.find_element("id", "list-total").text.startswith(f"共 {len(rows)} 条"), "with the total above the list")
        browser.shot("05-approvals")
        d.get(base + "/ui/approvals?state=approved&direction=out")
        rows = d.find_elements("css selector", "#approval-list tbody tr")
        check(rows and all("已批准" in r.text and r.text.count("四川省 → 重庆市") == 1 for r in rows), "state and direction filters apply")
        d.get(base + "/ui/approvals/SQ-510000-2025-001")
        timeline = d.find_element("id", "timeline").text
        for act in ("提交跨省转移申请", "初步审查", "商请接受地省份", "复函商请", "作出审批决定"):
            check(act in timeline, f"the timeline shows {act}")
        check("重庆市生态环境局" in timeline and "四川省生态环境厅" in timeline, "with who signed each step")
        check("剩余可转移量" in d.find_element("id", "quota").text, "and the grams left against it")
        browser.shot("06-approval", full=True)
        # A long list of shipments shows its first rows=N, and 全部列出 shows them all.
        d.get(base + "/ui/approvals/SQ-510000-2025-001?rows=2")
        shipments = [r for r in d.find_elements("css selector", "h3#shipments + table tbody tr:not(.more)") if r.find_elements("css selector", "td a")]
        heading = d.find_element("id", "shipments").text
        check(len(shipments) == 2 and "前 2 张" in heading, f"rows=2 shows two shipments: {len(shipments)}, {heading}")
        more = d.find_elements("css selector", "h3#shipments + table tr.more a")
        check(more and more[0].text == "全部列出", "the rest are one link away")
        browser.shot("06-approval-rows-2", full=True)
        more[0].click()
        shipments = [r for r in d.find_elements("css selector", "h3#shipments + table tbody tr:not(.more)") if r.find_elements("css selector", "td a")]
        check(len(shipments) == 4 and "（4）" in d.find_element("id", "shipments").text, f"全部列出 lists all four: {len(shipments)}")
        # The applications list, one row: the newest, the rest counted with a link that keeps the filter.
        d.get(base + "/ui/approvals?state=approved&rows=1")
        rows = d.find_elements("css selector", "#approval-list tbody tr:not(.more)")
        more = d.find_elements("css selector", "#approval-list tr.more")
        check(len(rows) == 1 and more and re.search(r"另有 \d+ 条未列出", more[0].text), f"rows=1 lists one application and counts the rest: {len(rows)}")
        browser.shot("05-approvals-rows-1")
        more[0].find_element("link text", "全部列出").click()
        rows = d.find_elements("css selector", "#approval-list tbody tr:not(.more)")
        check(len(rows) > 1 and all("已批准" in r.text for r in rows), "全部列出 keeps the state filter")

    def whitelist():
        d.get(base + "/ui/whitelist/2025")
        text = browser.text()
        check("四川省名单" in text and "重庆市名单" in text, "both sides' lists are shown")
        check("眉山示例再生资源有限公司" in text and "91511400MA00000073" in text, "entries name the receiver beside its USCC")
        check(len(d.find_elements("css selector", "svg.bars")) == 9, "each of the 9 entries (4 Sichuan, 5 Chongqing) has its bars")
        check("已由重庆市生态环境局确认生效" in text, "confirmation is shown")
        check("SQ-510000-2025-104" in text, "the over-quota consent is listed")
        check('"receiver"' not in text and "[[" not in text, "no raw data in the page (an entry without a consent showed the page's list)")
        browser.shot("07-whitelist", full=True)

    def session_cookie():
        return "hwl_session=" + [c for c in d.get_cookies() if c["name"] == "hwl_session"][0]["value"]

    def compensation():
        d.get(base + "/ui/worklist?asOf=2025-11-20")
        check(d.find_elements("css selector", '#worklist a[href="/ui/compensation/2025Q3"]'),
              "the worklist's statement close for 2025Q3 links to the compensation page")
        d.get(base + "/ui/compensation/2025Q3")
        text = browser.text()
        check("2025Q3 川渝跨区域处置补偿结算" in text, "the page names the quarter")
        sc_cq, cq_sc = d.find_element("id", "statement-510000-500000"), d.find_element("id", "statement-500000-510000")
        check("四川省 → 重庆市" in sc_cq.text and "6527.50" in sc_cq.find_element("css selector", ".total").text,
              f"Sichuan → Chongqing totals 6527.50 元: {sc_cq.text[:120]}")
        check("10045.00" in cq_sc.find_element("css selector", ".total").text, "Chongqing → Sichuan totals 10045.00 元")
        check("重庆市应向四川省支付净额 3517.50 元" in text, "the net: Chongqing pays Sichuan 3517.50 元")
        check(d.find_elements("css selector", "svg.flow"), "the flow picture is drawn")
        row = sc_cq.find_element("css selector", "table.statement-lines tbody tr").text
        check(re.search(r"\d{14}", row) and "有限公司" in row and re.search(r"9151\w{14}", row),
              f"each line names the 移出人 and 接受人 beside their USCCs: {row}")
        check(d.find_elements("id", "close-500000-510000") and not d.find_elements("id", "close-510000-500000"),
              "Sichuan's regulator may close only the direction it is paid in")
        browser.shot("08-compensation", full=True)
        cookie = {"Cookie": session_cookie()}
        for path, cli in (("510000-500000.csv", ["--payer", "510000", "--payee", "500000"]), ("net.csv", ["--net"])):
            status, body, headers = http("GET", f"{base}/ui/compensation/2025Q3/{path}", headers=cookie)
            check(status == 200 and headers.get("Content-Type", "").startswith("text/csv")
                  and "attachment" in headers.get("Content-Disposition", ""), f"{path} downloads as CSV: {status} {headers}")
            expected = subprocess.run([HWLEDGER, "compensation", "statement", "--db", db, "--quarter", "2025Q3", *cli,
                                       "--labels", "zh", "--excel"], capture_output=True, check=True).stdout
            check(body == expected, f"{path} is byte for byte the CLI's --excel output")
            check(body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body and "合计".encode() in body,
                  f"{path} has the byte-order mark, CRLF and the 合计 row")
        for path, status_expected in (("/ui/compensation/2025Q9", 400), ("/ui/compensation/2025Q3/other.csv", 404)):
            status, _, _ = http("GET", base + path, headers=cookie)
            check(status == status_expected, f"{path} is {status_expected}, got {status}")
        # A long quarter shows its first lines: rows=1 keeps one line per list, counts the rest, links to all of them
        # and to the CSV; the totals are the whole statement's.
        d.get(base + "/ui/compensation/2025Q3?rows=1")
        sections = {s.get_attribute("id"): s for s in d.find_elements("css selector", "section.statement")}
        cq_sc = sections["statement-500000-510000"]
        lines = cq_sc.find_elements("css selector", "table.statement-lines tbody tr:not(.adjustment):not(.more):not(.total-row)")
        lines = [r for r in lines if r.find_elements("css selector", "td a")]
        check(len(lines) == 1, f"rows=1 shows one line of Chongqing → Sichuan, got {len(lines)}")
        more = cq_sc.find_elements("css selector", "tr.more")
        check(more and re.search(r"另有 \d+ 行未列出", more[0].text), f"the rest are counted: {[m.text for m in more]}")
        check("10045.00" in cq_sc.find_element("css selector", ".total").text, "the total is still the whole statement's")
        browser.shot("08-compensation-rows-1", full=True)
        more[0].find_element("link text", "全部列出").click()
        cq_sc = d.find_element("id", "statement-500000-510000")
        check(not cq_sc.find_elements("css selector", "tr.more"), "全部列出 lists every line")
        check(len([r for r in cq_sc.find_elements("css selector", "table.statement-lines tbody tr") if r.find_elements("css selector", "td a")]) > 1,
              "全部列出 shows more than one line")

    def compensation_close():
        d.get(base + "/ui/compensation/2025Q3")
        form = d.find_element("id", "close-500000-510000")
        digest = form.find_element("css selector", ".close-digest").text
        check(re.fullmatch(r"[0-9a-f]{64}", digest) and "10045.00" in form.text, "the form shows the total and digest to be signed")
        before = entries_count(db)
        # A forged close posted with the session cookie but no valid signature is refused; nothing is appended.
        forged = {"submission": {"type": "compensation.statement.closed", "actor": SC, "keyId": "00000000",
                                 "nonce": "0" * 32, "signedAt": "2026-01-01T00:00:00Z",
                                 "body": {"quarter": "2025Q3", "payer": "500000", "payee": "510000", "totalFen": 1004500, "digest": digest}},
                  "sig": "A" * 86 + "=="}
        status, _, _ = http("POST", base + "/v1/submissions", json.dumps(forged).encode(),
                            {"Content-Type": "application/json", "Cookie": session_cookie(), "Origin": "https://evil.example"})
        check(status in (401, 403) and entries_count(db) == before, f"a forged cross-site close is refused ({status}), nothing appended")
        form.find_element("id", "keyfile").send_keys(os.path.join(KEYS, SC + ".key"))
        form.find_element("css selector", ".step-submit").click()
        browser.wait_for(lambda: "ok" in form.find_element("css selector", ".status").get_attribute("class"), "the close to be accepted")
        check(entries_count(db) == before + 1, "the close appends one entry")
        e = entry_at(db, before)
        body = e["submission"]["body"]
        check(e["submission"]["type"] == "compensation.statement.closed" and e["submission"]["actor"] == SC
              and body == {"quarter": "2025Q3", "payer": "500000", "payee": "510000", "totalFen": 1004500, "digest": digest},
              f"the entry closes 2025Q3 500000 → 510000 with the total and digest shown: {body}")
        check(independent_signature_ok(e), "its signature verifies with Python's cryptography")
        v = subprocess.run([HWLEDGER, "verify", "--db", db], capture_output=True, text=True)
        check(v.returncode == 0, f"hwledger verify accepts the ledger: {v.stdout} {v.stderr}")
        browser.wait_for(lambda: d.find_element("id", "statement-500000-510000").find_elements("css selector", ".closed-mark"),
                         "the page to reload showing 已结算")
        check(not d.find_elements("id", "close-500000-510000"), "the close form is gone once closed")
        browser.shot("08-compensation-closed", full=True)

    def manifest_search():
        d.get(base + "/ui/manifests")
        rows = d.find_elements("css selector", "#manifest-list tbody tr")
        check(len(rows) == 50, f"the first page holds 50 manifests, got {len(rows)}")
        check(d.find_elements("id", "next-page"), "there is a next page")
        total = d.find_element("id", "list-total").text
        m = re.match(r"共 (\d+) 条", total)
        check(m and int(m.group(1)) > 50, f"the total of every match stands above the list: {total!r}")
        filed = [r.find_elements("tag name", "td")[7].text for r in rows]
        check(filed == sorted(filed, reverse=True), f"newest filed first: {filed[:5]} … {filed[-5:]}")
        first_page = [r.find_element("tag name", "a").text for r in rows]
        browser.shot("04-manifests")
        d.find_element("id", "next-page").click()
        rows2 = d.find_elements("css selector", "#manifest-list tbody tr")
        filed2 = [r.find_elements("tag name", "td")[7].text for r in rows2]
        check(rows2 and filed2[0] <= filed[-1] and not set(first_page) & {r.find_element("tag name", "a").text for r in rows2},
              f"page 2 goes on, older, with none of page 1: {filed2[:3]}")
        check(d.find_elements("id", "previous-page") and d.find_element("id", "list-total").text == total, "page 2 links back, same total")
        d.get(base + "/ui/manifests?q=" + urllib.request.quote("宜宾示例化工"))
        rows = d.find_elements("css selector", "#manifest-list tbody tr")
        check(rows and all("宜宾示例化工有限公司" in r.text for r in rows), "a name search finds that party's manifests")
        check(all(SC_GENERATOR in r.text for r in rows), "the USCC stands beside the name")
        state["manifest"] = rows[0].find_element("tag name", "a").text
        browser.shot("04-manifests-search")
        d.get(base + "/ui/manifests?state=received&code=900-052-31")
        rows = d.find_elements("css selector", "#manifest-list tbody tr")
        check(rows and all("已接收" in r.text and "900-052-31" in r.text for r in rows), "state and code filters apply")
        # Chongqing-only manifests are not Sichuan's: a CQ → CQ search as REG-510000 finds nothing of CQ_GENERATOR
        # unless it ships to Sichuan.
        d.get(base + "/ui/manifests?q=" + CQ_GENERATOR)
        for r in d.find_elements("css selector", "#manifest-list tbody tr"):
            check("510" in r.text.split("接受人")[0] or "四川" in r.text or "91511" in r.text or "91510" in r.text,
                  "a regulator sees only manifests touching its province")

    def printable_manifest():
        no = state["manifest"]
        d.get(base + f"/ui/manifests/{no}")
        text = browser.text()
        for label in ("危险废物转移联单", "联单编号", "移出人", "承运人", "接受人", "危险废物经营许可证", "道路运输经营许可证",
                      "各方签署记录", "密钥 ID", "hwledger receipt verify"):
            check(label in text, f"the 联单 shows {label}")
        check(no in d.find_element("id", "manifest-no").text, "the 联单编号 is printed")
        check(re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", text), "times are written as 北京时间 YYYY-MM-DD HH:MM:SS")
        browser.shot("05-manifest", full=True)
        pdf = d.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True,
                                                   "printBackground": True})
        import base64
        pdf_path = os.path.join(OUT, "05-manifest.pdf")
        with open(pdf_path, "wb") as f:
            f.write(base64.b64decode(pdf["data"]))
        info = subprocess.run(["pdfinfo", pdf_path], capture_output=True, text=True, check=True).stdout
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        check(size and abs(float(size.group(1)) - 595.28) < 2 and abs(float(size.group(2)) - 841.89) < 2, f"the PDF is A4: {info}")
        subprocess.run(["pdftoppm", "-r", "150", "-png", pdf_path, os.path.join(OUT, "05-manifest-print")], check=True)
        pages = sorted(p for p in os.listdir(OUT) if p.startswith("05-manifest-print") and p.endswith(".png"))
        decoded = []
        for p in pages:
            r = subprocess.run(["zbarimg", "--quiet", "--raw", os.path.join(OUT, p)], capture_output=True, text=True)
            decoded += [line for line in r.stdout.splitlines() if line]
        check(len(decoded) == 1, f"exactly one QR code decodes from the printout, got {decoded}")
        # The QR code opens the public check page (issue 21, Tests/browser/qr_verify_browser_test.py); the receipt URL
        # and leaf hash for the offline check are printed beside it.
        check(re.fullmatch(re.escape(base) + r"/ui/v#\d+", decoded[0]), f"the QR code holds the check page's link: {decoded[0][:80]}")
        url = d.find_element("id", "receipt-url").text + "#leaf=" + d.find_element("id", "leaf-hash").text
        m = re.fullmatch(re.escape(base) + r"/v1/receipts/(\d+)#leaf=([0-9a-f]{64})", url)
        check(m, f"the page shows the receipt URL and leaf hash: {url}")
        status, receipt, _ = http("GET", url.split("#")[0])
        check(status == 200 and receipt.startswith(b"c2sp.org/tlog-proof@v1\n"), f"the receipt is served: {status}")
        receipt_path = os.path.join(work, "receipt.tlog-proof")
        with open(receipt_path, "wb") as f:
            f.write(receipt)
        vkey = os.path.join(KEYS, "operator.vkey")
        v = subprocess.run([HWLEDGER, "receipt", "verify", "--vkey", vkey, "--leaf-hash", m.group(2), receipt_path],
                           capture_output=True, text=True)
        check(v.returncode == 0, f"hwledger receipt verify accepts it: {v.returncode} {v.stdout} {v.stderr}")
        wrong = subprocess.run([HWLEDGER, "receipt", "verify", "--vkey", vkey, "--leaf-hash", "0" * 64, receipt_path],
                               capture_output=True, text=True)
        check(wrong.returncode == 3, "the same receipt refuses another leaf hash")

    def missing_manifest():
        d.get(base + "/ui/manifests/20259999999999")
        check("未找到" in browser.text() and "does not exist" in browser.text(), "a missing manifest gets a clear page")
        browser.shot("06-manifest-missing")

    def operator_page():
        d.get(base + "/ui/operator")
        text = browser.text()
        check("运行状态" in text and "台账条目数" in text, "the operator page shows the tree size")
        browser.wait_for(lambda: (d.get(base + "/ui/operator") or True) and "通过" in d.find_element("id", "verify").text,
                         "the verifier's result", timeout=30)
        browser.shot("08-operator")

    def sign_out():
        before = [c for c in d.get_cookies() if c["name"] == "hwl_session"][0]["value"]
        d.get(base + "/ui/manifests")
        d.find_element("id", "signout").click()
        browser.wait_for(lambda: "/ui/signin" in d.current_url, "sign-out to land on the sign-in page")
        status, _, headers = http("GET", base + "/ui/manifests", headers={"Cookie": f"hwl_session={before}"})
        check(status == 303 and "/ui/signin" in headers.get("Location", ""), "the old cookie no longer opens pages")

    def outsider_gets_403():
        no = state["manifest"]
        browser.sign_in(base, os.path.join(KEYS, CQ_GENERATOR + ".key"))
        d.get(base + f"/ui/manifests/{no}")
        check("无权查看" in browser.text(), "an enterprise that is not a party gets the 403 page")
        status, _, _ = http("GET", base + f"/ui/manifests/{no}", headers={
            "Cookie": "hwl_session=" + [c for c in d.get_cookies() if c["name"] == "hwl_session"][0]["value"]})
        check(status == 403, f"with status 403, got {status}")
        browser.shot("08-manifest-forbidden")
        d.get(base + "/ui/compensation/2025Q3")
        check("无权查看" in browser.text(), "an enterprise gets the 403 page for compensation statements")

    def enterprise_sees_own():
        browser.sign_in(base, os.path.join(KEYS, SC_CARRIER + ".key"))
        d.get(base + "/ui/manifests")
        rows = d.find_elements("css selector", "#manifest-list tbody tr")
        check(rows, "a carrier sees the manifests naming it")
        browser.shot("09-carrier-manifests")

    try:
        run("an unsigned visit is sent to the sign-in page", unsigned_redirect)
        run("a key file of an unknown key is refused with a clear message and no cookie", unknown_key)
        run("a regulator signs in with its key file; the cookie is HttpOnly and SameSite=Strict", regulator_signs_in)
        run("the worklist shows the known overdue review with its due date and hides the other province's steps", worklist)
        run("approvals: list with filters, and an application's timeline with signers and grams left", approvals)
        run("whitelist: both sides' entries with bars, confirmation and consents", whitelist)
        run("compensation: both directions with names, the net, the flow picture, CSV downloads equal to the CLI's", compensation)
        run("manifest search: paged list, name, state and code filters", manifest_search)
        run("the 联单 prints to A4 PDF and its QR code decodes to a receipt that verifies", printable_manifest)
        run("a manifest that does not exist gets a clear 404 page", missing_manifest)
        run("closing a quarter in the browser appends a verifiable compensation.statement.closed; a forged one is refused",
            compensation_close)
        run("the operator page shows tree size, checkpoint and the verifier's result", operator_page)
        run("signing out ends the session", sign_out)
        run("an enterprise that is not a party gets 403 on a manifest page", outsider_gets_403)
        run("an enterprise sees the manifests naming it", enterprise_sees_own)
    finally:
        browser.quit()
        daemon.stop()
        cleanup(work, keep)
    checks.finish()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Browser check of 运行状态 (/ui/operator, issue 23) with one of two witnesses down, in headless Chromium.

    python3 Tests/browser/operator_browser_test.py [--keep]

Builds the fixture ledger, starts a real witness for Sichuan (`hwledger witness serve`) and points the daemon at a
second, Chongqing witness whose port is closed, with a quorum of two. A regulator signs in and reads the operator
page: overall status 降级 with the witness reason in Chinese and since when, the witness table (one 正常, one 无法连接
with its error), version, start and uptime, storage, reference coverage and the refusals by rule. Screenshot:
out/operator/01-operator-witness-down.png.

Prints one line per check and ends with `N passed, N failed`; exit 1 if any failed.
"""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402  (the browser tests' shared harness)
    HWLEDGER, KEYS, ROOT, Browser, Checks, Daemon, check, cleanup, fixture_ledger, http, listening_port, work_dir)

OUT = os.path.join(ROOT, "out", "operator")
ORIGIN = "hwledger.example/sc-cq"


class Witness:
    """`hwledger witness serve` for the fixture log, on a loopback port."""

    def __init__(self, work, name):
        self.key = os.path.join(work, name + ".witness.key")
        out = subprocess.run([HWLEDGER, "keygen", "--cosigner", "--name", "witness.test/" + name, "--out", self.key],
                             capture_output=True, text=True, check=True)
        self.vkey = out.stdout.strip().splitlines()[-1]
        with open(os.path.join(KEYS, "operator.vkey")) as f:
            operator_vkey = f.read().strip()
        self.log = open(os.path.join(work, name + ".witness.log"), "w+")
        self.proc = subprocess.Popen(
            [HWLEDGER, "witness", "serve", "--key", self.key, "--db", os.path.join(work, name + ".witness.sqlite"),
             "--log", f"{ORIGIN}={operator_vkey}", "--listen", "127.0.0.1:0"],
            stderr=self.log, stdout=subprocess.DEVNULL, env=dict(os.environ, HWLEDGER_PARENT_PID=str(os.getpid())))
        self.port = listening_port(self.proc, self.log, "the witness")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)


def closed_port():
    """A loopback port nobody listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    keep = "--keep" in sys.argv
    work = work_dir("hwl-operator-")
    db = fixture_ledger(work)
    sichuan = Witness(work, "sichuan")
    dead_key = os.path.join(work, "chongqing.witness.key")
    dead_vkey = subprocess.run([HWLEDGER, "keygen", "--cosigner", "--name", "witness.test/chongqing", "--out", dead_key],
                               capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    daemon = Daemon(db, work, extra_args=[
        "--witness", f"sichuan=http://127.0.0.1:{sichuan.port}={sichuan.vkey}",
        "--witness", f"chongqing=http://127.0.0.1:{closed_port()}={dead_vkey}",
        "--witness-quorum", "2"])
    browser = Browser(OUT)
    checks = Checks("operator browser tests")
    d = browser.driver
    base = daemon.base

    def health_degraded():
        deadline = time.time() + 60
        while time.time() < deadline:
            status, body, _ = http("GET", base + "/healthz")
            if b"witness" in body and b'"degraded"' in body:
                return
            time.sleep(0.5)
        raise AssertionError("/healthz never named the dead witness: " + body.decode(errors="replace")[:400])

    def operator_page():
        browser.sign_in(base, os.path.join(KEYS, "REG-510000.key"))
        d.get(base + "/ui/operator")
        text = browser.text()
        check("整体状态：降级" in text, "overall status 降级 with a witness down: " + text[:200])
        reasons = d.find_element("id", "reasons").text
        check("chongqing" in reasons and "（自 " in reasons and "处理：" in reasons,
              "the witness reason names the witness, since when, and what to do: " + reasons)
        table = d.find_element("id", "witnesses").text
        check("sichuan" in table and "chongqing" in table, "both witnesses are listed: " + table)
        rows = {r.text.split()[0]: r.text for r in d.find_elements("css selector", "#witnesses tbody tr")}
        check("正常" in rows.get("sichuan", ""), "the live witness is 正常: " + str(rows))
        check("无法连接" in rows.get("chongqing", "") or "拒绝" in rows.get("chongqing", ""),
              "the dead witness is 无法连接 with its error: " + str(rows))
        for label in ("版本", "启动时间", "已运行", "存储空间", "节假日日历", "危险废物名录", "行政区划", "最近 50 次拒绝提交"):
            check(label in text, f"the page shows {label}")
        prose = re.sub(r"https?://\S+|--[a-z-]+|chongqing|sichuan|witness-[a-z-]+", "", reasons)
        check(not re.search(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}", prose), "the reasons are Chinese sentences: " + reasons)
        d.set_window_size(1366, 768)
        browser.shot("01-operator-witness-down", full=True)

    try:
        checks.run("/healthz is degraded with the dead witness's reason, nothing filed", health_degraded)
        checks.run("运行状态 shows 降级, the witness table with the dead witness, version, uptime, storage, reference data",
                   operator_page)
    finally:
        browser.quit()
        daemon.stop()
        sichuan.stop()
        cleanup(work, keep)
    checks.finish()


if __name__ == "__main__":
    main()

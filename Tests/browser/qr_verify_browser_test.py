#!/usr/bin/env python3
"""The printed 联单's QR code in a phone's browser (issue 21, docs/decisions/016), in real headless Chromium.

    python3 Tests/browser/qr_verify_browser_test.py [--keep]

Builds the fixture ledger, announces two witnesses (四川 and 重庆, quorum 2) and runs them (`hwledger witness serve`),
starts `hwledgerd --witness … --public-url` behind a small recording reverse proxy (the access log, and the place a
test tampers with what the server answers), signs in as 四川省生态环境厅, prints a received 联单 to A4 PDF, decodes
its QR code with zbarimg and opens the link at a 390×844 phone viewport with no session. Checks: "与台账一致" with the
printed tonnes and names; the proxy saw only the page, its assets, receipts by index and a bucket of heads (no entry
content, no manifest number, no fragment); one gram changed in the fragment, a bad operator signature and a dropped
cosignature each give their "无法核验" reason; a manifest received after printing gives "台账中有更新的记录". An
independent Python check (zlib, hashlib, cryptography) reaches the same verdict in each case. Screenshots under
out/qr-verify/.
"""
import base64
import hashlib
import http.server as httpserver
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    HWLEDGER, HWLEDGERD, KEYS, ROOT, Browser, Checks, Failed, check, cleanup, fixture_ledger, http, work_dir)

OUT = os.path.join(ROOT, "out", "qr-verify")
ORIGIN = "hwledger.example/sc-cq"
SC = "REG-510000"
DICT_PATH = os.path.join(ROOT, "Sources", "LedgerConsole", "Resources", "verify-dictionary.txt")
CHUNK = [0, 3, 5, 8, 10, 13, 15, 17]


# --- the fragment, independently -------------------------------------------------------------------------------

def digits_to_bytes(s):
    out = b""
    i = 0
    while i < len(s):
        n = 17 if len(s) - i >= 17 else len(s) - i
        k = CHUNK.index(n)
        out += int(s[i:i + n]).to_bytes(k, "big")
        i += n
    return out


def bytes_to_digits(b):
    return "".join(str(int.from_bytes(b[i:i + 7], "big")).zfill(CHUNK[len(b[i:i + 7])]) for i in range(0, len(b), 7))


def decode_fragment(fragment):
    blob = digits_to_bytes(fragment)
    check(blob[0] == 1, f"format 0x01 (full entries), got {blob[0]}")
    d = zlib.decompressobj(-15, zdict=open(DICT_PATH, "rb").read())
    return (d.decompress(blob[1:]) + d.flush()).split(b"\n")


def encode_fragment(entries):
    c = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, open(DICT_PATH, "rb").read())
    return bytes_to_digits(b"\x01" + c.compress(b"\n".join(entries)) + c.flush())


def leaf_hash(b):
    return hashlib.sha256(b"\x00" + b).digest()


def inclusion_root(index, size, leaf, proof):
    """RFC 9162 §2.1.3.2, written again here."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def ed25519_ok(pub, sig, msg):
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


def vkey(text):
    name, key_id, b64 = text.strip().split("+", 2)
    raw = base64.b64decode(b64)
    return name, bytes.fromhex(key_id), raw[1:]


def independent_verdict(base, fragment, operator_vkey, witness_vkeys, quorum):
    """The page's check without the page: 'ok', 'newer' or the failing check ('content', 'operator', 'quorum',
    'party')."""
    entries = decode_fragment(fragment)
    op_name, op_id, op_pub = vkey(operator_vkey)
    for raw in entries:
        e = json.loads(raw)
        status, body, _ = http("GET", f"{base}/v1/receipts/{e['index']}")
        check(status == 200, f"receipt {e['index']}: {status}")
        text = body.decode()
        head, note = text.split("\n\n", 1)
        lines = head.split("\n")
        index = int(lines[1].split(" ")[1])
        proof = [base64.b64decode(x) for x in lines[2:]]
        cp_text, sigs = note.rsplit("\n\n", 1)
        cp_text += "\n"
        origin, size, root = cp_text.split("\n")[:3]
        sig_lines = [s for s in sigs.split("\n") if s]
        op_ok = False
        for s in sig_lines:
            name, b64 = s[2:].split(" ")
            raw_sig = base64.b64decode(b64)
            if name == op_name and raw_sig[:4] == op_id:
                if not ed25519_ok(op_pub, raw_sig[4:], cp_text.encode()):
                    return "operator"
                op_ok = True
        if not op_ok:
            return "operator"
        cosigned = 0
        for w in witness_vkeys:
            w_name, w_id, w_pub = vkey(w)
            for s in sig_lines:
                name, b64 = s[2:].split(" ")
                raw_sig = base64.b64decode(b64)
                if name == w_name and raw_sig[:4] == w_id:
                    t = int.from_bytes(raw_sig[4:12], "big")
                    if ed25519_ok(w_pub, raw_sig[12:], f"cosignature/v1\ntime {t}\n".encode() + cp_text.encode()):
                        cosigned += 1
        if cosigned < quorum:
            return "quorum"
        if index != e["index"] or inclusion_root(index, int(size), leaf_hash(raw), proof) != base64.b64decode(root):
            return "content"
        sub = e["submission"]
        _, key_id, pub = vkey(open(os.path.join(KEYS, sub["actor"] + ".vkey")).read())
        msg = b"hwledger/submission/v1\n" + json.dumps(sub, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        if key_id.hex() != sub["keyId"] or not ed25519_ok(pub, base64.b64decode(e["sig"]), msg):
            return "party"
    filed = json.loads(entries[0])
    no = filed["assigned"]["manifestNo"]
    out = subprocess.run([HWLEDGER, "manifest", "show", no, "--db", DB, "--json"], capture_output=True, text=True, check=True).stdout
    latest = max(ev["index"] for ev in json.loads(out)["events"])
    return "newer" if latest > max(json.loads(x)["index"] for x in entries) else "ok"


# --- processes -------------------------------------------------------------------------------------------------

class Proxy:
    """A reverse proxy on 127.0.0.1:0 that records every request (method, path, headers) and can tamper with receipts:
    mode 'badsig' flips a bit of the operator's checkpoint signature, 'dropcosig' removes one witness cosignature."""

    def __init__(self):
        self.target = None
        self.mode = None
        self.log = []
        proxy = self

        class Handler(httpserver.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy.log.append({"path": self.path, "headers": dict(self.headers)})
                self.forward("GET")

            def do_POST(self):
                self.forward("POST")

            def do_DELETE(self):
                self.forward("DELETE")

            def forward(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                sent = self.rfile.read(length) if length else None
                keep = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "cookie", "x-hwl-csrf", "origin")}
                status, body, headers = http(method, proxy.target + self.path, sent, keep)
                if self.path.startswith("/v1/receipts/") and status == 200:
                    body = proxy.tamper(body.decode()).encode()
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = httpserver.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def tamper(self, text):
        if self.mode is None:
            return text
        head, sigs = text.rsplit("\n\n", 1)
        lines = [s for s in sigs.split("\n") if s]
        if self.mode == "badsig":
            name, b64 = lines[0][2:].split(" ")
            raw = bytearray(base64.b64decode(b64))
            raw[10] ^= 1
            lines[0] = f"\u2014 {name} {base64.b64encode(bytes(raw)).decode()}"
        elif self.mode == "dropcosig":
            lines = lines[:-1]
        return head + "\n\n" + "".join(line + "\n" for line in lines)

    def stop(self):
        self.server.shutdown()


def start(args, pattern, log_path, env=None):
    log = open(log_path, "w+")
    proc = subprocess.Popen(args, stderr=log, stdout=subprocess.DEVNULL, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        log.seek(0)
        m = re.search(pattern, log.read())
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            log.seek(0)
            raise Failed(f"{args[0]} exited at start: {log.read()[-800:]}")
        time.sleep(0.05)
    raise Failed(f"{args[0]} did not report its port")


DB = None


def main():
    global DB
    keep = "--keep" in sys.argv
    work = work_dir("hwl-qr-")
    os.makedirs(OUT, exist_ok=True)
    DB = db = fixture_ledger(work)
    procs = []
    checks = Checks("QR verify browser tests")
    run = checks.run

    # Two witnesses, announced in the log with quorum 2.
    witness_vkeys, witness_urls = [], []
    for name, regulator in (("witness.sc.example/hwledger", "REG-510000"), ("witness.cq.example/hwledger", "REG-500000")):
        key = os.path.join(work, regulator + "-witness.key")
        vk = subprocess.run([HWLEDGER, "keygen", "--cosigner", "--name", name, "--out", key], capture_output=True, text=True,
                            check=True).stdout.strip()
        witness_vkeys.append((regulator, vk))
    announce = os.path.join(work, "witnesses.json")
    with open(announce, "w") as f:
        json.dump({"type": "witnesses.announced", "actor": ORIGIN, "body": {
            "witnesses": [{"regulator": r, "key": k} for r, k in witness_vkeys], "witnessQuorum": 2}}, f)
    subprocess.run([HWLEDGER, "submit", "--db", db, "--key", os.path.join(KEYS, "operator.key"), announce], check=True,
                   capture_output=True)
    operator_vkey = open(os.path.join(KEYS, "operator.vkey")).read().strip()
    for (regulator, vk), label in zip(witness_vkeys, ("sichuan", "chongqing")):
        proc, port = start([HWLEDGER, "witness", "serve", "--key", os.path.join(work, regulator + "-witness.key"), "--db",
                            os.path.join(work, label + ".sqlite"), "--log", f"{ORIGIN}={operator_vkey}", "--listen",
                            "127.0.0.1:0"], r"listening on 127\.0\.0\.1:(\d+)", os.path.join(work, label + ".log"))
        procs.append(proc)
        witness_urls.append(f"{label}=http://127.0.0.1:{port}={vk}")
    proxy = Proxy()
    args = [HWLEDGERD, "--db", db, "--listen", "127.0.0.1:0", "--public-url", proxy.base, "--witness-quorum", "2"]
    for w in witness_urls:
        args += ["--witness", w]
    daemon, port = start(args, r"listening on 127\.0\.0\.1:(\d+)", os.path.join(work, "hwledgerd.log"),
                         env=dict(os.environ, HWLEDGER_REFERENCE=os.path.join(ROOT, "fixtures", "reference")))
    procs.append(daemon)
    proxy.target = f"http://127.0.0.1:{port}"
    base = proxy.base
    wkeys = [vk for _, vk in witness_vkeys]

    printer = Browser(OUT)
    phone = Browser(OUT)
    phone.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    state = {}

    def manifests(status):
        out = subprocess.run([HWLEDGER, "manifest", "list", "--db", db, "--status", status, "--json"], capture_output=True,
                             text=True, check=True).stdout
        return json.loads(out)["manifests"]

    def wait_published():
        deadline = time.time() + 30
        while time.time() < deadline:
            size = int(subprocess.run([HWLEDGER, "entries", "--db", db], capture_output=True, text=True).stdout.count("\n"))
            status, body, _ = http("GET", f"{base}/v1/receipts/{size - 1}")
            if status == 200:
                return
            time.sleep(0.2)
        raise Failed("the witnesses did not cosign the latest checkpoint within 30 s")

    def print_and_decode(no, name):
        d = printer.driver
        d.get(base + f"/ui/manifests/{no}")
        printer.wait_for(lambda: d.find_elements("id", "verify-url"), "the 联单 with its QR code")
        pdf = d.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True,
                                                   "printBackground": True})
        pdf_path = os.path.join(OUT, name + ".pdf")
        with open(pdf_path, "wb") as f:
            f.write(base64.b64decode(pdf["data"]))
        found = {}
        for dpi in (150, 100):
            prefix = os.path.join(OUT, f"{name}-{dpi}dpi")
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", pdf_path, prefix], check=True)
            decoded = []
            for p in sorted(x for x in os.listdir(OUT) if x.startswith(os.path.basename(prefix)) and x.endswith(".png")):
                r = subprocess.run(["zbarimg", "--quiet", "--raw", os.path.join(OUT, p)], capture_output=True, text=True)
                decoded += [line for line in r.stdout.splitlines() if line]
            found[dpi] = decoded
        check(len(found[150]) == 1, f"exactly one QR code decodes at 150 dpi, got {len(found[150])}")
        check(found[100] == found[150], "the same code decodes at 100 dpi (2 pixels a module: arm's-length stand-in)")
        version = d.find_element("id", "verify-url").get_attribute("data-qr-version")
        return found[150][0], int(version)

    def open_on_phone(url, shot):
        d = phone.driver
        d.delete_all_cookies()
        d.get("about:blank")
        proxy.log.clear()
        d.get(url)
        phone.wait_for(lambda: d.find_element("tag name", "body").get_attribute("data-verdict"), "a verdict", timeout=30)
        verdict = d.find_element("id", "verdict").text
        ms = int(d.find_element("tag name", "body").get_attribute("data-ms"))
        width = d.execute_script("return document.documentElement.scrollWidth")
        check(width <= 390, f"nothing is cut off at 390 px (scroll width {width})")
        phone.shot(shot, full=False)
        return verdict, ms

    def received_manifest_verifies():
        candidates = [m for m in manifests("received") if len(m["events"]) == 3 and m["generator"].startswith("9151")]
        m = candidates[0]
        state["manifest"] = m
        printer.sign_in(base, os.path.join(KEYS, SC + ".key"))
        url, version = print_and_decode(m["manifestNo"], "01-manifest")
        state["url"] = url
        check(url.startswith(base + "/ui/v#"), f"the QR code links to the public check page: {url[:60]}")
        fragment = url.split("#", 1)[1]
        check(re.fullmatch(r"\d+", fragment), "the fragment is digits (QR numeric mode)")
        check(version <= 25, f"QR version {version} ≤ 25 at level M")
        print(f"      QR version {version}, {len(url)} characters, {len(fragment)} digits, 3 entries, "
              f"{len(m['lines'])} line(s)", flush=True)
        verdict, ms = open_on_phone(url, "02-phone-ok")
        state["ms"] = ms
        state["log"] = list(proxy.log)
        text = phone.text()
        check(verdict == "与台账一致", f"the verdict is 与台账一致, got {verdict}: {text[:300]}")
        check(m["manifestNo"] in text, "the page shows the 联单编号")
        names = json.loads(subprocess.run([HWLEDGER, "manifest", "show", m["manifestNo"], "--db", db, "--json"],
                                          capture_output=True, text=True, check=True).stdout)["labels"]["parties"]
        for who in (m["generator"], m["receiver"], *m["carriers"]):
            check(names[who]["name"] in text, f"the page names {names[who]['name']}")
        for line in m["lines"]:
            g = line["grams"]
            t = f"{g // 1000000}.{str(g % 1000000).zfill(6)}"
            while len(t.split(".")[1]) > 3 and t.endswith("0"):
                t = t[:-1]
            check(t in text and line["wasteCode"] in text and line["name"] in text, f"the page shows {line['name']} {t} 吨")
        check("起运" in text and "接收" in text, "the steps are listed")
        print(f"      page load → verdict: {ms} ms at 390×844", flush=True)
        check(independent_verdict(base, fragment, operator_vkey, wkeys, 2) == "ok", "the independent Python check agrees: ok")

    def access_log_is_clean():
        m = state["manifest"]
        fragment = state["url"].split("#", 1)[1]
        paths = [r["path"] for r in state["log"]]
        allowed = re.compile(r"^/(ui/v|ui/assets/(console\.css|canonical\.js)|ui/v/assets/[a-z.-]+|v1/receipts/\d+|ui/v/heads/[0-9a-f]{3}"
                             r"|ui/v/pending/\d+|favicon\.ico)$")
        check(paths, "the proxy saw the page's requests")
        for r in state["log"]:
            check(allowed.match(r["path"]), f"only the page, its assets, receipts by index and a heads bucket: {r['path']}")
            blob = r["path"] + json.dumps(r["headers"], ensure_ascii=False)
            check(m["manifestNo"] not in blob, f"no manifest number in {r['path']}")
            check(fragment[:40] not in blob and "grams" not in blob, f"no fragment or entry content in {r['path']}")
            check("Cookie" not in r["headers"], "no session cookie")
        receipts = sorted(int(p.rsplit("/", 1)[1]) for p in paths if p.startswith("/v1/receipts/"))
        check(receipts == sorted(e["index"] for e in m["events"]), f"receipts fetched by the entries' indexes: {receipts}")
        print(f"      access log: {paths}", flush=True)

    def one_gram_changed():
        fragment = state["url"].split("#", 1)[1]
        entries = decode_fragment(fragment)
        filed = json.loads(entries[0])
        g = filed["submission"]["body"]["lines"][0]["grams"]
        entries[0] = entries[0].replace(f'"grams":{g},'.encode(), f'"grams":{g + 1},'.encode(), 1)
        forged = encode_fragment(entries)
        verdict, _ = open_on_phone(base + "/ui/v#" + forged, "03-phone-one-gram")
        check(verdict.startswith("无法核验") and "内容与台账记录不符" in verdict, f"one gram more: {verdict}")
        check(independent_verdict(base, forged, operator_vkey, wkeys, 2) == "content", "the independent check agrees: content")

    def operator_signature_bad():
        proxy.mode = "badsig"
        try:
            verdict, _ = open_on_phone(state["url"], "04-phone-bad-operator-signature")
            check(verdict == "无法核验：检查点的运营方签名无效", f"a flipped bit in the operator signature: {verdict}")
            check(independent_verdict(base, state["url"].split("#", 1)[1], operator_vkey, wkeys, 2) == "operator",
                  "the independent check agrees: operator")
        finally:
            proxy.mode = None

    def cosignature_dropped():
        proxy.mode = "dropcosig"
        try:
            verdict, _ = open_on_phone(state["url"], "05-phone-cosignature-dropped")
            check(verdict.startswith("无法核验：见证人副署不足（1/2，缺") and ("重庆市生态环境局" in verdict or "四川省生态环境厅" in verdict),
                  f"one cosignature of two: {verdict}")
            check(independent_verdict(base, state["url"].split("#", 1)[1], operator_vkey, wkeys, 2) == "quorum",
                  "the independent check agrees: quorum")
        finally:
            proxy.mode = None

    def received_after_printing():
        m = manifests("inTransit")[0]
        url, _ = print_and_decode(m["manifestNo"], "06-in-transit")
        verdict, _ = open_on_phone(url, "06-phone-in-transit")
        check(verdict == "与台账一致", f"in transit, before receipt: {verdict}")
        event = os.path.join(work, "received.json")
        with open(event, "w") as f:
            json.dump({"type": "manifest.received", "actor": m["receiver"], "body": {
                "manifestNo": m["manifestNo"], "deliveredAt": "2025-11-21T02:00:00Z", "method": m["method"],
                "lines": [{"line": i + 1, "grams": line["grams"]} for i, line in enumerate(m["lines"])],
                "significantDiscrepancy": False}}, f, ensure_ascii=False)
        subprocess.run([HWLEDGER, "submit", "--db", db, "--key", os.path.join(KEYS, m["receiver"] + ".key"), event],
                       check=True, capture_output=True)
        wait_published()
        verdict, _ = open_on_phone(url, "07-phone-newer")
        check(verdict == "台账中有更新的记录", f"received after printing: {verdict}")
        check(independent_verdict(base, url.split("#", 1)[1], operator_vkey, wkeys, 2) == "newer",
              "the independent check agrees: newer")

    try:
        wait_published()
        run("a received 联单 printed to PDF: its QR code opens the public page, which says 与台账一致 with names and tonnes",
            received_manifest_verifies)
        run("the access log saw only the page, its assets, receipts by index and a heads bucket", access_log_is_clean)
        run("one gram changed in the fragment: 无法核验, content", one_gram_changed)
        run("a bad operator signature on the checkpoint: 无法核验, operator signature", operator_signature_bad)
        run("a cosignature dropped below the quorum: 无法核验, cosignatures", cosignature_dropped)
        run("a manifest received after printing: 台账中有更新的记录", received_after_printing)
    finally:
        printer.quit()
        phone.quit()
        proxy.stop()
        for p in reversed(procs):
            p.terminate()
            p.wait(timeout=20)
        cleanup(work, keep)
    checks.finish()


if __name__ == "__main__":
    main()

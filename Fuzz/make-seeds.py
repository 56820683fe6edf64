#!/usr/bin/env python3
"""Writes the committed seed corpora under fixtures/fuzz/<target>/ (issue 6) from the repository's own fixtures and
vectors. Re-run after changing a format; libFuzzer grows its working copy from these, the seeds themselves stay small.
Signed seeds use the demo operator key of fixtures/ledger/keys (a demo key that protects nothing)."""
import base64, hashlib, json, os, shutil, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures", "fuzz")
VECTORS = os.path.join(os.path.dirname(ROOT), "shared", "vectors")
b64 = lambda b: base64.b64encode(b).decode()

def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()

def seeds(target, items):
    d = os.path.join(OUT, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in items.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)

def skey(principal):
    text = read(f"fixtures/ledger/keys/{principal}.key").strip()
    name, kid, key = text[len("PRIVATE+KEY+"):].split("+", 2)
    return name, bytes.fromhex(kid), Ed25519PrivateKey.from_private_bytes(base64.b64decode(key)[1:])

def note(text, *signers):
    lines = "".join(f"\u2014 {n} {b64(kid + k.sign(text.encode()))}\n" for n, kid, k in signers)
    return text + "\n" + lines

op = skey("operator")
reg = skey("REG-510000")
origin = op[0]
golang = json.load(open(os.path.join(VECTORS, "golang-signed-note.json")))
c2sp = json.load(open(os.path.join(VECTORS, "c2sp-spec-examples.json")))
events = read("fixtures/ledger/events.jsonl").splitlines()
leaf1 = hashlib.sha256(b"\x00" + b"leaf one").digest()
root2 = hashlib.sha256(b"\x01" + bytes(32) + leaf1).digest()
checkpoint = f"{origin}\n2\n{b64(root2)}\n"
signed_cp = note(checkpoint, op)

seeds("FuzzCanonicalJSON", {
    "valid-genesis.json": read("fixtures/ledger/genesis.json"),
    "valid-event.json": events[0],
    "valid-scalars.json": '[null,true,false,0,-9007199254740991,"\\u00e9\\ud83d\\ude00\\n\\"\\\\/",{}]',
    "valid-whitespace.json": ' { "b" : [ 1 , 2 ] ,\n\t"a" : "x" } ',
    "invalid-duplicate-key.json": '{"a":1,"a":2}',
    "invalid-float.json": '{"a":1.5}',
    "invalid-big-int.json": '9007199254740992',
    "invalid-lone-surrogate.json": '"\\ud800"',
    "invalid-deep.json": "[" * 40 + "]" * 40,
    "invalid-trailing.json": '{} {}',
    "invalid-utf8.json": b'"\xff"',
    "invalid-nonascii-key.json": '{"\u00e9":1}',
})

zero_sig = b64(bytes(64))
sub = {"actor": "REG-510000", "body": json.loads(events[0])["body"], "keyId": "893b4806",
       "nonce": "00112233445566778899aabbccddeeff", "signedAt": "2025-03-01T08:00:00Z", "type": "enterprise.registered"}
filed = next(e for e in events if '"manifest.filed"' in e and '"@' not in e)
seeds("FuzzSubmission", {
    "unsigned-registration.json": events[0],
    "unsigned-key-added.json": next(e for e in events if '"key.added"' in e),
    "unsigned-permit.json": next(e for e in events if '"permit.issued"' in e),
    "unsigned-manifest-filed.json": filed,
    "unsigned-batch.json": "[" + ",".join(e for e in events[55:70] if '"@' not in e) + "]",
    "signed-zero-sig-resigned.json": json.dumps({"submission": sub, "sig": zero_sig}, ensure_ascii=False),
    "signed-bad-sig.json": json.dumps({"submission": sub, "sig": b64(bytes([1]) * 64)}, ensure_ascii=False),
    "genesis-again.json": json.dumps({"type": "ledger.genesis", "actor": origin, "body": {}}),
    "invalid-unknown-type.json": '{"type":"no.such.event","actor":"REG-510000","body":{}}',
    "invalid-missing-body.json": '{"type":"key.added","actor":"REG-510000"}',
    "entry.json": '{"index":0,"prev":"' + "0" * 64 + '","sig":"' + zero_sig + '","submission":'
        + json.dumps(sub, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + ',"time":"2025-03-01T08:00:00Z"}',
})

notes = {f"golang-{i}.txt": n["note"] for i, n in enumerate(golang["signed_notes"]) if "note" in n}
notes.update({f"c2sp-{i}.txt": n["note"] for i, n in enumerate(c2sp["signed_note_examples"] + c2sp["checkpoint_examples"])})
notes.update({
    "fuzz-key-signed.txt": note("hello\n", ("fuzz.example/log", bytes(4), Ed25519PrivateKey.from_private_bytes(bytes([7]) * 32))),
    "two-signers.txt": note("two signers\n", op, reg),
    "invalid-no-blank-line.txt": "text\n\u2014 a AAAAAAA=\n",
    "invalid-control-char.txt": "te\x01xt\n\n\u2014 a AAAAAAA=\n",
    "invalid-no-trailing-newline.txt": "text\n\n\u2014 a AAAAAAA=",
    "invalid-utf8.txt": b"\xff\n\n\xe2\x80\x94 a AAAAAAA=\n",
})
seeds("FuzzSignedNote", notes)

seeds("FuzzCheckpoint", {
    "signed-operator.txt": signed_cp,
    "signed-with-extension.txt": note(f"{origin}\n0\n{b64(bytes(32))}\nextension line\n", op),
    "signed-wrong-origin.txt": note(f"other.example/log\n2\n{b64(root2)}\n", op),
    "signed-tampered.txt": signed_cp.replace("\n2\n", "\n3\n"),
    "body.txt": checkpoint,
    "c2sp-example.txt": c2sp["checkpoint_examples"][0]["note"],
    "invalid-size-leading-zero.txt": f"{origin}\n02\n{b64(root2)}\n",
    "invalid-root.txt": f"{origin}\n2\nAAAA\n",
})

header = "c2sp.org/tlog-proof@v1\n"
seeds("FuzzTlogProof", {
    "valid-index0.txt": f"{header}index 0\n{b64(leaf1)}\n\n{signed_cp}",
    "valid-extra.txt": f"{header}extra {b64(b'app data')}\nindex 1\n{b64(bytes(32))}\n\n{signed_cp}",
    "wrong-proof.txt": f"{header}index 0\n{b64(root2)}\n\n{signed_cp}",
    "invalid-index.txt": f"{header}index 01\n\n{signed_cp}",
    "invalid-header.txt": f"c2sp.org/tlog-proof@v2\nindex 0\n\n{signed_cp}",
    "invalid-unsigned.txt": f"{header}index 0\n\n{checkpoint}\n",
})

keys = {}
for i, k in enumerate(golang["keys"]):
    keys[f"golang-vkey-{i}.txt"] = k["vkey"]
    if "skey" in k: keys[f"golang-skey-{i}.txt"] = k["skey"]
for i, k in enumerate(golang["bad_vkeys"]):
    keys[f"golang-bad-vkey-{i}.txt"] = k["vkey"]
for p in ["operator", "REG-510000", "91510100MA0000001L"]:
    keys[f"fixture-{p}.vkey"] = read(f"fixtures/ledger/keys/{p}.vkey")
    keys[f"fixture-{p}.key"] = read(f"fixtures/ledger/keys/{p}.key")
keys["c2sp-vkey.txt"] = c2sp["signed_note_examples"][0]["vkey"]
keys["invalid-uppercase-id.txt"] = c2sp["signed_note_examples"][0]["vkey"].replace("530d903a", "530D903A")
keys["invalid-name-plus.txt"] = "a+b+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
seeds("FuzzKeys", keys)

csv = {}
for sel, name in enumerate(["admin_divisions_sc_cq", "hw_codes", "disposal_method_codes", "cn_public_holidays"]):
    text = read(f"fixtures/reference/{name}.csv")
    csv[f"{name}-head.csv"] = str(sel) + "".join(text.splitlines(True)[:12])
csv["quoted-crlf.csv"] = '3date,kind,name,provenance\r\n2025-01-01,holiday,"New ""Year""","a,b"\r\n'
csv["bom.csv"] = "2\ufeffcode,meaning_zh,group,provenance\nD1,x,y,z\n"
csv["invalid-width.csv"] = "2code,meaning_zh,group,provenance\nD1,x\n"
csv["invalid-unterminated.csv"] = '0code,name_zh,level,parent,provenance\n"510000,x'
csv["invalid-hazard.csv"] = "1code,category,industry_source,description_zh,hazard,edition,provenance\n900-041-49,HW49,x,y,Q,2021,z\n"
seeds("FuzzCSV", csv)

def auth(principal, kid, key, time, method="GET", target="/v1/manifests"):
    sig = key.sign(f"hwledger/request/v1\n{method}\n{target}\n{time}\n".encode())
    return f"HWL-Ed25519 principal={principal},keyId={kid.hex()},time={time},sig={b64(sig)}"
good = auth(reg[0], reg[1], reg[2], 1740816000)
seeds("FuzzAuthHeader", {
    "valid.txt": good,
    "valid-spaces.txt": good.replace(",", ", "),
    "invalid-scheme.txt": good.replace("HWL-Ed25519", "Bearer"),
    "invalid-repeated.txt": good + ",time=1",
    "invalid-missing-sig.txt": good.rsplit(",", 1)[0],
    "invalid-uppercase-keyid.txt": good.replace(f"keyId={reg[1].hex()}", f"keyId={reg[1].hex().upper()}"),
    "invalid-time.txt": good.replace("time=1740816000", "time=-1"),
})
print("seeds written under", OUT)

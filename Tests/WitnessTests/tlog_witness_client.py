#!/usr/bin/env python3
"""An independent tlog-witness client, written from the C2SP texts (signed-note, tlog-checkpoint, tlog-witness,
tlog-cosignature) with Python's standard library and `cryptography`: it signs checkpoints as the log, POSTs
add-checkpoint requests and verifies the returned Ed25519 cosignatures over `cosignature/v1\\ntime T\\n` + body."""
import argparse, base64, hashlib, http.client, struct, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--origin", required=True)
p.add_argument("--log-key", required=True, help="the log's private key, PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>")
p.add_argument("--witness-vkey", required=True)
a = p.parse_args()

_, _, key_name, _, key_b64 = a.log_key.strip().split("+", 4)
assert key_name == a.origin
log = Ed25519PrivateKey.from_private_bytes(base64.b64decode(key_b64)[1:])
log_pub = log.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
log_id = hashlib.sha256(a.origin.encode() + b"\n\x01" + log_pub).digest()[:4]

w_name, w_id_hex, w_key_b64 = a.witness_vkey.split("+", 2)
w_raw = base64.b64decode(w_key_b64)
assert w_raw[0] == 0x04 and len(w_raw) == 33, "witness vkey must be type 0x04"
assert hashlib.sha256(w_name.encode() + b"\n\x04" + w_raw[1:]).digest()[:4].hex() == w_id_hex, "witness key id"
witness = Ed25519PublicKey.from_public_bytes(w_raw[1:])

def leaf(data): return hashlib.sha256(b"\x00" + data).digest()
def node(l, r): return hashlib.sha256(b"\x01" + l + r).digest()

def checkpoint(size, root):
    body = f"{a.origin}\n{size}\n{base64.b64encode(root).decode()}\n"
    sig = base64.b64encode(log_id + log.sign(body.encode())).decode()
    return body, f"{body}\n\u2014 {a.origin} {sig}\n"

def add(old, proof, note):
    req = f"old {old}\n" + "".join(base64.b64encode(h).decode() + "\n" for h in proof) + "\n" + note
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=10)
    c.request("POST", "/add-checkpoint", body=req.encode(), headers={"Content-Type": "text/plain"})
    r = c.getresponse()
    return r.status, r.getheader("Content-Type"), r.read().decode()

def verify(body, response):
    lines = [l for l in response.split("\n") if l]
    ok = False
    for line in lines:
        assert line.startswith("\u2014 "), line
        name, sig = line[2:].split(" ")
        raw = base64.b64decode(sig)
        if name != w_name or raw[:4].hex() != w_id_hex:
            continue  # unknown cosigner: ignored
        (t,) = struct.unpack(">Q", raw[4:12])
        witness.verify(raw[12:], f"cosignature/v1\ntime {t}\n".encode() + body.encode())
        ok = True
    assert ok, "no cosignature from the witness"

x, y = leaf(b"x"), leaf(b"y")
body1, note1 = checkpoint(1, x)
status, _, text = add(0, [], note1)
assert status == 200, (status, text)
verify(body1, text)
print("cosigned size 1")
body2, note2 = checkpoint(2, node(x, y))
status, _, text = add(1, [y], note2)  # RFC 6962 PROOF(1, D[2]) = [MTH(D[1:2])]
assert status == 200, (status, text)
verify(body2, text)
print("cosigned size 2")
status, ctype, text = add(1, [y], note2)
assert status == 409 and ctype == "text/x.tlog.size" and text == "2\n", (status, ctype, text)
print("conflict 2")

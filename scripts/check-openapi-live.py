#!/usr/bin/env python3
"""Validates live responses of a running hwledgerd against schema/openapi.yaml with openapi-core (PyPI), a second
consumer beside schemathesis that finds each request's path template and checks status, content type, headers and
body of the response it gets (issue 13).

    python3 scripts/check-openapi-live.py BASE_URL

The requests cover what a generator of random requests rarely reaches: full and partial tiles at levels 0 and 1 of
the live tree (binary bodies), a tile number written in several groups (`x001/…`, 404 on a small log), the
checkpoint, proofs, a receipt, /healthz and /metrics, and signed reads made with the fixture ledger's keys
(fixtures/ledger/keys, signed here with Python's cryptography, independently of the Swift code): an entry, a page of
manifests, a statement, anomalies, applications, the whitelist report, and the 400s of parameters that break their documented rules.
Exit 1 naming every response the document does not describe.
"""
import base64
import os
import sys
import time
import urllib.error
import urllib.request

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

# The document's server: openapi-core finds the operation by the server URL plus the path template.
DOCUMENT_SERVER = "http://127.0.0.1:8420"


def fetch(base, method, path, headers=None, body=None):
    req = urllib.request.Request(base + path, method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers.items()), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


KEYS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "ledger", "keys")


def authorization(key_file, method, target):
    """`HWL-Ed25519 principal=…,keyId=…,time=…,sig=…` (SPEC §4.2) from a `PRIVATE+KEY+name+keyid+base64` file."""
    with open(os.path.join(KEYS, key_file)) as f:
        _, _, name, key_id, material = f.read().strip().split("+", 4)
    seed = base64.b64decode(material)[1:]
    now = int(time.time())
    message = f"hwledger/request/v1\n{method}\n{target}\n{now}\n".encode()
    sig = base64.b64encode(Ed25519PrivateKey.from_private_bytes(seed).sign(message)).decode()
    return f"HWL-Ed25519 principal={name},keyId={key_id},time={now},sig={sig}"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check-openapi-live.py BASE_URL")
    base = sys.argv[1].rstrip("/")
    openapi = OpenAPI.from_file_path("schema/openapi.yaml")

    status, _, note = fetch(base, "GET", "/checkpoint")
    if status != 200:
        sys.exit(f"GET /checkpoint: {status}")
    size = int(note.decode().split("\n")[1])
    if size < 257:
        sys.exit(f"the live log has {size} entries; the check needs more than 256 for a level-1 tile")

    cases = [
        ("GET", "/checkpoint", 200),
        ("GET", "/tile/0/000", 200),
        ("GET", f"/tile/1/000.p/{size // 256}", 200),
        ("GET", "/tile/0/x001/000", 404),
        ("GET", "/tile/0/x001/x002/003.p/7", 404),
        ("GET", "/tile/1/000", 404),
        ("GET", "/healthz", 200),
        ("GET", "/metrics", 200),
        ("GET", f"/v1/proofs/inclusion?index=0&size={size}", 200),
        ("GET", f"/v1/proofs/consistency?from=1&to={size}", 200),
        ("GET", "/v1/receipts/0", 200),
        ("GET", "/v1/manifests?party=abc", 401),
    ]
    if size % 256:
        cases.insert(2, ("GET", f"/tile/0/{size // 256:03d}.p/{size % 256}", 200))
    statements = "/v1/compensation/statements?"
    signed = [
        ("operator.key", "/v1/entries/1", 200),
        ("operator.key", "/v1/manifests?limit=3", 200),
        ("REG-510000.key", "/v1/manifests?status=received&limit=2", 200),
        ("REG-500000.key", statements + "quarter=2025Q2&payer=510000&payee=500000", 200),
        ("REG-510000.key", "/v1/audit/anomalies?asOf=2025-12-31", 200),
        ("REG-500000.key", "/v1/approvals", 200),
        ("REG-510000.key", "/v1/approvals/SQ-510000-2025-001", 200),
        ("operator.key", "/v1/approvals/SQ-NONE", 404),
        ("REG-500000.key", "/v1/whitelists/report?year=2025", 200),
        ("REG-500000.key", "/v1/whitelists/report?year=abc", 400),
        ("operator.key", "/v1/manifests?party=abc", 400),
        ("operator.key", statements + "quarter=2025Q2&payer=510000&payee=510000", 400),
        ("operator.key", statements + "quarter=2025q2&payer=510000&payee=500000", 400),
        ("REG-510000.key", "/v1/entries/1", 403),
        ("operator.key", "/v1/manifests?wasteCode=900-052-31&name=%E7%A4%BA%E4%BE%8B&pickupFrom=2025-01-01&pickupTo=2025-12-31", 200),
        ("operator.key", "/v1/manifests?wasteCode=900-52-31", 400),
        ("REG-510000.key", "/v1/enterprises", 200),
        ("REG-500000.key", "/v1/enterprises/91511400MA00000073", 200),
        ("operator.key", "/v1/enterprises/91510100MA0000099N", 404),
        ("operator.key", "/v1/enterprises/abc", 400),
        ("REG-510000.key", "/v1/permits", 200),
        ("operator.key", "/v1/permits?holder=91511400MA00000073", 200),
        ("operator.key", "/v1/permits?holder=abc", 400),
    ]
    cases += [("GET", target, expected, key) for key, target, expected in signed]
    failures = []
    for method, target, expected, *key in cases:
        headers = {"Authorization": authorization(key[0], method, target)} if key else {}
        status, headers, body = fetch(base, method, target, headers=headers)
        path, _, query = target.partition("?")
        args = dict(p.split("=", 1) for p in query.split("&")) if query else {}
        request = MockRequest(DOCUMENT_SERVER, method.lower(), path, args=args)
        content_type = headers.get("Content-Type", headers.get("content-type", ""))
        response = MockResponse(body, status_code=status, content_type=content_type, headers=headers)
        problem = None
        if status != expected:
            problem = f"status {status}, expected {expected}"
        else:
            try:
                openapi.validate_response(request, response)
            except Exception as e:  # openapi-core raises one exception type per kind of mismatch
                cause = e.__cause__ or e
                problem = f"{type(e).__name__}: {str(cause)[:300]}"
        line = f"{method} {target}{' as ' + key[0][:-4] if key else ''} → {status} {content_type} ({len(body)} bytes)"
        if problem:
            failures.append(f"{line}: {problem}")
            print(f"FAIL {line}: {problem}")
        else:
            print(f"ok   {line}")
    if failures:
        sys.exit(f"openapi-core: {len(failures)} of {len(cases)} live responses contradict schema/openapi.yaml")
    print(f"openapi-core: all {len(cases)} live responses match schema/openapi.yaml")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Installs what building and testing hwledger needs on a fresh Debian machine with Swift at /opt/swift:
# the SQLite headers GRDB links against, the sqlite3 CLI the tamper tests use, Python's cryptography for the
# witness interop test, promtool (Debian's prometheus), schemathesis and openapi-core (PyPI) for the live-daemon checks,
# PostgreSQL 15 for the PostgreSQL store.
set -euo pipefail
need=()
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v curl >/dev/null 2>&1 || need+=(curl)
# The witness TLS tests make a throw-away CA and certificates with openssl (docs/decisions/014).
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# The PostgreSQL store's tests run throw-away clusters with scripts/pg.sh: Debian's PostgreSQL 15 server and psql.
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
# The witness interop test checks cosignatures with an independent Ed25519 (Python's cryptography).
python3 -c 'import cryptography' >/dev/null 2>&1 || need+=(python3-cryptography)
# The web console: libqrencode (QR codes on the printable 联单), and its browser tests: headless Chromium and its
# driver, zbarimg (decodes the printed QR code), pdfinfo/pdftoppm (A4 check, rasterising the PDF), CJK fonts.
[ -f /usr/include/qrencode.h ] || need+=(libqrencode-dev)
# zlib: raw DEFLATE of the entries in the printed 联单's QR code (docs/decisions/016).
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
# Tiles (issue 22): the export test serves an exported directory with nginx; scripts/bench-tiles.sh runs wrk
# against hwledgerd and nginx.
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
# The CSV test opens the product's CSVs in LibreOffice headless (soffice --convert-to xlsx); Calc without the GUI.
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
python3 -c 'import selenium' 2>/dev/null || python3 -m pip install --quiet selenium
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
swift --version >/dev/null
PATH="$HOME/.local/bin:$PATH" command -v schemathesis >/dev/null 2>&1 || python3 -m pip install --user --quiet schemathesis
# openapi-core validates live responses (tiles, binary bodies) against schema/openapi.yaml, beside schemathesis.
python3 -c 'import openapi_core' 2>/dev/null || python3 -m pip install --user --quiet openapi-core

#!/usr/bin/env bash
# Installs what building and testing hwledger needs on a fresh Debian machine with Swift at /opt/swift:
# the SQLite headers GRDB links against, the sqlite3 CLI the tamper tests use, and Python's cryptography for the
# witness interop test.
set -euo pipefail
need=()
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
# The witness interop test checks cosignatures with an independent Ed25519 (Python's cryptography).
python3 -c 'import cryptography' >/dev/null 2>&1 || need+=(python3-cryptography)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
swift --version >/dev/null

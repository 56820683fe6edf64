#!/usr/bin/env bash
# Tiles at the speed of static files (issue 22): hwledgerd against nginx serving the same bytes from files.
#
#   scripts/bench-tiles.sh            # release build, then the figures
#
# Builds hwledger and hwledgerd in release (build path .build-release, so the debug build stays as it is), builds
# the 2025 fixture ledger (fixtures/ledger: 344 entries, so tile 0/000 is a full level-0 tile of 8,192 bytes) in a
# temporary directory, exports it with `hwledger tiles export` for nginx, starts hwledgerd and nginx (its own
# configuration, on free loopback ports; both stopped at exit), checks both serve the same bytes, and runs
# `wrk -t2 -c64 -d${BENCH_SECONDS:-10}s` against each for /tile/0/000 and /checkpoint. Prints requests/s, p99
# and the daemon's ratio to nginx. Not part of CI: it needs nginx and wrk (scripts/setup.sh installs them) and
# measures the machine it runs on. Environment: BENCH_SECONDS (default 10), SKIP_BUILD=1 to use an existing build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
for tool in wrk nginx python3 curl cmp; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || { echo "bench-tiles: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
SECONDS_EACH=${BENCH_SECONDS:-10}
BUILD=(swift build)
command -v swiftlock >/dev/null 2>&1 && BUILD=(swiftlock build)

if [ -z "${SKIP_BUILD:-}" ]; then
    echo "== release build (.build-release)"
    "${BUILD[@]}" -c release --build-path .build-release --product hwledger
    "${BUILD[@]}" -c release --build-path .build-release --product hwledgerd
fi
BIN="$ROOT/.build-release/release"

WORK=$(mktemp -d /tmp/bench-tiles.XXXXXX)
chmod 755 "$WORK"  # nginx's workers (nobody when started by root) read the exported files
DAEMON_PID=""
cleanup() {
    [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null || true
    [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    sleep 0.2
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "== building the fixture ledger ($WORK/ledger.sqlite)"
HWLEDGER="$BIN/hwledger" python3 scripts/build-fixture-ledger.py "$WORK/ledger.sqlite" --quiet
"$BIN/hwledger" tiles export --db "$WORK/ledger.sqlite" --out "$WORK/www"
SIZE=$(sed -n 2p "$WORK/www/checkpoint")
[ "$SIZE" -ge 256 ] || { echo "bench-tiles: the ledger has $SIZE entries, fewer than a full tile" >&2; exit 1; }

DAEMON_PORT=$(free_port)
NGINX_PORT=$(free_port)
"$BIN/hwledgerd" --db "$WORK/ledger.sqlite" --listen "127.0.0.1:$DAEMON_PORT" --verify-interval 3600 \
    >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!

mkdir -p "$WORK/nginx-temp"
cat >"$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $WORK/nginx-temp;
    proxy_temp_path $WORK/nginx-temp;
    fastcgi_temp_path $WORK/nginx-temp;
    uwsgi_temp_path $WORK/nginx-temp;
    scgi_temp_path $WORK/nginx-temp;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
        location = /checkpoint { default_type "text/plain; charset=utf-8"; add_header Cache-Control "public, max-age=2"; }
        location /tile/ { add_header Cache-Control "public, max-age=31536000, immutable"; }
    }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/nginx-error.log"

for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$DAEMON_PORT/checkpoint" >/dev/null 2>&1 && break
    sleep 0.1
done
sleep 1
for path in /tile/0/000 /checkpoint; do
    curl -sf "http://127.0.0.1:$DAEMON_PORT$path" >"$WORK/daemon.body"
    curl -sf "http://127.0.0.1:$NGINX_PORT$path" >"$WORK/nginx.body" || { echo "bench-tiles: nginx does not serve $path" >&2; cat "$WORK/nginx-error.log" >&2; exit 1; }
    cmp -s "$WORK/daemon.body" "$WORK/nginx.body" || { echo "bench-tiles: $path differs between hwledgerd and nginx" >&2; exit 1; }
done
echo "== $SIZE entries; /tile/0/000 is $(stat -c %s "$WORK/www/tile/0/000") bytes, /checkpoint $(stat -c %s "$WORK/www/checkpoint") bytes; $(nproc) cores"

# wrk's requests/s and p99 (in ms) for one URL.
measure() {
    local out rps p99
    out=$(wrk -t2 -c64 -d"${SECONDS_EACH}s" --latency "$1")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    echo "$rps $(python3 -c 'import sys
v = sys.argv[1]
for suffix, ms in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
    if v.endswith(suffix):
        print(round(float(v[:-len(suffix)]) * ms, 2))
        break' "$p99")"
}

echo "== wrk -t2 -c64 -d${SECONDS_EACH}s --latency"
printf '%-12s %14s %10s %14s %10s %8s\n' path "hwledgerd r/s" "p99 ms" "nginx r/s" "p99 ms" ratio
for path in /tile/0/000 /checkpoint; do
    # One warm-up request each: the daemon keeps a tile once it has served it.
    curl -sf "http://127.0.0.1:$DAEMON_PORT$path" >/dev/null
    read -r d_rps d_p99 < <(measure "http://127.0.0.1:$DAEMON_PORT$path")
    read -r n_rps n_p99 < <(measure "http://127.0.0.1:$NGINX_PORT$path")
    ratio=$(python3 -c "print(f'{float(\"$d_rps\")/float(\"$n_rps\"):.2f}')")
    printf '%-12s %14s %10s %14s %10s %7sx\n' "$path" "$d_rps" "$d_p99" "$n_rps" "$n_p99" "$ratio"
done

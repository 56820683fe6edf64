#!/usr/bin/env bash
# Runs throw-away and operator PostgreSQL 15 clusters (Debian's binaries) for hwledger's PostgreSQL store:
# a primary, hot standbys streaming from it, databases, replication lag. Every server listens on 127.0.0.1 only,
# on the port given, with its unix socket in its data directory.
#
#   scripts/pg.sh primary DIR PORT                    initdb (if needed) + start; prints postgres://USER@127.0.0.1:PORT/
#   scripts/pg.sh standby DIR PORT PRIMARY_PORT       pg_basebackup -R -X stream (if needed) + start; prints its URL
#   scripts/pg.sh stop DIR                            pg_ctl stop -m fast (exit 0 when not running)
#   scripts/pg.sh createdb URL NAME                   CREATE DATABASE unless it exists
#   scripts/pg.sh dropdb URL NAME                     DROP DATABASE IF EXISTS … WITH (FORCE)
#   scripts/pg.sh lag STANDBY_URL                     replay lag in seconds (0 when the standby has replayed all it received)
#   scripts/pg.sh wait-caught-up PRIMARY_URL STANDBY_URL [TIMEOUT]
#                                                     waits until the standby has replayed the primary's current WAL position
#   scripts/pg.sh env DIR [PORT]                      prints export lines (PGHOST, PGPORT, PGUSER, PGDATABASE, PG_URL)
#
# stdout carries only the URL (or the figure, or the export lines); diagnostics go to stderr; failures exit non-zero.
# Run as root (CI), the server binaries run as the data directory's owner: the OS user `postgres` when it exists,
# otherwise a system user `hwledger-pg` created on first use (override: HWLEDGER_PG_OSUSER). Environment:
# HWLEDGER_PG_BIN (default /usr/lib/postgresql/15/bin), HWLEDGER_PG_TIMEOUT (seconds, default 60).
set -euo pipefail

PG_BIN=${HWLEDGER_PG_BIN:-/usr/lib/postgresql/15/bin}
TIMEOUT=${HWLEDGER_PG_TIMEOUT:-60}
STATE_FILE=hwledger-pg.env   # in DIR: PORT=, SUPERUSER=, ROLE=primary|standby (written by this script)
CONF_FILE=hwledger.conf      # in DIR: the settings this script manages, included from postgresql.conf
PROG=${0##*/}

die() { echo "$PROG: $*" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

usage() {   # usage [EXIT]: the subcommands, on stderr
    sed -n '/^#   scripts\/pg.sh primary/,/^#   scripts\/pg.sh env/p' "$0" | sed 's/^#   //' >&2
    exit "${1:-64}"
}

need_bin() {
    [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/psql" ] ||
        die "PostgreSQL 15 binaries not found in $PG_BIN (run scripts/setup.sh, which installs Debian's postgresql, or set HWLEDGER_PG_BIN)"
}

check_port() {
    [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ] || die "not a port number: '$1'"
}

# Something (anything) is listening on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

abs_dir() {
    [ -n "$1" ] || die "empty directory argument"
    local d; d=$(realpath -m -- "$1")
    case $d in *"'"* | *$'\n'*) die "unsupported character in directory name: $d" ;; esac
    # The unix socket DIR/.s.PGSQL.PORT must fit in sockaddr_un (107 bytes).
    [ "${#d}" -le 88 ] || die "directory path too long for a unix socket inside it (${#d} > 88 bytes): $d"
    echo "$d"
}

# --- who runs the server binaries -------------------------------------------------------------------------------

# The OS user a new cluster belongs to: ourselves, or (as root, which initdb and postgres refuse) postgres/hwledger-pg.
server_user() {
    if [ "$(id -u)" -ne 0 ]; then id -un; return; fi
    local u=${HWLEDGER_PG_OSUSER:-}
    if [ -z "$u" ]; then
        if id -u postgres >/dev/null 2>&1; then u=postgres; else u=hwledger-pg; fi
    fi
    if ! id -u "$u" >/dev/null 2>&1; then
        note "creating system user $u to run PostgreSQL (initdb refuses root)"
        useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$u" >&2 ||
            id -u "$u" >/dev/null 2>&1 || die "could not create system user $u"
    fi
    [ "$(id -u "$u")" -ne 0 ] || die "HWLEDGER_PG_OSUSER=$u is root; PostgreSQL refuses to run as root"
    echo "$u"
}

RUN_AS=""   # set per data directory: empty = run directly
set_run_as() {   # set_run_as USER
    if [ "$(id -u)" -eq 0 ]; then RUN_AS=$1; else RUN_AS=""; fi
}

# Runs a server binary as RUN_AS (from /, so that no "could not change directory" noise appears).
as_pg() {
    if [ -z "$RUN_AS" ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        (cd / && runuser -u "$RUN_AS" -- "$@")
    else
        (cd / && su -s /bin/sh "$RUN_AS" -c "$(printf '%q ' "$@")")
    fi
}

# As root, the owner of an initialised DIR runs it; otherwise we must own it ourselves.
adopt_dir_owner() {   # adopt_dir_owner DIR
    local owner
    owner=$(stat -c %U -- "$1")
    if [ "$(id -u)" -eq 0 ]; then
        [ "$owner" != root ] || die "$1 is an initialised cluster owned by root; chown it to the user that should run it"
        set_run_as "$owner"
    else
        [ "$owner" = "$(id -un)" ] || die "$1 belongs to $owner, not to $(id -un)"
        set_run_as ""
    fi
}

# Gives the (empty) DIR to USER, mode 0700, and checks that USER can reach it.
prepare_dir() {   # prepare_dir DIR USER
    if [ "$(id -u)" -eq 0 ]; then chown "$2:" -- "$1"; fi
    chmod 700 -- "$1"
    set_run_as "$2"
    as_pg test -w "$1" -a -x "$1" ||
        die "user $2 cannot write $1 (is a parent directory closed to it?); choose a directory such as /tmp/…"
}

# --- per-directory state ----------------------------------------------------------------------------------------

state_get() {   # state_get DIR KEY
    [ -f "$1/$STATE_FILE" ] || return 0
    sed -n "s/^$2=//p" "$1/$STATE_FILE" | tail -n 1
}

state_write() {   # state_write DIR PORT SUPERUSER ROLE  (also DIR/postmaster.port, the port alone)
    printf 'PORT=%s\nSUPERUSER=%s\nROLE=%s\n' "$2" "$3" "$4" | as_pg tee "$1/$STATE_FILE" >/dev/null
    echo "$2" | as_pg tee "$1/postmaster.port" >/dev/null
}

url_for() { echo "postgres://$2@127.0.0.1:$1/"; }   # url_for PORT USER

write_conf() {   # write_conf DIR PORT
    local dir=$1 port=$2
    as_pg tee "$dir/$CONF_FILE" >/dev/null <<EOF
# Managed by scripts/pg.sh; rewritten when the cluster is (re)created. Included from postgresql.conf.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = ${HWLEDGER_PG_MAX_CONNECTIONS:-200}
shared_buffers = 128MB
fsync = on
synchronous_commit = on
full_page_writes = on
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
wal_keep_size = 256MB
hot_standby = on
hot_standby_feedback = on
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    grep -q "^include_if_exists = '$CONF_FILE'" "$dir/postgresql.conf" ||
        echo "include_if_exists = '$CONF_FILE'" | as_pg tee -a "$dir/postgresql.conf" >/dev/null
}

write_hba() {   # write_hba DIR  (test/operator clusters on one machine: trust on 127.0.0.1 and the socket)
    cat <<'EOF' | as_pg tee "$1/pg_hba.conf" >/dev/null
# Managed by scripts/pg.sh: the server listens on 127.0.0.1 and its own socket only.
# TYPE  DATABASE     USER  ADDRESS        METHOD
local   all          all                  trust
host    all          all   127.0.0.1/32   trust
local   replication  all                  trust
host    replication  all   127.0.0.1/32   trust
EOF
}

# --- server control ---------------------------------------------------------------------------------------------

proc_state() { sed -n 's/^.*) \([A-Za-z]\).*$/\1/p' "/proc/$1/stat" 2>/dev/null; }   # R, S, Z…; empty if gone

# pg_ctl status (like postgres itself) takes any PID that kill -0 reaches for a live postmaster, zombies included;
# where PID 1 is slow to reap orphans (some containers) a killed postmaster lingers as one, so look at its state.
is_running() {
    as_pg "$PG_BIN/pg_ctl" status -D "$1" >/dev/null 2>&1 || return 1
    local pid; pid=$(sed -n 1p "$1/postmaster.pid" 2>/dev/null)
    [ -z "$pid" ] || [ "$(proc_state "$pid")" != Z ]
}

# A postmaster.pid or socket lock naming a zombie blocks a restart ("lock file already exists") until PID 1 reaps it.
# Remove such files when no live process still works in DIR (a surviving backend has DIR as its working directory).
clear_zombie_locks() {   # clear_zombie_locks DIR
    local dir=$1 f pid p
    for f in "$dir/postmaster.pid" "$dir"/.s.PGSQL.*.lock; do
        [ -f "$f" ] || continue
        pid=$(sed -n 1p "$f")
        [ -n "$pid" ] && [ "$(proc_state "$pid")" = Z ] || continue
        local tries=0 live
        while :; do   # backends notice their postmaster's death within moments; give them 5 s
            live=""
            for p in /proc/[0-9]*; do
                if [ "$(readlink "$p/cwd" 2>/dev/null)" = "$dir" ] && [ "$(proc_state "${p#/proc/}")" != Z ]; then
                    live=${p#/proc/}
                fi
            done
            [ -n "$live" ] || break
            [ $((tries += 1)) -le 25 ] ||
                die "the postmaster of $dir ($pid) is dead but process $live still runs in $dir; stop it first"
            sleep 0.2
        done
        note "removing the stale ${f##*/} in $dir (its postmaster $pid has exited and awaits reaping)"
        as_pg rm -f "$f" "${f%.lock}"
    done
}

running_port() { sed -n 4p "$1/postmaster.pid" 2>/dev/null; }

start_server() {   # start_server DIR PORT
    local dir=$1 port=$2
    if port_busy "$port"; then die "port $port on 127.0.0.1 is already in use by another process"; fi
    clear_zombie_locks "$dir"
    note "starting the server in $dir on 127.0.0.1:$port (log: $dir/server.log)"
    # The lock descriptor is closed for pg_ctl so that the postmaster does not inherit (and keep) the lock.
    if ! as_pg "$PG_BIN/pg_ctl" start -D "$dir" -l "$dir/server.log" -w -t "$TIMEOUT" >&2 {LOCK_FD}<&-; then
        note "pg_ctl start failed; the end of $dir/server.log:"
        tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
        exit 1
    fi
}

psql_q() {   # psql_q URL SQL…  (one value per line, unaligned; errors stop)
    local url=$1; shift
    PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10} "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 --no-password -d "$url" "$@"
}

# The same server, its maintenance database `postgres` (whatever database URL names, and its query string kept).
maintenance_url() {
    local re='^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$'
    [[ $1 =~ $re ]] || die "not a postgres:// URL: '$1'"
    echo "${BASH_REMATCH[1]}/postgres${BASH_REMATCH[4]}"
}

wait_ready() {   # wait_ready PORT: until the server on 127.0.0.1:PORT accepts connections (or TIMEOUT)
    local deadline=$(($(now_ms) + TIMEOUT * 1000))
    until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -t 2; do
        [ "$(now_ms)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((10#$t / 1000)); }

wait_sql_true() {   # wait_sql_true URL SQL SECONDS → 0 when SQL returned t within SECONDS
    local url=$1 sql=$2 deadline=$(($(now_ms) + $3 * 1000))
    while :; do
        [ "$(psql_q "$url" -c "$sql" 2>/dev/null)" = t ] && return 0
        [ "$(now_ms)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# Takes an exclusive lock on DIR for the rest of this run, so that concurrent calls (parallel tests) on one
# directory serialise instead of racing initdb / pg_basebackup / pg_ctl.
lock_dir() {
    if [ ! -e "$1" ]; then CREATED_DIR=$1; fi
    mkdir -p -- "$1" || die "cannot create $1"
    exec {LOCK_FD}<"$1"
    flock -w "$TIMEOUT" "$LOCK_FD" || die "timed out waiting for another $PROG on $1"
}
LOCK_FD=9   # replaced by the descriptor lock_dir opens
CREATED_DIR=""
# A failed primary/standby leaves no empty directory it created (initdb and pg_basebackup clean up their own files).
trap 'rc=$?; if [ "$rc" -ne 0 ] && [ -n "$CREATED_DIR" ]; then rmdir -- "$CREATED_DIR" 2>/dev/null || true; fi' EXIT

# The superuser recorded for an existing cluster.
recorded_user() {
    local u; u=$(state_get "$1" SUPERUSER)
    [ -n "$u" ] || die "$1 lacks $STATE_FILE (SUPERUSER=); was it made by $PROG?"
    echo "$u"
}

# An existing cluster of ours on PORT: start it unless it runs, wait until it accepts connections.
resume_cluster() {   # resume_cluster DIR PORT
    local dir=$1 port=$2 want
    adopt_dir_owner "$dir"
    want=$(state_get "$dir" PORT)
    [ "$want" = "$port" ] || die "$dir is configured for port ${want:-?}, not $port"
    if is_running "$dir"; then
        [ "$(running_port "$dir")" = "$port" ] || die "$dir is running on port $(running_port "$dir"), not $port"
        wait_ready "$port" || die "the server in $dir runs but does not accept connections on port $port (see $dir/server.log)"
    else
        start_server "$dir" "$port"
    fi
}

# --- subcommands ------------------------------------------------------------------------------------------------

cmd_primary() {
    [ $# -eq 2 ] || usage
    local dir port user
    dir=$(abs_dir "$1"); port=$2
    check_port "$port"; need_bin
    lock_dir "$dir"

    if [ -f "$dir/PG_VERSION" ]; then
        [ -f "$dir/$CONF_FILE" ] || die "$dir holds a PostgreSQL cluster this script did not create"
        [ ! -f "$dir/standby.signal" ] || die "$dir is a standby, not a primary"
        resume_cluster "$dir" "$port"
        user=$(recorded_user "$dir")
    else
        [ -z "$(ls -A -- "$dir")" ] || die "$dir is not empty and holds no cluster"
        if port_busy "$port"; then die "port $port on 127.0.0.1 is already in use"; fi
        user=$(server_user)
        prepare_dir "$dir" "$user"
        local locale=C locales
        locales=$(locale -a 2>/dev/null || true)
        if grep -qix 'c.utf-\{0,1\}8' <<<"$locales"; then locale=C.UTF-8; fi
        note "initdb $dir (superuser $user, UTF8, locale $locale, data checksums)"
        as_pg "$PG_BIN/initdb" -D "$dir" -U "$user" --encoding=UTF8 --locale="$locale" --data-checksums \
            --auth-local=trust --auth-host=trust >&2 || die "initdb failed"
        write_conf "$dir" "$port"
        write_hba "$dir"
        state_write "$dir" "$port" "$user" primary
        start_server "$dir" "$port"
    fi

    # Idempotent bootstrap: the daemon's role, the ledger database, and a database named after the superuser so that
    # the bare URL (whose default database is the user name) connects.
    local url; url=$(url_for "$port" "$user")
    psql_q "$(maintenance_url "$url")" -v su="$user" >/dev/null <<'SQL' || die "could not create role hwledger_writer / database hwledger"
SELECT 'CREATE ROLE hwledger_writer LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hwledger_writer') \gexec
SELECT 'CREATE DATABASE hwledger' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'hwledger') \gexec
SELECT format('CREATE DATABASE %I', :'su') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'su') \gexec
SQL
    echo "$url"
}

cmd_standby() {
    [ $# -eq 3 ] || usage
    local dir port pport user
    dir=$(abs_dir "$1"); port=$2; pport=$3
    check_port "$port"; check_port "$pport"; need_bin
    [ "$port" != "$pport" ] || die "the standby needs a port of its own"
    lock_dir "$dir"

    if [ -f "$dir/PG_VERSION" ]; then
        [ -f "$dir/standby.signal" ] || die "$dir holds a cluster that is not a standby"
        resume_cluster "$dir" "$port"
        user=$(recorded_user "$dir")
    else
        [ -z "$(ls -A -- "$dir")" ] || die "$dir is not empty and holds no cluster"
        if port_busy "$port"; then die "port $port on 127.0.0.1 is already in use"; fi
        port_busy "$pport" || die "no primary is listening on 127.0.0.1:$pport"
        # The primary's superuser (the bootstrap role, oid 10), asked as the role every '$PROG primary' creates.
        user=$(psql_q "postgres://hwledger_writer@127.0.0.1:$pport/postgres" -c 'SELECT rolname FROM pg_roles WHERE oid = 10') ||
            die "cannot ask 127.0.0.1:$pport for its superuser (is it a primary made by '$PROG primary'?)"
        prepare_dir "$dir" "$(server_user)"
        note "pg_basebackup from 127.0.0.1:$pport as $user into $dir (streaming WAL, standby config written)"
        as_pg "$PG_BIN/pg_basebackup" -d "host=127.0.0.1 port=$pport user=$user application_name=standby_$port" \
            -D "$dir" -R -X stream -c fast --no-password >&2 ||
            die "pg_basebackup from 127.0.0.1:$pport failed"
        # The copy carries the primary's log, state and socket lock; this server gets its own.
        rm -f -- "$dir/server.log" "$dir"/.s.PGSQL.*
        [ -f "$dir/$CONF_FILE" ] || die "$dir: the primary was not made by '$PROG primary' (no $CONF_FILE)"
        write_conf "$dir" "$port"
        state_write "$dir" "$port" "$user" standby
        start_server "$dir" "$port"
    fi

    local url; url=$(url_for "$port" "$user")
    wait_sql_true "$(maintenance_url "$url")" 'SELECT pg_is_in_recovery()' "$TIMEOUT" ||
        die "the server on port $port does not accept connections in recovery (see $dir/server.log)"
    wait_sql_true "$(maintenance_url "$url")" \
        "SELECT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')" 15 ||
        note "warning: the standby on port $port is up but not streaming from its primary yet (see $dir/server.log)"
    echo "$url"
}

cmd_stop() {
    [ $# -eq 1 ] || usage
    local dir; dir=$(abs_dir "$1")
    if [ ! -f "$dir/PG_VERSION" ]; then note "$dir holds no cluster; nothing to stop"; return 0; fi
    need_bin
    lock_dir "$dir"
    adopt_dir_owner "$dir"
    if ! is_running "$dir"; then note "$dir: not running"; return 0; fi
    local pid; pid=$(sed -n 1p "$dir/postmaster.pid" 2>/dev/null || true)
    if ! as_pg "$PG_BIN/pg_ctl" stop -D "$dir" -m fast -w -t "$TIMEOUT" >&2; then
        note "fast shutdown did not finish within ${TIMEOUT}s; trying immediate"
        as_pg "$PG_BIN/pg_ctl" stop -D "$dir" -m immediate -w -t "$TIMEOUT" >&2 || die "could not stop the server in $dir"
    fi
    # pg_ctl -w returns once postmaster.pid is gone, i.e. after every backend has exited; make sure of the postmaster.
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ -d "/proc/$pid" ] &&
        grep -qa postgres "/proc/$pid/cmdline" 2>/dev/null; then
        die "postmaster $pid of $dir is still running"
    fi
}

cmd_createdb() {
    [ $# -eq 2 ] || usage
    need_bin
    local murl; murl=$(maintenance_url "$1")
    local create="SELECT format('CREATE DATABASE %I', :'name') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name') \\gexec"
    local err
    if ! err=$(echo "$create" | psql_q "$murl" -v name="$2" 2>&1 >/dev/null); then
        # A concurrent createdb of the same name loses the race with an error; the database exists all the same.
        [ "$(echo "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name')" | psql_q "$murl" -v name="$2")" = t ] ||
            { echo "$err" >&2; die "could not create database $2"; }
    elif [ -n "$err" ]; then echo "$err" >&2; fi
}

cmd_dropdb() {
    [ $# -eq 2 ] || usage
    need_bin
    echo "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'name') \\gexec" |
        psql_q "$(maintenance_url "$1")" -v name="$2" >/dev/null || die "could not drop database $2"
}

cmd_lag() {
    [ $# -eq 1 ] || usage
    need_bin
    local out
    # Zero when everything received has been replayed: the last replayed transaction's age alone would grow while
    # the primary is idle.
    out=$(psql_q "$(maintenance_url "$1")" -c "
        SELECT CASE
          WHEN NOT pg_is_in_recovery() THEN 'not-a-standby'
          WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN '0.000'
          ELSE round(COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::numeric, 3)::text
        END") || die "could not query $1"
    [ "$out" != not-a-standby ] || die "$1 is not a standby (pg_is_in_recovery() is false)"
    echo "$out"
}

cmd_wait_caught_up() {
    [ $# -eq 2 ] || [ $# -eq 3 ] || usage
    need_bin
    local purl surl limit target deadline replayed=""
    purl=$(maintenance_url "$1"); surl=$(maintenance_url "$2"); limit=${3:-$TIMEOUT}
    [[ $limit =~ ^[0-9]+$ ]] || die "not a number of seconds: '$limit'"
    target=$(psql_q "$purl" -c 'SELECT pg_current_wal_lsn()') || die "could not read the current WAL position of $1"
    deadline=$(($(now_ms) + limit * 1000))
    while :; do
        replayed=$(psql_q "$surl" -c 'SELECT pg_last_wal_replay_lsn()' 2>/dev/null || true)
        if [ -n "$replayed" ] &&
            [ "$(psql_q "$surl" -c "SELECT pg_wal_lsn_diff('$replayed', '$target') >= 0" 2>/dev/null)" = t ]; then
            note "standby replayed $replayed >= primary $target"
            return 0
        fi
        [ "$(now_ms)" -lt "$deadline" ] || die "standby $2 has replayed ${replayed:-nothing}; primary is at $target (waited ${limit}s)"
        sleep 0.1
    done
}

cmd_env() {
    [ $# -eq 1 ] || [ $# -eq 2 ] || usage
    local dir port user
    dir=$(abs_dir "$1")
    [ -f "$dir/$STATE_FILE" ] || die "$dir was not set up by $PROG"
    port=${2:-$(state_get "$dir" PORT)}; user=$(state_get "$dir" SUPERUSER)
    check_port "$port"
    printf 'export PGHOST=127.0.0.1 PGPORT=%s PGUSER=%s PGDATABASE=postgres\n' "$port" "$user"
    printf 'export PG_URL=%s\n' "$(url_for "$port" "$user")"
}

case ${1:-} in
primary) shift; cmd_primary "$@" ;;
standby) shift; cmd_standby "$@" ;;
stop) shift; cmd_stop "$@" ;;
createdb) shift; cmd_createdb "$@" ;;
dropdb) shift; cmd_dropdb "$@" ;;
lag) shift; cmd_lag "$@" ;;
wait-caught-up) shift; cmd_wait_caught_up "$@" ;;
env) shift; cmd_env "$@" ;;
-h | --help | help) usage 0 ;;
*) usage ;;
esac

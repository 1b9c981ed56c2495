#!/usr/bin/env bash
# tools/services.sh — a private PostgreSQL and Redis for tests, demo and bench.
#
#   tools/services.sh start|stop|reset DIR
#   tools/services.sh start-pg|stop-pg|start-redis|stop-redis DIR
#
# Everything lives under DIR and nothing else is touched: no system service,
# no fixed port, no root-wide state. Layout:
#
#   DIR/pg/         the cluster (owned by the user postgres runs as)
#   DIR/pg-sock/    its unix socket (TCP only if the path is too long)
#   DIR/pg.log      postgres log
#   DIR/pg-home     only when that user cannot enter DIR (root's clone in
#                   /root, mode 0700): a symlink to /tmp/guldasta-pg.XXXXXX,
#                   which holds pg/, pg-sock/ and pg.log instead. `stop`
#                   removes it, so nothing outlives the services outside DIR;
#                   stop-pg keeps it (the data survives an outage)
#   DIR/redis/      redis dir, redis.conf, redis.pid, redis.log
#   DIR/ports       PG_PORT= / REDIS_PORT=, reused by the next start if free,
#                   so stop-pg + start-pg keeps the address clients know
#   DIR/env         what callers source: DATABASE_URL, REDIS_URL, ...
#
# `reset` empties both (drops and recreates database guldasta, FLUSHALL) so a
# test run starts from nothing without paying for a new initdb.
#
# Stdout carries one line per service started or stopped (and one when the
# state in /tmp is removed); errors go to stderr.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|reset|start-pg|stop-pg|start-redis|stop-redis DIR" >&2
    exit 2
}
die() { echo "services.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
case $cmd in
    start|stop|reset|start-pg|stop-pg|start-redis|stop-redis) ;;
    *) usage ;;
esac

# libpq reads these; a stray PGOPTIONS or PGHOST in the caller's shell must
# not redirect our admin commands to some other server.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS PGPASSWORD

TIMEOUT=30   # seconds we wait for a service to become ready

# Stopping something that was never started is not an error.
if [[ $cmd == stop* ]] && [ ! -d "$dir" ]; then exit 0; fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)   # absolute: it goes into config files and env

# {========================================================================
# Binaries and the user postgres runs as
# =========================================================================

# Debian keeps the server binaries out of PATH (/usr/bin/pg_ctl is a wrapper
# that picks "a cluster"): use the versioned bin dir, else PATH.
PGBIN=
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && PGBIN=$d
done
if [ -z "$PGBIN" ]; then
    command -v pg_ctl >/dev/null || die "PostgreSQL server binaries not found (run tools/deps.sh)"
    PGBIN=$(dirname "$(command -v pg_ctl)")
fi
command -v redis-server >/dev/null || die "redis-server not found (run tools/deps.sh)"

# PostgreSQL refuses to run as root. As root we run its binaries as the
# `postgres` user the Debian package creates, or as our own system user.
PG_OS_USER=
if [ "$(id -u)" = 0 ]; then
    if id -u postgres >/dev/null 2>&1; then
        PG_OS_USER=postgres
    else
        PG_OS_USER=guldasta-pg
        id -u "$PG_OS_USER" >/dev/null 2>&1 ||
            useradd --system --no-create-home --home-dir /nonexistent \
                    --shell /usr/sbin/nologin "$PG_OS_USER" ||
            die "cannot create system user $PG_OS_USER"
    fi
fi

# Run a command as the postgres user, from / (its home or our cwd may not be
# readable to it), without the lock fd: a daemon inheriting fd 9 would hold
# our lock for as long as it lives.
as_pg() {
    if [ -n "$PG_OS_USER" ]; then
        (cd / && exec runuser -u "$PG_OS_USER" -- "$@") 9>&-
    else
        (cd / && exec "$@") 9>&-
    fi
}

# Where the cluster, its socket and its log live (PG_HOME): in DIR when the
# user postgres runs as can enter it, else in a directory of their own under
# /tmp, linked from DIR/pg-home. As root, a first clone is usually under
# /root, which no other user may enter; asking anyone to chmod /root, or to
# clone elsewhere, would be asking them to work around us.
PG_HOME=$dir
PG_AWAY=0
AWAY_PREFIX=/tmp/guldasta-pg.

# Finds PG_HOME; with "create", makes the directory in /tmp when it is needed.
pg_home() {
    local link="$dir/pg-home" t
    if [ -L "$link" ]; then
        t=$(readlink "$link")
        # Only a directory we made: the link is ours, but check before using
        # (and later deleting) what it names.
        if [[ $t == "$AWAY_PREFIX"?????? && -d $t && ! -L $t ]] && [ "$(stat -c %u "$t")" = "$(id -u)" ]; then
            PG_HOME=$t
            PG_AWAY=1
            return 0
        fi
        rm -f "$link"   # its directory is gone (a reboot emptied /tmp)
    fi
    [ -n "$PG_OS_USER" ] || return 0
    chmod a+x "$dir"     # DIR is ours; a 077 umask must not lock it
    as_pg test -x "$dir" && return 0
    [ "${1:-}" = create ] || return 0
    as_pg test -x /tmp ||
        die "user $PG_OS_USER can enter neither $dir nor /tmp; put the state directory elsewhere"
    t=$(mktemp -d "${AWAY_PREFIX}XXXXXX") || die "cannot make a directory in /tmp"
    chmod 711 "$t"      # postgres enters; what is inside is its own
    ln -s "$t" "$link"
    PG_HOME=$t
    PG_AWAY=1
}

# After `stop`: the directory in /tmp goes, with the cluster in it.
pg_home_remove() {
    [ "$PG_AWAY" = 1 ] || return 0
    pg_running && return 0   # a cluster started by someone else meanwhile
    rm -rf "$PG_HOME"
    rm -f "$dir/pg-home"
    echo "postgres: removed $PG_HOME"
}

# {========================================================================
# Ports
# =========================================================================

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Reuse the saved port when it is free, else a random free one in
# 20000-29999: under the kernel's ephemeral range, so no outgoing connection
# holds it, and random so that parallel runs in other clones rarely collide.
pick_port() {
    local saved=$1 avoid=$2 p i
    if [ -n "$saved" ] && ! port_busy "$saved"; then echo "$saved"; return; fi
    if [ -n "$saved" ]; then echo "services.sh: port $saved is taken, picking another" >&2; fi
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 10000))
        [ "$p" = "$avoid" ] && continue
        port_busy "$p" || { echo "$p"; return; }
    done
    die "no free TCP port found on 127.0.0.1"
}

PG_PORT=
REDIS_PORT=
load_ports() {
    if [ -f "$dir/ports" ]; then
        PG_PORT=$(sed -n 's/^PG_PORT=\([0-9][0-9]*\)$/\1/p' "$dir/ports")
        REDIS_PORT=$(sed -n 's/^REDIS_PORT=\([0-9][0-9]*\)$/\1/p' "$dir/ports")
    fi
}
save_ports() {
    printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$PG_PORT" "$REDIS_PORT" > "$dir/ports.tmp"
    mv "$dir/ports.tmp" "$dir/ports"
}

# The env file callers source. Written whole and renamed, so a reader never
# sees half of it. A service that never got a port has no lines.
write_env() {
    {
        if [ -n "$PG_PORT" ]; then
            echo "export DATABASE_URL=postgresql://guldasta@127.0.0.1:$PG_PORT/guldasta"
        fi
        if [ -n "$REDIS_PORT" ]; then
            echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
        fi
        if [ -n "$PG_PORT" ]; then echo "export PG_PORT=$PG_PORT"; fi
        if [ -n "$REDIS_PORT" ]; then echo "export REDIS_PORT=$REDIS_PORT"; fi
        echo "export SERVICES_DIR=$(printf %q "$dir")"
    } > "$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
}

# Is pid a live (not zombie) process named name*? A pid from a stale pidfile
# may belong to something else by now; a zombie is as good as dead.
alive() {
    local st
    st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $st && $st != Z* ]] || return 1
    [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2"* ]]
}

# Wait up to 10 s for a process to be gone (reaped, not just dead).
wait_gone() {
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

log_tail() {
    echo "---- last lines of $1 ----" >&2
    tail -n 30 "$1" >&2 2>/dev/null || true
    echo "----" >&2
}

# {========================================================================
# PostgreSQL
# =========================================================================

# The postmaster's pid, if alive: first line of postmaster.pid, which a
# crashed server leaves behind (postgres itself copes with that on start).
pg_pid() {
    local pid
    pid=$(head -n 1 "$PG_HOME/pg/postmaster.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" postgres && echo "$pid"
}
pg_running() { pg_pid >/dev/null; }

# Quote a value for postgresql.conf.
pgq() { local s=${1//\'/\'\'}; printf "'%s'" "$s"; }

pg_psql() {
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

pg_init() {
    [ -f "$PG_HOME/pg/PG_VERSION" ] && return 0
    rm -rf "$PG_HOME/pg"    # a half-done initdb: initdb wants an empty dir
    mkdir -m 700 "$PG_HOME/pg"
    if [ -n "$PG_OS_USER" ]; then chown "$PG_OS_USER:" "$PG_HOME/pg"; fi
    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale=C.UTF-8; fi
    if ! as_pg "$PGBIN/initdb" -D "$PG_HOME/pg" -U postgres -E UTF8 --locale="$locale" \
            --auth=trust --no-sync --no-instructions > "$dir/initdb.log" 2>&1; then
        log_tail "$dir/initdb.log"
        rm -rf "$PG_HOME/pg"
        die "initdb failed"
    fi
    # Our settings live in one file we rewrite at each start (the port may change).
    echo "include 'guldasta.conf'" >> "$PG_HOME/pg/postgresql.conf"
}

pg_start() {
    pg_home create
    pg_init
    if pg_running; then
        PG_PORT=$(sed -n 4p "$PG_HOME/pg/postmaster.pid")
        return 0
    fi
    # After a crash postgres refuses to start while the old pid still exists,
    # even as a zombie not yet reaped.
    local old
    old=$(head -n 1 "$PG_HOME/pg/postmaster.pid" 2>/dev/null || true)
    if [[ $old =~ ^[0-9]+$ ]]; then wait_gone "$old" || true; fi
    PG_PORT=$(pick_port "$PG_PORT" "$REDIS_PORT")
    save_ports

    # sun_path holds 107 bytes; a deep DIR gets a TCP-only server instead.
    local sock="$PG_HOME/pg-sock"
    if [ $(( ${#sock} + 16 )) -gt 100 ]; then
        sock=""
    else
        mkdir -p "$sock"
        if [ -n "$PG_OS_USER" ]; then chown "$PG_OS_USER:" "$sock"; fi
    fi
    # fsync and friends off: this cluster is throwaway, speed matters.
    cat > "$PG_HOME/pg/guldasta.conf" <<EOF
# Written by tools/services.sh at each start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = $(pgq "$sock")
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    touch "$PG_HOME/pg.log"
    if [ -n "$PG_OS_USER" ]; then
        chown "$PG_OS_USER:" "$PG_HOME/pg/guldasta.conf" "$PG_HOME/pg.log"
    fi

    local out
    if ! out=$(as_pg "$PGBIN/pg_ctl" start -D "$PG_HOME/pg" -l "$PG_HOME/pg.log" -w -t "$TIMEOUT" -s 2>&1); then
        echo "$out" >&2
        log_tail "$PG_HOME/pg.log"
        die "postgres did not start on 127.0.0.1:$PG_PORT"
    fi
    local i
    for ((i = 0; i < TIMEOUT * 10; i++)); do
        "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1 && break
        sleep 0.1
    done
    if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1; then
        log_tail "$PG_HOME/pg.log"
        die "postgres not ready after ${TIMEOUT}s on 127.0.0.1:$PG_PORT"
    fi
    echo "postgres: started on 127.0.0.1:$PG_PORT ($PG_HOME/pg)"
}

# Role and database the application uses. The role owns its database (and so,
# in PostgreSQL 15, its public schema) but is no superuser, as in production.
pg_ensure_db() {
    if [ "$(pg_psql -d postgres -tAc "select 1 from pg_roles where rolname = 'guldasta'")" != 1 ]; then
        pg_psql -d postgres -c "create role guldasta login createdb" >/dev/null
    fi
    if [ "$(pg_psql -d postgres -tAc "select 1 from pg_database where datname = 'guldasta'")" != 1 ]; then
        pg_psql -d postgres -c "create database guldasta owner guldasta" >/dev/null
    fi
}

pg_stop() {
    [ -f "$PG_HOME/pg/PG_VERSION" ] || return 0
    if [ -n "$PG_OS_USER" ] && [ "$(stat -c %U "$PG_HOME/pg")" != "$PG_OS_USER" ]; then
        return 0   # not a cluster we run (created by another user): leave it
    fi
    pg_running || return 0
    # fast: roll back sessions and go; immediate only if that hangs. Either
    # may fail because the server died meanwhile, which is what we want.
    as_pg "$PGBIN/pg_ctl" stop -D "$PG_HOME/pg" -m fast -w -t "$TIMEOUT" -s >/dev/null 2>&1 ||
        ! pg_running ||
        as_pg "$PGBIN/pg_ctl" stop -D "$PG_HOME/pg" -m immediate -w -t "$TIMEOUT" -s >&2 ||
        ! pg_running ||
        die "postgres in $PG_HOME/pg did not stop"
    echo "postgres: stopped"
}

# {========================================================================
# Redis
# =========================================================================

# The pid of our redis-server, if alive. Checking the process name guards
# against a stale pidfile whose pid now belongs to something else.
redis_pid() {
    local pid
    pid=$(cat "$dir/redis/redis.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    alive "$pid" redis-server || return 1
    echo "$pid"
}

redis_ping() {
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

# Quote a value for redis.conf.
rq() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

redis_start() {
    mkdir -p "$dir/redis"
    if redis_pid >/dev/null; then return 0; fi
    rm -f "$dir/redis/redis.pid"
    REDIS_PORT=$(pick_port "$REDIS_PORT" "$PG_PORT")
    save_ports
    local log="$dir/redis/redis.log"
    # No RDB, no AOF: the data is as disposable as the cluster's.
    cat > "$dir/redis/redis.conf" <<EOF
# Written by tools/services.sh at each start; edits are lost.
port $REDIS_PORT
bind 127.0.0.1
protected-mode yes
daemonize yes
dir $(rq "$dir/redis")
pidfile $(rq "$dir/redis/redis.pid")
logfile $(rq "$log")
save ""
appendonly no
EOF
    touch "$log"
    local size
    size=$(stat -c %s "$log")
    if ! (cd / && exec redis-server "$dir/redis/redis.conf") >/dev/null 2>&1 9>&-; then
        log_tail "$log"
        die "redis-server failed to start"
    fi
    local i
    for ((i = 0; i < TIMEOUT * 10; i++)); do
        redis_ping && break
        # A bind failure makes the daemon exit before writing its pidfile:
        # look for it in the log instead of waiting out the timeout.
        if tail -c +"$((size + 1))" "$log" | grep -q 'Could not create server TCP listening socket\|Fatal'; then
            break
        fi
        sleep 0.1
    done
    if ! redis_ping; then
        log_tail "$log"
        die "redis not ready on 127.0.0.1:$REDIS_PORT"
    fi
    echo "redis: started on 127.0.0.1:$REDIS_PORT ($dir/redis)"
}

redis_stop() {
    local pid i
    pid=$(redis_pid) || return 0
    if [ -n "$REDIS_PORT" ]; then
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    fi
    # SHUTDOWN is asynchronous from our side: wait for the process to go, and
    # if it will not (wrong port, hung), signal it by pid.
    for ((i = 0; i < 100; i++)); do
        alive "$pid" redis-server || break
        if [ "$i" = 50 ]; then kill -TERM "$pid" 2>/dev/null || true; fi
        sleep 0.1
    done
    if alive "$pid" redis-server; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/redis/redis.pid"
    echo "redis: stopped"
}

# {========================================================================
# Main
# =========================================================================

# One invocation at a time per DIR: two concurrent `start`s would race on
# ports and initdb.
exec 9>>"$dir/.lock"
flock -w 120 9 || die "another services.sh holds $dir/.lock"

load_ports
if [[ $cmd != *redis ]]; then pg_home; fi
case $cmd in
    start)
        pg_start
        pg_ensure_db
        redis_start
        write_env ;;
    start-pg)
        pg_start
        pg_ensure_db
        write_env ;;
    start-redis)
        redis_start
        write_env ;;
    stop)
        pg_stop
        redis_stop
        pg_home_remove ;;
    stop-pg)
        pg_stop ;;
    stop-redis)
        redis_stop ;;
    reset)
        pg_running || die "postgres in $dir is not running"
        redis_pid >/dev/null || die "redis in $dir is not running"
        PG_PORT=$(sed -n 4p "$PG_HOME/pg/postmaster.pid")
        pg_psql -d postgres -c "drop database if exists guldasta with (force)" >/dev/null
        pg_ensure_db
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null ;;
esac

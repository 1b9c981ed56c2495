#!/usr/bin/env bash
# tools/bench.sh BUILD_DIR — the body of `make bench`: HTTP throughput and
# tail latency of a Release build, measured with wrk.
#
# GULDASTA_BENCH_ROUTES=1 makes the scripts add two routes: /bench/const
# (no I/O: the cost of the HTTP server + a coroutine) and /bench/db (one
# PostgreSQL round trip: the cost of the pool and the yield/resume). One
# table at the end: route, requests/s, p99. wrk's full reports are kept in
# build/services-bench/wrk-*.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd)
[ -x "$bin/guldasta" ] || { echo "bench.sh: no $bin/guldasta (build first)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench.sh: wrk not found (make deps)" >&2; exit 1; }
svc=build/services-bench
listen=127.0.0.1:18080
routes=(/bench/const /bench/db)
duration=${BENCH_DURATION:-10s}

serve_pid=
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill -TERM "$serve_pid" 2>/dev/null || true
        wait "$serve_pid" 2>/dev/null || true
    fi
    tools/services.sh stop "$svc" >/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tools/services.sh start "$svc" >/dev/null
# shellcheck source=/dev/null
. "$svc/env"
export GULDASTA_ROOT=$PWD
export BOT_TOKEN=bench-token
export OWNER_TG_IDS=1
export FLORIST_CHAT_ID=-1001
export COURIER_CHAT_ID=-1002
export SHOP_CHANNEL_ID=-1003
export OWNER_CHAT_ID=1
export HTTP_LISTEN=$listen
export LOG_LEVEL=warn
export GULDASTA_BENCH_ROUTES=1

"$bin/guldasta" migrate >/dev/null

log="$svc/serve.log"
"$bin/guldasta" serve > "$log" 2>&1 &
serve_pid=$!

# Ready means /healthz answers 200: HTTP up, PostgreSQL and Redis connected.
for ((i = 0; ; i++)); do
    curl -fsS -o /dev/null "http://$listen/healthz" 2>/dev/null && break
    if ! kill -0 "$serve_pid" 2>/dev/null || [ "$i" -ge 300 ]; then
        echo "bench.sh: guldasta serve did not become healthy on $listen" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    sleep 0.1
done

# Warm-up: connection pools filled, caches and the JIT-less VM's tables warm.
for r in "${routes[@]}"; do
    wrk -t1 -c64 -d2s "http://$listen$r" >/dev/null
done

declare -A rps p99 bad file
for r in "${routes[@]}"; do
    name=${r#/}
    out="$svc/wrk-${name//\//-}.txt"
    echo "bench: $r for $duration ..." >&2
    wrk -t1 -c64 -d"$duration" --latency "http://$listen$r" > "$out"
    rps[$r]=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p99[$r]=$(awk '$1 == "99%" {print $2}' "$out")
    # A fast 404 is not a fast route: say so under the table.
    bad[$r]=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out")
    file[$r]=$out
done

printf '\n%-14s %14s %12s\n' route requests/s p99
for r in "${routes[@]}"; do
    printf '%-14s %14s %12s\n' "$r" "${rps[$r]:-?}" "${p99[$r]:-?}"
done
for r in "${routes[@]}"; do
    if [ -n "${bad[$r]}" ]; then
        echo "warning: $r answered ${bad[$r]} non-2xx responses (see ${file[$r]})"
    fi
done

#!/usr/bin/env bash
# tools/bench.sh BUILD_DIR — the body of `make bench`: HTTP throughput and
# tail latency of a Release build, measured with wrk.
#
# Two of the product's own routes: /metrics (no I/O: the cost of the HTTP
# server, a coroutine and the metrics text) and /healthz (PostgreSQL and
# Redis probed concurrently: the cost of the pools and the yield/resume).
# One table at the end: route, requests/s, p99. wrk's full reports are
# kept in build/services-bench/wrk-*.txt.
#
# Then the bot benchmarks (bench/README.md). First the production path:
# the Bot API over HTTPS with the whole system CA bundle, the bot in webhook
# mode side by side with a grammY bot doing the same work
# (tools/bench_peer.sh). Then the emulator as Telegram over plain HTTP in
# its own process (bench/bot_bench.lua), `guldasta serve` long polling it
# and taking its webhook, 10 000 simulated customers browsing the catalog.
# `tools/bench.sh BUILD_DIR bot` runs only the first (make bench-bot);
# BENCH_BOT_API=emulator makes it run only the second.
#
# Last, the order benchmark of issue 4 (bench/order_bench.lua): whole
# purchases through the emulator and florists accepting them. `tools/bench.sh
# BUILD_DIR orders` runs only that part (make bench-orders).
set -euo pipefail

cd "$(dirname "$0")/.."
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 BUILD_DIR [bot|orders]" >&2; exit 2; }
only_bot=${2:-}
bin=$(cd "$1" && pwd)
[ -x "$bin/guldasta" ] || { echo "bench.sh: no $bin/guldasta (build first)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench.sh: wrk not found (make deps)" >&2; exit 1; }
svc=build/services-bench
listen=127.0.0.1:18080
routes=(/metrics /healthz)
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

"$bin/guldasta" migrate >/dev/null

bot_bench() {
    echo "bench: the bot, emulator over plain HTTP (bench/bot_bench.lua) ..." >&2
    BENCH_LOG_DIR=$PWD/$svc "$bin/guldasta-dev" run bench/bot_bench.lua
}
peer_bench() {
    echo "bench: the bot against a grammY bot, Bot API over HTTPS (tools/bench_peer.sh) ..." >&2
    tools/bench_peer.sh "$bin"
}
order_bench() {
    echo "bench: the orders (bench/order_bench.lua) ..." >&2
    BENCH_LOG_DIR=$PWD/$svc "$bin/guldasta-dev" run bench/order_bench.lua
}
if [ "$only_bot" = bot ]; then
    if [ "${BENCH_BOT_API:-https}" = emulator ]; then bot_bench; else peer_bench; fi
    exit 0
fi
if [ "$only_bot" = orders ]; then
    order_bench
    exit 0
fi

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

# Each route at two loads: 64 connections (saturation: in a closed loop the
# mean latency is connections / throughput, so p99 there mostly measures the
# queue) and 16 (a busy but unsaturated shop).
conns_list=(${BENCH_CONNECTIONS:-64 16})
declare -A rps p99 bad file
for r in "${routes[@]}"; do
    for c in "${conns_list[@]}"; do
        name=${r#/}
        key="$r c$c"
        out="$svc/wrk-${name//\//-}-c$c.txt"
        echo "bench: $r, $c connections, for $duration ..." >&2
        wrk -t1 -c"$c" -d"$duration" --latency "http://$listen$r" > "$out"
        rps[$key]=$(awk '/^Requests\/sec:/ {print $2}' "$out")
        p99[$key]=$(awk '$1 == "99%" {print $2}' "$out")
        # A fast 404 is not a fast route: say so under the table.
        bad[$key]=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out")
        file[$key]=$out
    done
done

printf '\n%-14s %12s %14s %12s\n' route connections requests/s p99
for r in "${routes[@]}"; do
    for c in "${conns_list[@]}"; do
        key="$r c$c"
        printf '%-14s %12s %14s %12s\n' "$r" "$c" "${rps[$key]:-?}" "${p99[$key]:-?}"
    done
done
for key in "${!bad[@]}"; do
    if [ -n "${bad[$key]}" ]; then
        echo "warning: $key answered ${bad[$key]} non-2xx responses (see ${file[$key]})"
    fi
done

# The HTTP server is not needed any more: its CPU is the bot's now.
kill -TERM "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
serve_pid=
peer_bench
bot_bench
order_bench

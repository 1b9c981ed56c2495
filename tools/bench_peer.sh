#!/usr/bin/env bash
# tools/bench_peer.sh BUILD_DIR — the bot against a grammY bot doing the same
# work, side by side in one invocation, with the Bot API over HTTPS as in
# production (make bench-bot; make bench-peer).
#
# The driver is ../shared/bench/botbench.mjs (its README; the labels of a
# cart line and of a page, callback "n", and a card's close button, "x",
# are not pressed: the first answers nothing, the second deletes the card,
# which the driver does not count as a reply): a fake Bot API
# that answers every method at once, and virtual users posting updates to a
# bot's webhook and pressing the buttons it sent. With HTTPS it serves a
# certificate of a private CA (tools/tls_test_ca.sh); the engine trusts it
# the way production trusts Telegram's, SSL_CERT_FILE naming the whole
# system bundle with that CA appended, and node the same way, its own roots
# plus NODE_EXTRA_CA_CERTS. The peer is ../shared/bench/grammy-peer, copied
# to build/grammy-peer and `npm install`ed there once, its schema in a
# database of its own in the private PostgreSQL, its Redis keys in db 1.
#
# For each scheme and rate, the two bots run in turns (Guldasta, grammY,
# Guldasta, grammY, ... BENCH_PEER_RUNS pairs): this machine's speed drifts
# within minutes, so ratios of neighbouring runs are what to read. Each run
# is a fresh bot process against a fresh driver. One table at the end, and
# the drivers' JSON lines in build/services-peer/peer-*.json.
#
# BENCH_PEER_SCHEMES ("https"; "https http" adds plain HTTP),
# BENCH_PEER_RATES ("200 500" updates/s offered), BENCH_PEER_USERS (50),
# BENCH_PEER_SECS (20 measured, after 3 s of warm-up), BENCH_PEER_RUNS (2),
# BENCH_PEER_BOTS ("guldasta grammy"; guldasta@DIR is DIR/guldasta, another
# build of the engine, to compare two in turns), BENCH_PEER_ENV ("NAME=value ...":
# more environment for the engine), BENCH_PEER_DRIVER_ARGS (more arguments
# for botbench.mjs, e.g. --debug-timeouts).
set -euo pipefail

cd "$(dirname "$0")/.."
top=$PWD
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd)
[ -x "$bin/guldasta" ] || { echo "bench_peer.sh: no $bin/guldasta (build first)" >&2; exit 1; }
shared=${GULDASTA_SHARED_BENCH:-$(cd .. && pwd)/shared/bench}
[ -f "$shared/botbench.mjs" ] || { echo "bench_peer.sh: no $shared/botbench.mjs" >&2; exit 1; }
for c in node npm jq psql; do
    command -v $c >/dev/null || { echo "bench_peer.sh: $c not found" >&2; exit 1; }
done

schemes=${BENCH_PEER_SCHEMES:-https}
rates=${BENCH_PEER_RATES:-200 500}
users=${BENCH_PEER_USERS:-50}
secs=${BENCH_PEER_SECS:-20}
runs=${BENCH_PEER_RUNS:-2}
bots=${BENCH_PEER_BOTS:-guldasta grammy}
svc=build/services-peer
ca=$svc/ca
peer=build/grammy-peer
out=$svc/results.tsv

bot_pid=
driver_pid=
stop_pid() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
    trap - EXIT INT TERM
    stop_pid "$driver_pid"
    stop_pid "$bot_pid"
    tools/services.sh stop "$svc" >/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "bench-peer: $*" >&2; }

free_port() {
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The grammY peer, installed once.
if [ ! -d "$peer/node_modules/grammy" ]; then
    say "installing the grammY peer in $peer ..."
    mkdir -p "$peer"
    cp "$shared/grammy-peer/"{bot.mjs,package.json,package-lock.json,schema.sql} "$peer/"
    chmod u+w "$peer"/*
    (cd "$peer" && npm ci --no-audit --no-fund >/dev/null)
fi

tools/services.sh start "$svc" >/dev/null
# shellcheck source=/dev/null
. "$svc/env"
pg_url=$DATABASE_URL
peer_db=${pg_url%/*}/peer
redis_base=${REDIS_URL%/*}
tools/tls_test_ca.sh "$ca"

export GULDASTA_ROOT=$PWD BOT_TOKEN=bench-token OWNER_TG_IDS=1 FLORIST_CHAT_ID=-1001 \
       COURIER_CHAT_ID=-1002 SHOP_CHANNEL_ID=-1003 OWNER_CHAT_ID=1 LOG_LEVEL=warn
say "migrating and seeding ..."
"$bin/guldasta" migrate >/dev/null
"$bin/guldasta" seed >/dev/null
psql -X -q "$pg_url" -tAc "select 1 from pg_database where datname = 'peer'" | grep -q 1 ||
    psql -X -q "$pg_url" -c "create database peer" >/dev/null
psql -X -q "$peer_db" -f "$peer/schema.sql" >/dev/null 2>&1

# wait_http URL PID: until URL answers (any status), or the process died.
wait_http() {
    for _ in $(seq 300); do
        curl -s -o /dev/null "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# run BOT SCHEME RATE N: one driver run against a fresh bot; appends a row.
run() {
    local bot=$1 scheme=$2 rate=$3 n=$4
    local api_port port api log json tls=()
    api_port=$(free_port)
    port=$(free_port)
    local name=${bot//\//_}
    log=$svc/peer-$name-$scheme-$rate-$n.log
    json=$svc/peer-$name-$scheme-$rate-$n.json
    api=$scheme://127.0.0.1:$api_port
    [ "$scheme" = https ] && tls=(--tls-cert "$ca/server.pem" --tls-key "$ca/server.key")
    : > "$log"
    # The bot first (the engine retries setWebhook until the fake API is
    # up), then the driver with the bot's pid, waiting BENCH_PEER_READY ms
    # before its first update.
    if [ "${bot%%@*}" = guldasta ]; then
        local exe=$bin/guldasta
        [ "$bot" != guldasta ] && exe=${bot#guldasta@}/guldasta
        # shellcheck disable=SC2086
        env HTTP_LISTEN=127.0.0.1:$port TELEGRAM_API_URL=$api \
            WEBHOOK_URL=http://127.0.0.1:$port/telegram/webhook WEBHOOK_SECRET=bench-secret \
            SSL_CERT_FILE=$PWD/$ca/bundle.pem ${BENCH_PEER_ENV:-} \
            "$exe" serve >> "$log" 2>&1 &
        bot_pid=$!
        wait_http "http://127.0.0.1:$port/healthz" "$bot_pid" || { say "guldasta did not start (see $log)"; exit 1; }
    else
        (cd "$peer" && exec env BOT_TOKEN=bench-token TELEGRAM_API_URL=$api DATABASE_URL=$peer_db \
            REDIS_URL=$redis_base/1 PORT=$port WEBHOOK_SECRET=bench-secret \
            NODE_EXTRA_CA_CERTS=$top/$ca/ca.pem node bot.mjs) >> "$log" 2>&1 &
        bot_pid=$!
        wait_http "http://127.0.0.1:$port/" "$bot_pid" || { say "the grammY peer did not start (see $log)"; exit 1; }
    fi
    node "$shared/botbench.mjs" --webhook "http://127.0.0.1:$port/telegram/webhook" \
        --secret bench-secret --api-port "$api_port" --users "$users" --seconds "$secs" \
        --rate "$rate" --skip-buttons n,x --wait-ready "${BENCH_PEER_READY:-3000}" --pids "$bot_pid" \
        "${tls[@]}" ${BENCH_PEER_DRIVER_ARGS:-} > "$json" 2>> "$log" &
    driver_pid=$!
    wait "$driver_pid" || true
    driver_pid=
    stop_pid "$bot_pid"
    bot_pid=
    jq -e .rate "$json" >/dev/null 2>&1 || { say "no result from the driver (see $log)"; exit 1; }
    # calls in the measured window: the driver counts from the start, so
    # scaled by the measured share of the run's time
    jq -r --arg bot "$bot" --arg scheme "$scheme" --arg rate "$rate" --argjson warm 3 '
        ([.methods[]] | add) as $calls
        | ($calls * .seconds / (.seconds + $warm)) as $measured
        | [$scheme, $rate, $bot, .rate, .cpu_ms_per_update, .p50_ms, .p99_ms,
           .api_connections_measured, (.api_connections_measured * 1000 / ([$measured, 1] | max) | . * 100 | round / 100),
           .timeouts] | @tsv' "$json" >> "$out"
    say "$(tail -n 1 "$out")"
}

: > "$out"
for scheme in $schemes; do
    for rate in $rates; do
        for n in $(seq "$runs"); do
            for bot in $bots; do
                say "$bot, $scheme, $rate/s offered, run $n ..."
                run "$bot" "$scheme" "$rate" "$n"
            done
        done
    done
done

{
    printf '\n%-6s %8s %-9s %10s %10s %8s %8s %6s %10s %8s\n' scheme offered bot handled/s "CPU ms/u" "p50 ms" "p99 ms" conns "conns/1k" timeouts
    while IFS=$'\t' read -r scheme rate bot handled cpu p50 p99 conns per1k timeouts; do
        printf '%-6s %8s %-9s %10s %10s %8s %8s %6s %10s %8s\n' "$scheme" "$rate/s" "$bot" "$handled" "$cpu" "$p50" "$p99" "$conns" "$per1k" "$timeouts"
    done < "$out"
    echo
    echo "command: $0 $1 (make bench-peer); users $users, $secs s measured per run; commit $(git rev-parse --short HEAD)"
    echo "conns: new connections to the fake Bot API in the measured window; conns/1k: per 1 000 Bot API calls"
} 

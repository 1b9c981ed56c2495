#!/usr/bin/env bash
# tools/demo.sh BUILD_DIR — the body of `make demo`: the bot on this machine
# with a private PostgreSQL and Redis (build/services-demo), migrated and
# seeded, talking to a local Bot API emulator instead of Telegram, with a
# chat simulator page in the browser (http://127.0.0.1:8090/). It serves in
# the foreground until Ctrl-C, which stops everything it started.
#
# Three processes besides the services: the emulator with the simulator page
# (`guldasta run devkit/emulator_main.lua`) and the bot (`guldasta
# serve` with TELEGRAM_API_URL pointing at the emulator).
#
# The database survives between demos (only `make clean` wipes it), so what
# you ordered yesterday is still there. The emulated Telegram does not: it
# starts empty every time, so the bot's Telegram state in Redis (seen update
# ids, chat queues, cached file_ids: the tg:* keys) is cleared first.
#
#   HTTP_LISTEN=127.0.0.1:8080  the bot's own HTTP server (health, metrics)
#   SIM_LISTEN=127.0.0.1:8090   the emulator and the simulator page (and its
#                               "pay" page, which plays Payme and Click)
set -euo pipefail

cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd)
[ -x "$bin/guldasta" ] || { echo "demo.sh: no $bin/guldasta (build first)" >&2; exit 1; }
svc=build/services-demo

serve_pid=
emu_pid=
stop_pid() {
    if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
        kill -TERM "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}
cleanup() {
    trap - EXIT INT TERM
    stop_pid "$serve_pid"
    stop_pid "$emu_pid"
    tools/services.sh stop "$svc" || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM    # exit runs the EXIT trap: one cleanup path

tools/services.sh start "$svc"
# shellcheck source=/dev/null
. "$svc/env"

export GULDASTA_ROOT=$PWD
# Fixed demo identities: a real token from the shell or .env must not turn
# the demo into the live bot. Only the listen addresses are yours to choose.
export BOT_TOKEN=demo-token
export OWNER_TG_IDS=1
export FLORIST_CHAT_ID=-1001
export COURIER_CHAT_ID=-1002
export SHOP_CHANNEL_ID=-1003
export OWNER_CHAT_ID=1
export HTTP_LISTEN=${HTTP_LISTEN:-127.0.0.1:8080}
SIM_LISTEN=${SIM_LISTEN:-127.0.0.1:8090}
export TELEGRAM_API_URL=http://$SIM_LISTEN
unset WEBHOOK_URL WEBHOOK_SECRET   # the bot polls the emulator, like a bot on a laptop
# Payme and Click with test credentials: the chat simulator's "pay" page
# plays both providers against this bot's /payments endpoints, so an order
# is paid either way (a Payme link opens that page directly).
export PAYME_MERCHANT_ID=demo-merchant
export PAYME_KEY=demo-payme-key
export PAYME_CHECKOUT_URL=http://$SIM_LISTEN/sim/pay/payme
export CLICK_SERVICE_ID=31337
export CLICK_MERCHANT_ID=11111
export CLICK_SECRET_KEY=demo-click-secret
unset CLICK_MERCHANT_USER_ID

"$bin/guldasta" migrate
# The catalog makes the demo worth looking at; without it the bot still runs.
"$bin/guldasta" seed || echo "demo.sh: guldasta seed failed, going on with an empty catalog" >&2
# Online payment needs each product's fiscal codes: placeholders for the demo.
"$bin/guldasta" run devkit/demo_fiscal_codes.lua > /dev/null
# The simulator's staff (devkit/emulator_main.lua) need their roles — the
# florist and the courier to press Accept and Take, the marketer to post to
# the channel, the manager for the manager's commands — and their language
# (the one their simulated Telegram reports), as if they had chosen it.
"$bin/guldasta" run scripts/cli/grant.lua 700101 florist "Malika" --lang uz > /dev/null
"$bin/guldasta" run scripts/cli/grant.lua 700201 courier "Jasur" --lang ru > /dev/null
"$bin/guldasta" run scripts/cli/grant.lua 700301 marketing "Madina" --lang ru > /dev/null
"$bin/guldasta" run scripts/cli/grant.lua 700401 manager "Aziz" --lang ru > /dev/null

# A fresh emulator reuses update ids and message ids: forget what the bot
# remembers of the previous one (only the tg:* keys; the rest stays).
redis-cli -u "$REDIS_URL" --no-auth-warning EVAL \
    "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) n = n + 1 end return n" \
    0 'tg:*' > /dev/null

# Both in the background so that our trap, not the terminal, decides how
# they end: Ctrl-C reaches this shell, which sends each a TERM and waits.
"$bin/guldasta" run devkit/emulator_main.lua "$SIM_LISTEN" &
emu_pid=$!
for _ in $(seq 1 100); do
    curl -fs -o /dev/null "http://$SIM_LISTEN/sim/api/state" && break
    kill -0 "$emu_pid" 2>/dev/null || { echo "demo.sh: the emulator did not start on $SIM_LISTEN" >&2; exit 1; }
    sleep 0.1
done

"$bin/guldasta" serve &
serve_pid=$!

cat <<EOF

  Guldasta demo is running.
    chat simulator: http://$SIM_LISTEN/      <- open it and type /start
    whole order:    http://$SIM_LISTEN/?staff=1   customer, florist and courier side by side
    marketing:      http://$SIM_LISTEN/?marketing=1   marketer, the shop's channel and the customer
    bot health:     http://$HTTP_LISTEN/healthz
    database:       $DATABASE_URL
    redis:          $REDIS_URL
  Stop with Ctrl-C (the emulator, PostgreSQL and Redis stop with it).

EOF

# Whichever ends first ends the demo; the EXIT trap stops the other.
wait -n "$serve_pid" "$emu_pid"

#!/usr/bin/env bash
# docs/flows/shoot.sh — regenerates docs/flows/img/*.png: starts `make
# demo`'s processes (tools/demo.sh on a release build) on ports of their own,
# waits until the simulator and the bot answer, runs docs/flows/shoot.mjs
# against them, and stops the demo again, also when shooting fails.
#
#   make build && docs/flows/shoot.sh [OUT_DIR]
#
#   HTTP_LISTEN=127.0.0.1:18080  the bot's HTTP server (health)
#   SIM_LISTEN=127.0.0.1:18090   the emulator and the simulator page
#
# Other ports than the demo's 8080/8090, so that a demo you are running
# stays as it is. Needs build/release/guldasta, node_modules (npm ci),
# /usr/bin/chromium and, for the emoji in the bot's texts, the
# fonts-noto-color-emoji package (without it they are drawn as boxes).
set -euo pipefail

cd "$(dirname "$0")/../.."
out=${1:-docs/flows/img}
export HTTP_LISTEN=${HTTP_LISTEN:-127.0.0.1:18080}
export SIM_LISTEN=${SIM_LISTEN:-127.0.0.1:18090}

[ -x build/release/guldasta ] || { echo "shoot.sh: no build/release/guldasta: run make build" >&2; exit 1; }
[ -d node_modules/playwright-core ] || { echo "shoot.sh: no node_modules/playwright-core: run npm ci" >&2; exit 1; }
if ! fc-list 2>/dev/null | grep -qi "color emoji"; then
    echo "shoot.sh: no colour emoji font: apt-get install fonts-noto-color-emoji (else emoji are boxes)" >&2
    exit 1
fi

log=$(mktemp)
demo_pid=
stop_demo() {
    if [ -n "$demo_pid" ] && kill -0 "$demo_pid" 2>/dev/null; then
        kill -TERM "$demo_pid" 2>/dev/null || true   # demo.sh's trap stops the bot, emulator and services
        wait "$demo_pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap stop_demo EXIT
trap 'exit 130' INT TERM

tools/demo.sh build/release > "$log" 2>&1 &
demo_pid=$!
for _ in $(seq 1 300); do
    curl -fs -o /dev/null "http://$HTTP_LISTEN/healthz" && curl -fs -o /dev/null "http://$SIM_LISTEN/sim/api/state" && break
    kill -0 "$demo_pid" 2>/dev/null || { cat "$log" >&2; echo "shoot.sh: the demo did not start" >&2; exit 1; }
    sleep 0.2
done
curl -fs -o /dev/null "http://$HTTP_LISTEN/healthz" || { cat "$log" >&2; echo "shoot.sh: the bot did not answer" >&2; exit 1; }

node docs/flows/shoot.mjs "http://$SIM_LISTEN" "$out"

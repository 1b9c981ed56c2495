#!/usr/bin/env bash
# tools/demo.sh BUILD_DIR — the body of `make demo`: the bot on this machine
# with a private PostgreSQL and Redis (build/services-demo), migrated and
# seeded, serving in the foreground until Ctrl-C, which stops everything.
#
# The data survives between demos (only `make clean` wipes it), so what you
# ordered yesterday is still there.
set -euo pipefail

cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd)
[ -x "$bin/guldasta" ] || { echo "demo.sh: no $bin/guldasta (build first)" >&2; exit 1; }
svc=build/services-demo

serve_pid=
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill -TERM "$serve_pid" 2>/dev/null || true
        wait "$serve_pid" 2>/dev/null || true
    fi
    tools/services.sh stop "$svc" || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM    # exit runs the EXIT trap: one cleanup path

tools/services.sh start "$svc"
# shellcheck source=/dev/null
. "$svc/env"

export GULDASTA_ROOT=$PWD
# Fixed demo identities: a real token from the shell or .env must not turn
# the demo into the live bot. Only the listen address is yours to choose.
export BOT_TOKEN=demo-token
export OWNER_TG_IDS=1
export FLORIST_CHAT_ID=-1001
export COURIER_CHAT_ID=-1002
export SHOP_CHANNEL_ID=-1003
export OWNER_CHAT_ID=1
export HTTP_LISTEN=${HTTP_LISTEN:-127.0.0.1:8080}

"$bin/guldasta" migrate
# The catalog makes the demo worth looking at; without it the bot still runs.
"$bin/guldasta" seed || echo "demo.sh: guldasta seed failed, going on with an empty catalog" >&2

cat <<EOF

  Guldasta demo is running.
    health:   http://$HTTP_LISTEN/healthz
    database: $DATABASE_URL
    redis:    $REDIS_URL
  Stop with Ctrl-C (PostgreSQL and Redis stop with it).

EOF

# In the background so that our trap, not the terminal, decides how serve
# ends: Ctrl-C reaches this shell, which sends serve a TERM and waits for it.
"$bin/guldasta" serve &
serve_pid=$!
wait "$serve_pid"

#!/usr/bin/env bash
# tools/test.sh BUILD_DIR — the body of `make test`.
#
# Starts a private PostgreSQL and Redis (build/services-test), runs the C unit
# tests (ctest), applies the migrations, runs the Lua specs inside the engine
# (`guldasta-dev run spec/runner.lua`), stops the services, and prints one last
# line `N passed, N failed`. Exit status 0 only if nothing failed.
#
# Every step's output goes to the terminal as it comes; we only tee it to a
# file to read the counts back. The database and Redis are emptied at each
# run, so a run never depends on what the previous one left behind.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
[ -d "$1" ] || { echo "test.sh: no build dir $1 (build first)" >&2; exit 2; }
bin=$(cd "$1" && pwd)
svc=build/services-test
SPEC_TIMEOUT=${SPEC_TIMEOUT:-1200}   # seconds: a hung spec must not hang CI

passed=0
failed=0
logs=$(mktemp -d)

# Stop what we started, then the summary: it must be the very last line, so
# the services' "stopped" lines come before it. Runs once, on every way out.
finished=0
finish() {
    [ $finished = 1 ] && return
    finished=1
    trap - EXIT INT TERM
    tools/services.sh stop "$svc" || echo "test.sh: stopping services failed" >&2
    rm -rf "$logs"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
trap 'failed=$((failed + 1)); echo "test.sh: interrupted" >&2; finish' INT TERM
trap 'finish' EXIT

echo "== services"
if ! tools/services.sh start "$svc" || ! tools/services.sh reset "$svc"; then
    echo "test.sh: services did not start; nothing was run" >&2
    failed=$((failed + 1))
    finish
fi
# shellcheck source=/dev/null
. "$svc/env"

export GULDASTA_ROOT=$PWD
export BOT_TOKEN=test-token
export OWNER_TG_IDS=1
export FLORIST_CHAT_ID=-1001
export COURIER_CHAT_ID=-1002
export SHOP_CHANNEL_ID=-1003
export OWNER_CHAT_ID=1
# No daily summary from the engines the specs start: one would land in an
# owner chat of whichever spec runs first after the hour. The specs of the
# summary set the hour themselves.
export REPORT_HOUR=off
export LOG_LEVEL=warn
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# {========================================================================
# C unit tests. ctest's summary: "NN% tests passed, N tests failed out of M".
# =========================================================================
echo "== ctest"
ctest --test-dir "$bin" --output-on-failure 2>&1 | tee "$logs/ctest"
rc=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$logs/ctest" | tail -n 1)
if [ -n "$line" ]; then
    read -r nfail total < <(sed -E 's/^.* ([0-9]+) tests? failed out of ([0-9]+).*$/\1 \2/' <<< "$line")
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
    if [ "$rc" != 0 ] && [ "$nfail" = 0 ]; then
        echo "test.sh: ctest exited $rc" >&2
        failed=$((failed + 1))
    fi
elif grep -q 'No tests were found' "$logs/ctest" && [ "$rc" = 0 ]; then
    echo "test.sh: ctest found no tests"
else
    echo "test.sh: ctest printed no summary (exit $rc)" >&2
    failed=$((failed + 1))
fi

# {========================================================================
# Migrations: a prerequisite, counted only when it fails.
# =========================================================================
echo "== migrate"
if ! "$bin/guldasta" migrate; then
    echo "test.sh: guldasta migrate failed" >&2
    failed=$((failed + 1))
fi

# {========================================================================
# Lua specs. The runner ends with "SPEC SUMMARY: passed=N failed=N" (maybe
# "errors=N" too, counted as failed). A crash after a clean summary, e.g. a
# sanitizer report at exit, is a failure too.
# =========================================================================
echo "== specs"
# guldasta-dev: the engine plus the development modules specs use (proc,
# rawtcp); a spec checks the product binary has neither.
timeout --foreground -k 10 "$SPEC_TIMEOUT" "$bin/guldasta-dev" run spec/runner.lua 2>&1 | tee "$logs/spec"
rc=${PIPESTATUS[0]}
line=$(grep -oE 'SPEC SUMMARY: passed=[0-9]+ failed=[0-9]+( errors=[0-9]+)?' "$logs/spec" | tail -n 1)
if [ -n "$line" ]; then
    sp=$(sed -E 's/.*passed=([0-9]+).*/\1/' <<< "$line")
    sf=$(sed -E 's/.*failed=([0-9]+).*/\1/' <<< "$line")
    se=0
    [[ $line == *errors=* ]] && se=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<< "$line")
    passed=$((passed + sp))
    failed=$((failed + sf + se))
    if [ "$rc" != 0 ] && [ $((sf + se)) = 0 ]; then
        echo "test.sh: spec runner exited $rc after reporting no failure" >&2
        failed=$((failed + 1))
    fi
else
    [ "$rc" = 124 ] && echo "test.sh: spec runner timed out after ${SPEC_TIMEOUT}s" >&2
    echo "test.sh: spec runner printed no 'SPEC SUMMARY:' line (exit $rc); its output is above" >&2
    failed=$((failed + 1))
fi

finish

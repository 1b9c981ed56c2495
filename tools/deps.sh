#!/usr/bin/env bash
# tools/deps.sh — install the Debian 12 packages Guldasta needs to build,
# test, demo and bench, and the one npm package of the browser test
# (playwright-core, driving Debian's chromium: no browser download).
# Idempotent and cheap: when everything is installed it runs one dpkg query,
# two `node`/`npm` lookups, one `node --version` and no apt or npm at all, so
# every make target can depend on it.
#
# The postgresql and redis-server packages are here for their binaries only:
# tools/services.sh runs private instances. Their system services must not
# start on install, and if one does anyway we stop it again.
set -euo pipefail

PACKAGES=(
    build-essential cmake pkg-config clang libclang-rt-14-dev
    liblua5.4-dev lua5.4 lua-cjson lua-cjson-dev lua-busted
    libuv1-dev libpq-dev libhiredis-dev libcurl4-openssl-dev libssl-dev
    libhttp-parser-dev libjemalloc-dev
    postgresql redis-server
    wrk curl procps
    chromium
    gnuplot-nox                 # draws /report's revenue chart (GNUPLOT)
)

# Node.js runs the browser test (spec/browser/). Debian 12's nodejs is 18.20,
# so package-lock.json pins playwright-core 1.61.1: the newest release whose
# engines.node is ">=18" (1.62 and later refuse to load on Node 18). A
# machine may already have a newer Node from elsewhere (NodeSource); that one
# is used as it is. Only when there is no node or npm at all do we install
# Debian's.
NODE_PACKAGES=(nodejs npm)

# One dpkg call for all of them. `dpkg -s` also knows removed-but-configured
# packages, so look at the Status line, not at the exit code.
missing=()
installed=$(dpkg -s "${PACKAGES[@]}" 2>/dev/null |
    awk '/^Package: /{p=$2} /^Status: [a-z]+ ok installed$/{print p}' || true)
for p in "${PACKAGES[@]}"; do
    grep -qxF "$p" <<< "$installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=("${NODE_PACKAGES[@]}")
fi

# node_modules/ (not in git) from package-lock.json, when it is not there
# or holds another version than the lock names.
npm_needed() {
    local want have
    want=$(sed -n '/"node_modules\/playwright-core"/,/}/s/.*"version": "\([^"]*\)".*/\1/p' package-lock.json | head -n 1)
    have=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' node_modules/playwright-core/package.json 2>/dev/null | head -n 1)
    [ -z "$want" ] || [ "$want" != "$have" ]
}
npm_install() {
    echo "deps.sh: npm ci (playwright-core for the browser test)"
    # playwright-core downloads nothing at install; the variable makes sure.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
}

# A Node older than the lock allows is not ours to replace (it may serve
# other things on this machine): say so now rather than as a browser test
# failure later. Everything but that test works without Node.
node_check() {
    local v need
    command -v node >/dev/null || return 0
    # the ">=N" of playwright-core's engines.node in the lock
    need=$(sed -n '/"node_modules\/playwright-core"/,$s/.*"node": ">= *\([0-9][0-9]*\).*/\1/p' package-lock.json | head -n 1)
    [ -n "$need" ] || return 0
    v=$(node --version 2>/dev/null || true)
    if [[ ! $v =~ ^v([0-9]+)\. ]] || [ "${BASH_REMATCH[1]}" -lt "$need" ]; then
        echo "deps.sh: warning: $(command -v node) is Node ${v:-of unknown version};" \
             "the browser test needs Node $need or newer (Debian 12's nodejs is 18)" >&2
    fi
}

cd "$(dirname "$0")/.."
if [ ${#missing[@]} -eq 0 ]; then
    node_check
    if npm_needed; then npm_install; fi
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing Debian packages: ${missing[*]}" >&2
    echo "deps.sh: run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
fi

# Live system postgres/redis before we start, by pidfile, so that afterwards
# we stop only what the install itself started.
system_pids() {
    local f pid
    for f in /run/postgresql/*.pid /run/redis/*.pid; do
        [ -f "$f" ] || continue
        pid=$(head -n 1 "$f" 2>/dev/null || true)
        if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
    done
}
before=$(system_pids)

# policy-rc.d exit 101 = "do not start services": the Debian-approved way to
# install a daemon's package without running the daemon. Ours only if none.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# tools/deps.sh: no service starts during install\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    own_policy=1
fi
trap 'if [ $own_policy = 1 ]; then rm -f "$policy"; fi' EXIT

echo "deps.sh: installing ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

for pid in $(system_pids); do
    grep -qxF "$pid" <<< "$before" && continue
    echo "deps.sh: stopping system service pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)), we run our own"
    kill -TERM "$pid" 2>/dev/null || true
done

node_check
if npm_needed; then npm_install; fi

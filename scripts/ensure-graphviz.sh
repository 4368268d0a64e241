#!/usr/bin/env bash
# Make sure Graphviz `dot` is there for static pictures (`histiokg view --format svg|png`).
# Installs Debian's graphviz with apt-get only when `dot -V` fails, so it is idempotent and quiet
# when dot is already present. Non-interactive; needs apt-get and root (or sudo).
# Usage: bash scripts/ensure-graphviz.sh
set -euo pipefail

say() { echo "ensure-graphviz: $*"; }

if dot -V >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    say "no dot and no apt-get: install Graphviz by hand (https://graphviz.org/download/)" >&2
    exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        say "no dot, and installing Graphviz needs root (no sudo found)" >&2
        exit 1
    fi
    SUDO=(sudo -n)
fi

say "dot not found; installing graphviz with apt-get"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends graphviz </dev/null >/dev/null

if ! dot -V >/dev/null 2>&1; then
    say "installed graphviz, but dot -V still fails" >&2
    exit 1
fi
say "installed graphviz ($(dot -V 2>&1))"

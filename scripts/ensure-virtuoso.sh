#!/usr/bin/env bash
# Make sure OpenLink Virtuoso Open Source is there for the server tests (pytest marker `server`):
# Debian's virtuoso-opensource, which brings `virtuoso-t` (the server) and `isql-vt` (its SQL
# client, used for the bulk loader). The tests start their own server on 127.0.0.1 from a private
# virtuoso.ini in a temporary folder and stop it by process id; this script only installs.
# Idempotent: installs only when virtuoso-t or isql-vt is missing, and says nothing otherwise.
# Non-interactive (works as root with CI=true and no standard input); needs apt-get and root (or
# sudo) only when the package is missing. The Debian package's own service is not started.
# Usage: bash scripts/ensure-virtuoso.sh
set -euo pipefail

say() { echo "ensure-virtuoso: $*"; }

have() { command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; }

if have; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    say "no virtuoso-t and no apt-get: install Virtuoso Open Source 7 by hand" >&2
    exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        say "no virtuoso-t, and installing Virtuoso needs root (no sudo found)" >&2
        exit 1
    fi
    SUDO=(sudo -n)
fi

say "virtuoso-t not found; installing virtuoso-opensource with apt-get"
# policy-rc.d exit 101: the package's init script must not start a server of its own (port 8890
# and 1111 on every interface, default dba password); the tests start theirs on loopback.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=0
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    ADDED_POLICY=1
fi
cleanup() { if [ "$ADDED_POLICY" = 1 ]; then "${SUDO[@]}" rm -f "$POLICY"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
# The package asks for a dba password through debconf; noninteractive keeps the default.
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends virtuoso-opensource </dev/null >/dev/null

if ! have; then
    say "installed virtuoso-opensource, but virtuoso-t or isql-vt is still missing" >&2
    exit 1
fi
say "installed $(virtuoso-t -? 2>&1 | head -n 2 | tail -n 1 || echo virtuoso-opensource)"

#!/usr/bin/env bash
# Make sure the browser tests (pytest marker `browser`) can run: Debian's chromium and
# chromium-driver, and the Python package playwright in the project's venv (it drives
# /usr/bin/chromium; Playwright's own browser download is not used).
# Idempotent: installs only what is missing, and says nothing when everything is there.
# Non-interactive (works as root with CI=true and no standard input); needs apt-get and root (or
# sudo) only when a Debian package is missing.
# Usage: bash scripts/ensure-browser.sh            (PYTHON=path/to/python to use another venv)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "ensure-browser: $*"; }
PYTHON=${PYTHON:-.venv/bin/python}
PACKAGES=(chromium chromium-driver)

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)

if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        say "missing ${missing[*]} and no apt-get: install Chromium by hand" >&2
        exit 1
    fi
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            say "missing ${missing[*]}, and installing needs root (no sudo found)" >&2
            exit 1
        fi
        SUDO=(sudo -n)
    fi
    say "installing ${PACKAGES[*]} with apt-get (missing: ${missing[*]})"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" </dev/null >/dev/null
    if ! chromium --version >/dev/null 2>&1; then
        say "installed ${PACKAGES[*]}, but chromium --version still fails" >&2
        exit 1
    fi
    say "installed $(chromium --version 2>/dev/null)"
fi

if [ ! -x "$PYTHON" ]; then
    say "no Python at $PYTHON: run 'make venv' first" >&2
    exit 1
fi
if ! "$PYTHON" -c "import playwright.sync_api" >/dev/null 2>&1; then
    say "installing the Python package playwright (pinned in constraints.txt)"
    "$PYTHON" -m pip install --quiet -c constraints.txt playwright </dev/null
fi

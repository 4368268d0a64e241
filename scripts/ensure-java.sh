#!/usr/bin/env bash
# Make sure a Java runtime is there for HermiT (the OWL reasoner owlready2 runs; kg/reasoning.py).
# Installs Debian's headless JRE with apt-get only when `java -version` fails, so it is idempotent:
# a second run does nothing. Prints what it did. Needs apt-get and root (or sudo).
# Usage: scripts/ensure-java.sh
set -euo pipefail

say() { echo "ensure-java: $*"; }

if java -version >/dev/null 2>&1; then
    say "Java already works ($(java -version 2>&1 | head -n 1)); nothing to do"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    say "no java and no apt-get: install a Java 11+ runtime by hand" >&2
    exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        say "no java, and installing one needs root (no sudo found)" >&2
        exit 1
    fi
    SUDO=(sudo)
fi

say "java -version failed; installing default-jre-headless with apt-get"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null

if ! java -version >/dev/null 2>&1; then
    say "installed default-jre-headless, but java -version still fails" >&2
    exit 1
fi
say "installed default-jre-headless ($(java -version 2>&1 | head -n 1))"

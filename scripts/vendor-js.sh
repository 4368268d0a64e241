#!/usr/bin/env bash
# Refresh the vendored JavaScript of `histiokg view` from the npm registry (development time only).
# Reads the pinned package from kg/formats/vendor/vendor.json, fetches it with `npm pack`, checks
# the tarball against the recorded integrity hash (a changed version gets its hash from
# `npm view`), copies the minified file and its licence, and records the file's SHA-256.
# To move to another version, change "npm" in vendor.json first.
# Usage: bash scripts/vendor-js.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=kg/formats/vendor
MANIFEST=$VENDOR/vendor.json
say() { echo "vendor-js: $*"; }

command -v npm >/dev/null 2>&1 || { say "npm is needed (apt-get install -y npm)" >&2; exit 1; }
field() { python3 -c "import json,sys; print(json.load(open('$MANIFEST'))['cytoscape']['$1'])"; }
spec=$(field npm)
from=$(field from)
file=$(field file)
licence=$(field license_file)
want=$(field integrity)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
registry=$(npm view "$spec" dist.integrity)
if [ "$registry" != "$want" ]; then
    say "$spec: registry integrity $registry differs from vendor.json ($want); updating the record"
    want=$registry
fi
(cd "$work" && npm pack --silent "$spec" >/dev/null 2>&1)
tarball=$(ls "$work"/*.tgz)
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$got" != "$want" ]; then
    say "integrity mismatch for $spec: got $got, want $want" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work"
cp "$work/$from" "$VENDOR/$file"
cp "$work/package/LICENSE" "$VENDOR/$licence"
sha=$(sha256sum "$VENDOR/$file" | cut -d' ' -f1)
version=$(python3 -c "import json; print(json.load(open('$work/package/package.json'))['version'])")
python3 - "$MANIFEST" "$want" "$sha" "$version" <<'PY'
import json, sys
path, integrity, sha, version = sys.argv[1:]
doc = json.load(open(path))
doc["cytoscape"].update(integrity=integrity, sha256=sha, version=version)
open(path, "w").write(json.dumps(doc, indent=2) + "\n")
PY
say "vendored $spec -> $VENDOR/$file (sha256 $sha)"

#!/usr/bin/env bash
# Runs schemathesis (from PyPI, in a virtual environment of its own) against a fresh server
# on SQLite with Atlas's OpenAPI subset, HTTP Digest, and a bounded number of examples.
#   tests/schemathesis/run.sh [BINARY] [EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-target/debug/atlas-integrations}"
examples="${2:-25}"
spec="${ATLAS_SPEC:-../shared/spec/atlas-integrations-openapi.yaml}"
if [ ! -f "$spec" ]; then
  echo "Atlas's OpenAPI subset is not at $spec: set ATLAS_SPEC to its path" >&2
  exit 1
fi
spec=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")
venv="${SCHEMATHESIS_VENV:-target/schemathesis-venv}"

if [ ! -x "$venv/bin/pytest" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis>=4,<5" "pytest>=8"
fi

work=$(mktemp -d)
"$bin" serve --listen 127.0.0.1:0 --data-dir "$work" >"$work/out.txt" 2>"$work/err.txt" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening" "$work/err.txt" 2>/dev/null && break
  sleep 0.1
done
export ATLAS_BASE_URL="http://$(sed -n 's/.*listening address=\([0-9.:]*\).*/\1/p' "$work/err.txt")"
export ATLAS_GROUP=$(sed -n 's/^Project ID: //p' "$work/out.txt")
export ATLAS_PUBLIC_KEY=$(sed -n 's/^Public key: //p' "$work/out.txt")
export ATLAS_PRIVATE_KEY=$(sed -n 's/^Private key: //p' "$work/out.txt")
export ATLAS_SPEC="$spec" ATLAS_EXAMPLES="$examples"
"$venv/bin/pytest" -q -p no:cacheprovider tests/schemathesis/test_openapi.py
echo "schemathesis: the server answered $(grep -c ' request ' "$work/err.txt") requests, none a server error"

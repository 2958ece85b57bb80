#!/usr/bin/env bash
# Runs schemathesis (from PyPI, in a virtual environment of its own) against a fresh server
# on SQLite with Atlas's OpenAPI subset, HTTP Digest, and a bounded number of examples.
#   tests/schemathesis/run.sh [BINARY] [EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/support/server.sh
bin="${1:-target/debug/atlas-integrations}"
examples="${2:-25}"
spec="${ATLAS_SPEC:-../shared/spec/atlas-integrations-openapi.yaml}"
if [ ! -f "$spec" ]; then
  echo "Atlas's OpenAPI subset is not at $spec: set ATLAS_SPEC to its path" >&2
  exit 1
fi
spec=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")
python_venv
start_server "$bin"
export ATLAS_SPEC="$spec" ATLAS_EXAMPLES="$examples"
"$venv/bin/pytest" -q -p no:cacheprovider tests/schemathesis/test_openapi.py
echo "schemathesis: no answer was a server error ($(grep -c ' request ' "$SERVER_LOG") request lines logged;" \
  "401 and 429 answers are logged at most once a second)"

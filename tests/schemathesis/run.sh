#!/usr/bin/env bash
# Runs schemathesis (from PyPI, in a virtual environment of its own) against a fresh server
# on SQLite with Atlas's OpenAPI subsets, a bounded number of examples each: the integrations
# resource with HTTP Digest, service accounts with a service account's Bearer token, and
# organizations, projects and API keys with an organization owner's key.
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
sa_spec="$(dirname "$spec")/atlas-service-accounts-openapi.yaml"
projects_spec="$(dirname "$spec")/atlas-projects-openapi.yaml"
python_venv
start_server "$bin"
start_service_account "$bin"
start_org_owner_key "$bin"
# Which generated requests name existing resources is decided by a hash of the body: a fixed
# seed makes it the same on every run, as the examples themselves are (derandomized).
export PYTHONHASHSEED="${PYTHONHASHSEED:-0}"
export ATLAS_SPEC="$spec" ATLAS_SA_SPEC="$sa_spec" ATLAS_PROJECTS_SPEC="$projects_spec" ATLAS_EXAMPLES="$examples"
"$venv/bin/pytest" -q -p no:cacheprovider tests/schemathesis/test_openapi.py \
  tests/schemathesis/test_service_accounts_openapi.py tests/schemathesis/test_projects_openapi.py
echo "schemathesis: no answer was a server error ($(grep -c ' request ' "$SERVER_LOG") request lines logged;" \
  "401 and 429 answers are logged at most once a second)"

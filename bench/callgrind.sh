#!/usr/bin/env bash
# Counts the server's instructions per request under valgrind's callgrind: repeatable on a
# noisy machine, where seconds are not. Runs SCENARIO (default get-one) with 4 clients for
# 10 s after a 3 s warm-up, then prints instructions per request and the costliest functions
# (inclusive), and leaves the profile for callgrind_annotate or kcachegrind.
#
#   bench/callgrind.sh [SCENARIO] [OUT_DIR]
# SERVER_ARGS adds options to `serve`, e.g. SERVER_ARGS="--metrics-listen 127.0.0.1:0".
# MODE=bearer authenticates with a service account's Bearer token (GROUP_OWNER of the project,
# as the Digest key is) instead of Digest with a reused nonce.
set -euo pipefail
cd "$(dirname "$0")/.."

scenario="${1:-get-one}"
out="${2:-$(mktemp -d "${TMPDIR:-/tmp}/atlas-callgrind.XXXXXX")}"
mkdir -p "$out"
# The server on its own: built together with an example, it would take the test-only features
# that the examples' dev-dependencies switch on (`fault-hooks`).
cargo build --release --quiet --bin atlas-integrations
cargo build --release --quiet --example loadgen
bin=target/release/atlas-integrations
loadgen=target/release/examples/loadgen
valgrind_pid=""
cleanup() {
  [ -n "$valgrind_pid" ] && kill "$valgrind_pid" 2>/dev/null
  wait 2>/dev/null || true
}
trap cleanup EXIT

ATLAS_INTEGRATIONS_RATE_LIMIT=1000000000 valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
  "$bin" serve --listen 127.0.0.1:0 --data-dir "$out/data" ${SERVER_ARGS:-} >"$out/out.txt" 2>"$out/err.txt" &
valgrind_pid=$!
for _ in $(seq 1 300); do grep -q listening "$out/err.txt" 2>/dev/null && break; sleep 0.2; done
base="http://$(sed -n 's/.*listening address=\([0-9.:]*\).*/\1/p' "$out/err.txt")"
for _ in $(seq 1 100); do grep -q "^Project ID: " "$out/out.txt" 2>/dev/null && break; sleep 0.1; done
group=$(sed -n 's/^Project ID: //p' "$out/out.txt")
credentials=(--mode reuse)
if [ "${MODE:-reuse}" = bearer ]; then
  org=$("$bin" org list --data-dir "$out/data" | sed -n 's/.*"id": "\(.*\)".*/\1/p' | head -n1)
  account=$("$bin" service-account create --org "$org" --name Measured --role ORG_MEMBER --data-dir "$out/data")
  client_id=$(echo "$account" | sed -n 's/.*"clientId": "\(.*\)".*/\1/p')
  "$bin" service-account assign --client-id "$client_id" --project "$group" --role GROUP_OWNER \
    --data-dir "$out/data" >/dev/null
  client_secret=$(echo "$account" | sed -n 's/.*"clientSecret": "\(.*\)".*/\1/p')
  # One token for both runs, fetched before the count starts: the profile holds reads only.
  token=$(curl -sS -u "$client_id:$client_secret" -d grant_type=client_credentials "$base/api/oauth/token" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  credentials=(--mode bearer --access-token "$token")
fi
load() {
  "$loadgen" --base "$base" --public-key "$(sed -n 's/^Public key: //p' "$out/out.txt")" \
    --private-key "$(sed -n 's/^Private key: //p' "$out/out.txt")" --group "$group" "${credentials[@]}" \
    --scenario "$scenario" --concurrency 4 --json --duration-secs "$1"
}
load 3 >/dev/null
callgrind_control --zero "$valgrind_pid" >/dev/null 2>&1
load 10 >"$out/load.json"
callgrind_control --dump "$valgrind_pid" >/dev/null 2>&1
sleep 1
profile=$(ls "$out"/callgrind.out.* | tail -n1)
requests=$(python3 -c "import json, sys; print(round(json.load(open(sys.argv[1]))['rps'] * 10))" "$out/load.json")
total=$(callgrind_annotate "$profile" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "$scenario (${MODE:-reuse}): $requests requests, $total instructions, $((total / requests)) per request"
callgrind_annotate --inclusive=yes "$profile" | grep -E "atlas_integrations::(store|http|domain|crypto)" | head -n 25 | cut -c1-160
echo "profile: $profile"

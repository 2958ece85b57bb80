#!/usr/bin/env bash
# Measures a legitimate client's latency while hostile clients attack a release build, in one
# run: quiet first, then during slowloris, a connection flood up to the limit, a flood of
# failed Digest logins under random user names (from one address, then from 4,096 loopback
# addresses), and 100,000-key bodies; then how long the
# server takes to exit on SIGTERM while slowloris connections are open. Every attack is
# bounded in time and targets only the server this script starts on 127.0.0.1.
#
#   bench/abuse.sh [--quick]
#
# Prints one JSON line per phase, then {"summary": true, ...}: the legitimate client's p50/p99
# in each phase beside the quiet ones, p99 ratios, the longest a slowloris connection lived,
# and the shutdown time.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) duration=4; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
head_timeout=5
max_connections=1000
legit_rate=400

# The server on its own: built together with an example, it would take the test-only features
# that the examples' dev-dependencies switch on (`fault-hooks`).
cargo build --release --quiet --bin atlas-integrations
cargo build --release --quiet --example loadgen --example abuse
bin=target/release/atlas-integrations
loadgen=target/release/examples/loadgen
abuse=target/release/examples/abuse
ulimit -n "$(ulimit -Hn)"
source tests/support/server.sh
ATLAS_INTEGRATIONS_RATE_LIMIT=1000000000 start_server "$bin" --header-timeout-secs "$head_timeout" \
  --max-connections "$max_connections" --shutdown-timeout-secs 10
server=$server_pid work=$server_work base=$ATLAS_BASE_URL
key=(--public-key "$ATLAS_PUBLIC_KEY" --private-key "$ATLAS_PRIVATE_KEY" --group "$ATLAS_GROUP")

results="$work/results.jsonl"
legit() { # legit PHASE: GET one at a fixed rate, 4 connections, timed from when each request was due
  "$loadgen" --base "$base" "${key[@]}" --scenario get-one --mode reuse --concurrency 4 \
    --rate "$legit_rate" --duration-secs "$duration" --json | python3 -c "
import json, sys
row = json.loads(sys.stdin.read()); row['phase'] = sys.argv[1]; print(json.dumps(row))" "$1" | tee -a "$results"
}
attack() { # attack NAME [abuse options]: runs beside the legitimate client, started a second before it
  local name="$1"; shift
  "$abuse" --base "$base" --duration-secs "$((duration + 2))" "$@" >"$work/$name.json" &
  local attacker=$!
  sleep 1
  legit "$name"
  wait "$attacker"
  python3 -c "
import json, sys
row = json.loads(open(sys.argv[1]).read()); row['phase'] = sys.argv[2] + '-attacker'; print(json.dumps(row))" \
    "$work/$name.json" "$name" | tee -a "$results"
}

legit quiet
attack slowloris --attack slowloris --connections 500 --interval-ms 1000
attack connection-flood --attack connection-flood --connections $((max_connections - 20))
sleep 1
attack login-flood --attack login-flood --concurrency 8
attack login-flood-spread --attack login-flood --concurrency 8 --spread-addresses 4096
attack big-body --attack big-body --concurrency 4 "${key[@]}"
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

# Shutdown with slowloris connections open: the server must exit within its deadline.
"$abuse" --base "$base" --attack slowloris --connections 200 --interval-ms 1000 --duration-secs 30 >/dev/null &
slow=$!
sleep 2
stopped_at=$(date +%s.%N)
kill -TERM "$server"
wait "$server" || true
shutdown_secs=$(python3 -c "import sys, time; print(round(time.time() - float(sys.argv[1]), 3))" "$stopped_at")
kill "$slow" 2>/dev/null || true

python3 - "$results" "$shutdown_secs" "$rss_kib" "$head_timeout" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
shutdown_secs, rss_mib, head_timeout = float(sys.argv[2]), int(sys.argv[3]) / 1024, int(sys.argv[4])
by = {r["phase"]: r for r in rows}
quiet = by["quiet"]
print()
phases = ["quiet", "slowloris", "connection-flood", "login-flood", "login-flood-spread", "big-body"]
for phase in phases:
    r = by[phase]
    attacker = by.get(phase + "-attacker", {})
    extra = {k: attacker[k] for k in ("rps", "statuses", "source_addresses", "closed_by_server", "lived_ms_max", "still_open_at_end") if k in attacker}
    print(f"{phase:>16}: legitimate p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms"
          f" ({r['p99_ms'] / quiet['p99_ms']:.2f}x quiet), {r['rps']:.0f} req/s, errors {r['errors']}; attacker {json.dumps(extra)}")
slow = by["slowloris-attacker"]
print(f"slowloris: {slow['closed_by_server']} of {slow['connections']} closed by the server, the longest after"
      f" {slow['lived_ms_max']} ms (head timeout {head_timeout} s)")
print(f"shutdown with slowloris connections open: exited {shutdown_secs:.2f} s after SIGTERM; RSS before it {rss_mib:.1f} MiB")
summary = {"summary": True,
    "legit": {p: {"p50_ms": by[p]["p50_ms"], "p99_ms": by[p]["p99_ms"], "errors": by[p]["errors"]}
              for p in phases},
    "p99_vs_quiet": {p: round(by[p]["p99_ms"] / quiet["p99_ms"], 2) for p in phases[1:]},
    "slowloris_longest_ms": slow["lived_ms_max"], "head_timeout_ms": head_timeout * 1000,
    "shutdown_secs": shutdown_secs, "rss_mib": round(rss_mib, 1)}
print(json.dumps(summary))
PY

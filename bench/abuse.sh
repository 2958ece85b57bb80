#!/usr/bin/env bash
# Measures a legitimate client's latency while hostile clients attack a release build, in one
# run: quiet first, then during slowloris, a connection flood up to the limit, a flood of
# failed Digest logins under random user names (from one address, then from 4,096 loopback
# addresses), and 100,000-key bodies; then, with the legitimate client writing to its project,
# tenants whose alerting is costly (a configuration of Unicode-heavy patterns with 600 open
# alerts, then 3,000 configurations or as many as the server accepts, each raised against),
# 64 clients guessing service-account secrets at the token endpoint from 4,096 addresses, and
# 64 guessing a Prometheus password; then how long the server takes to exit on SIGTERM while
# slowloris connections are open. Every attack is bounded in time and targets only the server
# this script starts on 127.0.0.1. Each phase reports the server's peak RSS during it.
#
#   bench/abuse.sh [--quick] [--only reads|writes] [--skip PHASE[,PHASE...]]
#
# Prints one JSON line per phase, then {"summary": true, ...}: the legitimate client's p50/p99
# in each phase beside the quiet ones (reads, or writes for the tenant and guessing phases),
# p99 ratios, peak RSS by phase, the longest a slowloris connection lived, and the shutdown
# time.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10 only=all skip=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) duration=4; shift ;;
    --only) only="$2"; shift 2 ;;
    --skip) skip=",$2,"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
head_timeout=5
max_connections=1000
legit_rate=400

# The server on its own: built together with an example, it would take the test-only features
# that the examples' dev-dependencies switch on (`fault-hooks`).
cargo build --release --quiet --bin atlas-integrations
cargo build --release --quiet --example loadgen --example abuse --example tenant
bin=target/release/atlas-integrations
loadgen=target/release/examples/loadgen
abuse=target/release/examples/abuse
tenant=target/release/examples/tenant
ulimit -n "$(ulimit -Hn)"
source tests/support/server.sh
ATLAS_INTEGRATIONS_RATE_LIMIT=1000000000 start_server "$bin" --header-timeout-secs "$head_timeout" \
  --max-connections "$max_connections" --shutdown-timeout-secs 10
server=$server_pid work=$server_work base=$ATLAS_BASE_URL
key=(--public-key "$ATLAS_PUBLIC_KEY" --private-key "$ATLAS_PRIVATE_KEY" --group "$ATLAS_GROUP")

results="$work/results.jsonl"
scenario=get-one rate=$legit_rate
peak_reset() { echo 5 >"/proc/$server/clear_refs" 2>/dev/null || true; }
peak_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$server/status"; }
legit() { # legit PHASE: $scenario at $rate, 4 connections, timed from when each request was due
  local measured
  peak_reset
  measured=$("$loadgen" --base "$base" "${key[@]}" --scenario "$scenario" --mode reuse --concurrency 4 \
    --rate "$rate" --duration-secs "$duration" --json)
  python3 -c "
import json, sys
row = json.loads(sys.argv[3]); row['phase'] = sys.argv[1]; row['peak_rss_mib'] = float(sys.argv[2])
print(json.dumps(row))" "$1" "$(peak_mib)" "$measured" | tee -a "$results"
}
record() { # record PHASE FILE: the attacker's own report
  python3 -c "
import json, sys
row = json.loads(open(sys.argv[1]).read()); row['phase'] = sys.argv[2] + '-attacker'; print(json.dumps(row))" \
    "$2" "$1" | tee -a "$results"
}
attack() { # attack NAME [abuse options]: runs beside the legitimate client, started a second before it
  local name="$1"; shift
  if skipped "$name"; then return; fi
  "$abuse" --base "$base" --duration-secs "$((duration + 2))" "$@" >"$work/$name.json" &
  local attacker=$!
  sleep 1
  legit "$name"
  wait "$attacker"
  record "$name" "$work/$name.json"
}
tenant_key() { # tenant_key NAME: a project of its own and a GROUP_OWNER key of it, made on the command line
  local project created
  project=$("$bin" project create --data-dir "$work" --name "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  created=$("$bin" api-key create --data-dir "$work" --project "$project" --role GROUP_OWNER)
  python3 -c '
import json, sys
key = json.loads(sys.argv[2])
print("--group", sys.argv[1], "--public-key", key["publicKey"], "--private-key", key["privateKey"])' "$project" "$created"
}
skipped() { [[ "$skip" == *",$1,"* ]]; }
tenant_attack() { # tenant_attack NAME ACTION: a tenant prepares, then raises beside the legitimate writer
  local name="$1" action="$2" tenant_args
  if skipped "$name"; then return; fi
  read -r -a tenant_args <<<"$(tenant_key "$name")"
  "$tenant" --base "$base" "${tenant_args[@]}" --action "prepare-$action" | tee -a "$work/prepared.jsonl"
  "$tenant" --base "$base" "${tenant_args[@]}" --action "raise-$action" --duration-secs "$((duration + 2))" \
    >"$work/$name.json" &
  local attacker=$!
  sleep 1
  legit "$name"
  wait "$attacker"
  record "$name" "$work/$name.json"
}

if [ "$only" != writes ]; then
legit quiet
attack slowloris --attack slowloris --connections 500 --interval-ms 1000
attack connection-flood --attack connection-flood --connections $((max_connections - 20))
sleep 1
attack login-flood --attack login-flood --concurrency 8
attack login-flood-spread --attack login-flood --concurrency 8 --spread-addresses 4096
attack big-body --attack big-body --concurrency 4 "${key[@]}"
fi
if [ "$only" != reads ]; then
# Another project's writes, beside tenants and guessers. Phases span a repeat sweep (10 s).
duration=$((duration < 12 ? 12 : duration)) scenario=put-merge rate=100
legit quiet-write
tenant_attack heavy-matchers heavy
tenant_attack many-configs many
attack token-flood --attack token-flood --concurrency 64 --spread-addresses 4096
attack prometheus-flood --attack prometheus-flood --concurrency 64 --spread-addresses 4096 --group "$ATLAS_GROUP"
fi
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
print()
reads = ["quiet", "slowloris", "connection-flood", "login-flood", "login-flood-spread", "big-body"]
writes = ["quiet-write", "heavy-matchers", "many-configs", "token-flood", "prometheus-flood"]
phases = [p for p in reads + writes if p in by]
quiet_of = {p: by.get("quiet") for p in reads} | {p: by.get("quiet-write") for p in writes}
for phase in phases:
    r, quiet = by[phase], quiet_of[phase]
    attacker = by.get(phase + "-attacker", {})
    extra = {k: attacker[k] for k in ("rps", "statuses", "source_addresses", "closed_by_server", "lived_ms_max", "still_open_at_end") if k in attacker}
    print(f"{phase:>16}: legitimate p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms"
          f" ({r['p99_ms'] / quiet['p99_ms']:.2f}x quiet), {r['rps']:.0f} req/s, errors {r['errors']};"
          f" peak RSS {r['peak_rss_mib']:.1f} MiB; attacker {json.dumps(extra)}")
slow = by.get("slowloris-attacker", {})
if slow:
    print(f"slowloris: {slow['closed_by_server']} of {slow['connections']} closed by the server, the longest after"
          f" {slow['lived_ms_max']} ms (head timeout {head_timeout} s)")
print(f"shutdown with slowloris connections open: exited {shutdown_secs:.2f} s after SIGTERM; RSS before it {rss_mib:.1f} MiB")
summary = {"summary": True,
    "legit": {p: {"p50_ms": by[p]["p50_ms"], "p99_ms": by[p]["p99_ms"], "errors": by[p]["errors"]}
              for p in phases},
    "p99_vs_quiet": {p: round(by[p]["p99_ms"] / quiet_of[p]["p99_ms"], 2) for p in phases if not p.startswith("quiet")},
    "peak_rss_mib": {p: by[p]["peak_rss_mib"] for p in phases},
    "slowloris_longest_ms": slow.get("lived_ms_max"), "head_timeout_ms": head_timeout * 1000,
    "shutdown_secs": shutdown_secs, "rss_mib": round(rss_mib, 1)}
print(json.dumps(summary))
PY

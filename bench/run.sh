#!/usr/bin/env bash
# Measures the server side by side with its physical limits, in one run: the HTTP ceiling
# (healthz), every scenario of the load generator, the disk's single-commit flush rate under
# the data directory, GET one's latency at half its most throughput and at 100 and 100,000
# projects, the flushes durable writes took (when `perf` can count system calls), and the
# server's resident memory at the end.
#
#   bench/run.sh [--quick] [--emulate-flush-ms MS] [--metrics]
#
# --quick: about a minute in all. --emulate-flush-ms: every fsync and fdatasync of the server
# (and of the flush probe) takes MS milliseconds longer, as on a disk that really flushes
# (bench/slow_flush.c, loaded with LD_PRELOAD; needs a C compiler). --metrics: the server keeps
# its metrics (--metrics-listen) and they are scraped every second throughout.
#
# Prints one line per scenario (JSON with --json-only), then a summary whose last line is
# {"summary": true, "flush_rate": …, "rss_mib": …, "ratios": {…}}.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10
concurrency=64
emulate_flush_ms=""
metrics_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) duration=3; shift ;;
    --emulate-flush-ms) emulate_flush_ms="$2"; shift 2 ;;
    --metrics) metrics_args=(--metrics-listen 127.0.0.1:0); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# The server on its own: built together with an example, it would take the test-only features
# that the examples' dev-dependencies switch on (`fault-hooks`).
cargo build --release --quiet --bin atlas-integrations
cargo build --release --quiet --example loadgen --example webhook_receiver
bin=target/release/atlas-integrations
loadgen=target/release/examples/loadgen
receiver_bin=target/release/examples/webhook_receiver
work=$(mktemp -d "${TMPDIR:-/tmp}/atlas-bench.XXXXXX")
server=""
helpers=()
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  for helper in "${helpers[@]}"; do kill "$helper" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# With an emulated flush time, the probe and the server (only) see the slow disk.
slow_disk=()
if [ -n "$emulate_flush_ms" ]; then
  cc -shared -fPIC -O2 -o "$work/slow_flush.so" bench/slow_flush.c -ldl
  slow_disk=(env LD_PRELOAD="$work/slow_flush.so" SLOW_FLUSH_US=$((emulate_flush_ms * 1000)))
  echo "emulating a disk whose flushes take ${emulate_flush_ms} ms longer" >&2
fi

# The disk's single-commit flush rate where the data lives: 4 KiB written and fsync'd, repeatedly.
flush_rate=$("${slow_disk[@]}" python3 - "$work" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "flush-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
count, start = 0, time.monotonic()
while time.monotonic() - start < 2:
    os.pwrite(fd, b"x" * 4096, 0)
    os.fsync(fd)
    count += 1
print(round(count / (time.monotonic() - start), 1))
os.close(fd)
os.unlink(path)
PY
)

# One server on a fresh SQLite database, durable (the default); the load far exceeds Atlas's
# per-project rate limit, which is lifted for the measurement. It delivers no notifications:
# a second process drains the outbox later, so that delivery is measured on its own.
ATLAS_INTEGRATIONS_RATE_LIMIT=1000000000 "${slow_disk[@]}" "$bin" serve --listen 127.0.0.1:0 --data-dir "$work/data" \
  --no-delivery-worker "${metrics_args[@]}" >"$work/out.txt" 2>"$work/err.txt" &
server=$!
for _ in $(seq 1 100); do grep -q listening "$work/err.txt" 2>/dev/null && break; sleep 0.1; done
if [ ${#metrics_args[@]} -gt 0 ]; then
  metrics_url="http://$(sed -n 's/.*serving metrics.*metrics=\([0-9.:]*\).*/\1/p' "$work/err.txt")/metrics"
  ( while kill -0 "$server" 2>/dev/null; do curl -s -o /dev/null "$metrics_url"; sleep 1; done ) &
fi
base="http://$(sed -n 's/.*listening address=\([0-9.:]*\).*/\1/p' "$work/err.txt")"
group=$(sed -n 's/^Project ID: //p' "$work/out.txt")
public=$(sed -n 's/^Public key: //p' "$work/out.txt")
private=$(sed -n 's/^Private key: //p' "$work/out.txt")
# More projects, so that create-delete has one per worker.
groups=(--group "$group")
for i in $(seq 1 15); do
  extra=$("$bin" project create --name "bench $i" --data-dir "$work/data" | sed -n 's/.*"id": "\(.*\)".*/\1/p')
  "$bin" api-key create --project "$extra" --role GROUP_READ_ONLY --data-dir "$work/data" >/dev/null
  groups+=(--group "$extra")
done
org_key=$("$bin" api-key create --org "$("$bin" org list --data-dir "$work/data" | sed -n 's/.*"id": "\(.*\)".*/\1/p' | head -n1)" \
  --role ORG_OWNER --data-dir "$work/data")
org_public=$(echo "$org_key" | sed -n 's/.*"publicKey": "\(.*\)".*/\1/p')
org_private=$(echo "$org_key" | sed -n 's/.*"privateKey": "\(.*\)".*/\1/p')

run() { # run SCENARIO MODE CONCURRENCY [extra loadgen options]
  local scenario="$1" mode="$2" workers="$3"; shift 3
  "$loadgen" --base "$base" --public-key "$public" --private-key "$private" --group "$group" \
    --scenario "$scenario" --mode "$mode" --concurrency "$workers" --duration-secs "$duration" --json "$@"
}

# Adds projects straight into the database file (the server keeps running: WAL lets another
# process write), each with three integrations whose sealed settings are never read.
seed_projects() { # seed_projects FROM TO
  python3 - "$work/data/atlas-integrations.db" "$1" "$2" <<'PY'
import sqlite3, sys
db, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
con = sqlite3.connect(db, timeout=30)
org = con.execute("SELECT id FROM organizations ORDER BY created_at LIMIT 1").fetchone()[0]
with con:
    con.executemany("INSERT INTO projects (id, org_id, name, created_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z')",
                    ((f"{n:024x}", org, f"seeded {n}") for n in range(first, last + 1)))
    con.executemany("INSERT INTO integrations (project_id, type, id, settings, updated_at) "
                    "VALUES (?, ?, ?, x'00', '2026-01-01T00:00:00Z')",
                    ((f"{n:024x}", t, f"{n:020x}{i:04x}") for n in range(first, last + 1)
                     for i, t in enumerate(["PAGER_DUTY", "SLACK", "DATADOG"])))
PY
}

results="$work/results.jsonl"
run healthz reuse "$concurrency" | tee -a "$results"
run get-one reuse "$concurrency" | tee -a "$results"
# Latency at half the throughput just measured, timed from when each request was due.
half=$(python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])['rps'] / 2)" "$results")
run get-one reuse "$concurrency" --rate "$half" | sed 's/"scenario":"get-one"/"scenario":"get-one-at-half"/' | tee -a "$results"
run get-one fresh "$concurrency" | tee -a "$results"
# The same reads with a service account's Bearer token, GROUP_OWNER of the project as the
# Digest key is (so neither looks the project up).
service_account=$("$bin" service-account create --org "$("$bin" org list --data-dir "$work/data" | sed -n 's/.*"id": "\(.*\)".*/\1/p' | head -n1)" \
  --name "Bench" --role ORG_MEMBER --data-dir "$work/data")
client_id=$(echo "$service_account" | sed -n 's/.*"clientId": "\(.*\)".*/\1/p')
client_secret=$(echo "$service_account" | sed -n 's/.*"clientSecret": "\(.*\)".*/\1/p')
"$bin" service-account assign --client-id "$client_id" --project "$group" --role GROUP_OWNER --data-dir "$work/data" >/dev/null
run get-one bearer "$concurrency" --client-id "$client_id" --client-secret "$client_secret" | tee -a "$results"
run list reuse "$concurrency" | tee -a "$results"
# Durable writes, and the flushes they took if perf can count the server's system calls.
flushes=""
if command -v perf >/dev/null && perf stat -e syscalls:sys_enter_fsync -- true >/dev/null 2>&1; then
  perf stat -x, -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -p "$server" -o "$work/flushes.csv" &
  counter=$!
  run put-merge reuse "$concurrency" | tee -a "$results"
  kill -INT "$counter"; wait "$counter" 2>/dev/null || true
  flushes=$(awk -F, '/sys_enter_f/ {sum += $1} END {print sum}' "$work/flushes.csv")
else
  run put-merge reuse "$concurrency" | tee -a "$results"
fi
"$loadgen" --base "$base" --public-key "$org_public" --private-key "$org_private" "${groups[@]}" \
  --scenario create-delete --mode reuse --concurrency 16 --duration-secs "$duration" --json | tee -a "$results"
run mixed reuse "$concurrency" | tee -a "$results"
# Alerts: each raise opens an alert and plans one signed webhook notification; then a second
# server process (the delivery worker alone would do) drains the outbox into a local receiver.
"$receiver_bin" --listen 127.0.0.1:0 --secret bench-secret --quiet 2>"$work/receiver.txt" &
helpers+=($!)
for _ in $(seq 1 100); do grep -q listening "$work/receiver.txt" 2>/dev/null && break; sleep 0.1; done
receiver_url=$(sed -n 's/listening on //p' "$work/receiver.txt")
run raise-alert reuse "$concurrency" --webhook "$receiver_url/hook" --webhook-secret bench-secret | tee -a "$results"
raised=$(python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])['requests'])" "$results")
"${slow_disk[@]}" "$bin" serve --listen 127.0.0.1:0 --data-dir "$work/data" --allow-private-targets \
  "${metrics_args[@]}" >/dev/null 2>"$work/drain.txt" &
helpers+=($!)
delivered=$(python3 bench/delivered.py "$receiver_url" "$raised")
python3 - "$delivered" "$raised" "$results" <<'PY'
import json, sys
delivered, raised, results = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
row = {"scenario": "deliver-webhooks", "mode": "outbox", "concurrency": 64, "offered_rps": None,
       "rps": delivered["per_s"], "p50_ms": 0, "p90_ms": 0, "p99_ms": 0, "max_ms": 0,
       "errors": raised - delivered["received"] + delivered["refused"], "requests": delivered["received"]}
open(results, "a").write(json.dumps(row) + "\n")
print(json.dumps(row))
PY
# Alertmanager payloads of 50 firing alerts each (new hosts: 50 alerts opened and 50 webhooks
# planned per request), beside raise-alert's one, in a project of their own with the
# organization's key; the drain is stopped first so that nothing else runs meanwhile.
kill "${helpers[-1]}" 2>/dev/null && wait "${helpers[-1]}" 2>/dev/null || true
"$loadgen" --base "$base" --public-key "$org_public" --private-key "$org_private" --group "${groups[3]}" \
  --scenario alertmanager --mode reuse --concurrency "$concurrency" --duration-secs "$duration" \
  --webhook "$receiver_url/hook" --webhook-secret bench-secret --json | tee -a "$results"
# GET one's median with one client, at 100 projects and then at 100,000.
existing=$((${#groups[@]} / 2))
seed_projects 1 $((100 - existing))
run get-one reuse 1 | sed 's/"scenario":"get-one"/"scenario":"get-one-100-projects"/' | tee -a "$results"
seed_projects $((100 - existing + 1)) $((100000 - existing))
run get-one reuse 1 | sed 's/"scenario":"get-one"/"scenario":"get-one-100000-projects"/' | tee -a "$results"
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

python3 - "$results" "$flush_rate" "$rss_kib" "$flushes" "$duration" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
flush_rate, rss_mib = float(sys.argv[2]), int(sys.argv[3]) / 1024
flushes, duration = (int(sys.argv[4]) if sys.argv[4] else None), float(sys.argv[5])
by = {(r["scenario"], r["mode"]): r for r in rows}
ceiling = by[("healthz", "reuse")]["rps"]
print()
print(f"flush rate of the disk: {flush_rate:.0f} commits/s; server RSS after the run: {rss_mib:.1f} MiB")
for r in rows:
    print(f"{r['scenario']:>13} {r['mode']:>5}  {r['rps']:>9.1f} req/s  {r['rps'] / ceiling:6.1%} of healthz"
          f"  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  errors {r['errors']}")
put = by[("put-merge", "reuse")]["rps"]
print(f"durable put-merge: {put / flush_rate:.2f}x the single-commit flush rate")
if flushes:
    print(f"durable put-merge: {flushes} flushes (fsync + fdatasync) for about {put * duration:.0f} writes,"
          f" {put * duration / flushes:.1f} writes per flush")
half = by[("get-one-at-half", "reuse")]
print(f"get-one at half its throughput ({half['offered_rps']:.0f} req/s offered): p99 {half['p99_ms']:.2f} ms")
raise_row, deliver = by[("raise-alert", "reuse")], by[("deliver-webhooks", "outbox")]
print(f"raise-alert: {raise_row['rps']:.0f} alerts/s, p50 {raise_row['p50_ms']:.2f} ms, p99 {raise_row['p99_ms']:.2f} ms;"
      f" webhooks delivered: {deliver['rps']:.0f}/s ({deliver['requests']} in all, {deliver['errors']} missing or refused)")
manager = by[("alertmanager", "reuse")]
print(f"alertmanager: {manager['rps']:.1f} payloads/s of 50 alerts ({manager['rps'] * 50:.0f} alerts/s),"
      f" p50 {manager['p50_ms']:.2f} ms, p99 {manager['p99_ms']:.2f} ms, errors {manager['errors']}")
small, large = by[("get-one-100-projects", "reuse")], by[("get-one-100000-projects", "reuse")]
print(f"get-one, 1 client: p50 {small['p50_ms']:.3f} ms at 100 projects, {large['p50_ms']:.3f} ms at 100,000"
      f" ({large['p50_ms'] / small['p50_ms']:.2f}x)")
summary = {"summary": True, "flush_rate": flush_rate, "rss_mib": round(rss_mib, 1), "ratios": {
    "get-one": round(by[("get-one", "reuse")]["rps"] / ceiling, 3),
    "list": round(by[("list", "reuse")]["rps"] / ceiling, 3),
    "put-merge-vs-flush": round(put / flush_rate, 3),
    "get-one-fresh": round(by[("get-one", "fresh")]["rps"] / ceiling, 3),
    "get-one-bearer": round(by[("get-one", "bearer")]["rps"] / ceiling, 3),
    "get-one-bearer-vs-digest": round(by[("get-one", "bearer")]["rps"] / by[("get-one", "reuse")]["rps"], 3),
    "p50-100000-vs-100-projects": round(large["p50_ms"] / small["p50_ms"], 3),
}, "raise_alert_rps": by[("raise-alert", "reuse")]["rps"], "raise_alert_p99_ms": by[("raise-alert", "reuse")]["p99_ms"],
"webhooks_delivered_per_s": by[("deliver-webhooks", "outbox")]["rps"],
"alertmanager_payloads_per_s": manager["rps"], "alertmanager_p99_ms": manager["p99_ms"], "get_one_p99_ms_at_half": half["p99_ms"], "writes_per_flush": round(put * duration / flushes, 1) if flushes else None}
print(json.dumps(summary))
PY

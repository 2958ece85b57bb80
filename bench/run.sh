#!/usr/bin/env bash
# Measures the server side by side with its physical limits, in one run: the HTTP ceiling
# (healthz), every scenario of the load generator, the disk's single-commit flush rate under
# the data directory, and the server's resident memory at the end.
#
#   bench/run.sh [--quick]        # --quick: about a minute in all
#
# Prints one line per scenario (JSON with --json-only), then a summary whose last line is
# {"summary": true, "flush_rate": …, "rss_mib": …, "ratios": {…}}.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10
concurrency=64
if [ "${1:-}" = "--quick" ]; then duration=3; fi

cargo build --release --quiet --bin atlas-integrations --example loadgen
bin=target/release/atlas-integrations
loadgen=target/release/examples/loadgen
work=$(mktemp -d "${TMPDIR:-/tmp}/atlas-bench.XXXXXX")
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The disk's single-commit flush rate where the data lives: 4 KiB written and fsync'd, repeatedly.
flush_rate=$(python3 - "$work" <<'PY'
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
# per-project rate limit, which is lifted for the measurement.
ATLAS_INTEGRATIONS_RATE_LIMIT=1000000000 "$bin" serve --listen 127.0.0.1:0 --data-dir "$work/data" \
  >"$work/out.txt" 2>"$work/err.txt" &
server=$!
for _ in $(seq 1 100); do grep -q listening "$work/err.txt" 2>/dev/null && break; sleep 0.1; done
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

results="$work/results.jsonl"
run healthz reuse "$concurrency" | tee -a "$results"
run get-one reuse "$concurrency" | tee -a "$results"
run get-one fresh "$concurrency" | tee -a "$results"
run list reuse "$concurrency" | tee -a "$results"
run put-merge reuse "$concurrency" | tee -a "$results"
"$loadgen" --base "$base" --public-key "$org_public" --private-key "$org_private" "${groups[@]}" \
  --scenario create-delete --mode reuse --concurrency 16 --duration-secs "$duration" --json | tee -a "$results"
run mixed reuse "$concurrency" | tee -a "$results"
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

python3 - "$results" "$flush_rate" "$rss_kib" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
flush_rate, rss_mib = float(sys.argv[2]), int(sys.argv[3]) / 1024
by = {(r["scenario"], r["mode"]): r for r in rows}
ceiling = by[("healthz", "reuse")]["rps"]
print()
print(f"flush rate of the disk: {flush_rate:.0f} commits/s; server RSS after the run: {rss_mib:.1f} MiB")
for r in rows:
    print(f"{r['scenario']:>13} {r['mode']:>5}  {r['rps']:>9.1f} req/s  {r['rps'] / ceiling:6.1%} of healthz"
          f"  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  errors {r['errors']}")
put = by[("put-merge", "reuse")]["rps"]
print(f"durable put-merge: {put / flush_rate:.2f}x the single-commit flush rate")
summary = {"summary": True, "flush_rate": flush_rate, "rss_mib": round(rss_mib, 1), "ratios": {
    "get-one": round(by[("get-one", "reuse")]["rps"] / ceiling, 3),
    "list": round(by[("list", "reuse")]["rps"] / ceiling, 3),
    "put-merge-vs-flush": round(put / flush_rate, 3),
}}
print(json.dumps(summary))
PY

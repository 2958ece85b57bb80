#!/usr/bin/env bash
# Measures the server on PostgreSQL: GET one at 100 and at 100,000 projects (3 integrations
# each), PostgreSQL transactions per read (Digest, which records each use, and Bearer),
# requests per second through one and through two replicas on one database, get-one and list
# beside the SQLite server in the same run (`pg_get_one_vs_sqlite`, `pg_list_vs_sqlite`), and
# webhooks delivered per second by two replicas sharing the outbox.
#
#   bench/postgres.sh [--duration SECS] [--concurrency N]
#
# Needs PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432/test, a role that may
# create databases). Works in a database of its own, dropped at the end. Every figure comes
# from the load generator in examples/loadgen.rs, all in this one run.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10
concurrency=32
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
# The server on its own: built together with an example, it would take the test-only features
# that the examples' dev-dependencies switch on (`fault-hooks`).
cargo build --release --quiet --bin atlas-integrations
cargo build --release --quiet --example loadgen --example webhook_receiver
bin=target/release/atlas-integrations
loadgen=target/release/examples/loadgen
receiver_bin=target/release/examples/webhook_receiver

work=$(mktemp -d)
db="atlas_bench_$$"
db_url="${PG_URL%/*}/$db"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$PG_URL" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  [ -n "${KEEP_BENCH_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

psql "$PG_URL" -qAtc "CREATE DATABASE $db" >/dev/null
export ATLAS_INTEGRATIONS_DATABASE_URL="$db_url"
export ATLAS_INTEGRATIONS_SECRET_KEY_FILE="$work/secret.key"
export ATLAS_INTEGRATIONS_DATA_DIR="$work"
# The measurement sends far more than Atlas's 1,200 requests a minute to one project.
export ATLAS_INTEGRATIONS_RATE_LIMIT=1000000000
"$bin" keys generate --out "$work/secret.key" >/dev/null
group=$("$bin" project create --name measured | sed -n 's/.*"id": "\(.*\)".*/\1/p')
key_json=$("$bin" api-key create --project "$group" --role GROUP_OWNER)
public=$(echo "$key_json" | sed -n 's/.*"publicKey": "\(.*\)".*/\1/p')
private=$(echo "$key_json" | sed -n 's/.*"privateKey": "\(.*\)".*/\1/p')

# Other projects, each with three integrations. Their settings are never read here; each
# holds a copy of the measured project's sealed PAGER_DUTY settings, so that a replica
# starting later finds every stored secret sealed under the key it was given.
seed_projects() {
  psql "$db_url" -qAt <<SQL >/dev/null
INSERT INTO projects (id, org_id, name)
  SELECT lpad(to_hex(g), 24, '0'), (SELECT org_id FROM projects WHERE id = '$group'), 'bench ' || g
  FROM generate_series($1, $2) AS g;
INSERT INTO integrations (project_id, type, id, settings)
  SELECT lpad(to_hex(g), 24, '0'), t, substr(md5(g::text || t), 1, 24),
         (SELECT settings FROM integrations WHERE project_id = '$group' AND type = 'PAGER_DUTY')
  FROM generate_series($1, $2) AS g, unnest(ARRAY['PAGER_DUTY', 'SLACK', 'DATADOG']) AS t;
ANALYZE;
SQL
}

# start_replica NAME [OPTION...]: starts a replica in the background (its pid kept for the
# cleanup) and sets `replica` to its base URL. Not called as `$(…)`: a subshell would lose the
# pid, and the replica would outlive the script.
start_replica() {
  local log="$work/replica-$1.log"
  shift
  "$bin" serve --listen "127.0.0.1:0" "$@" >/dev/null 2>"$log" &
  pids+=($!)
  for _ in $(seq 1 100); do
    grep -q "listening" "$log" 2>/dev/null && break
    sleep 0.1
  done
  replica=$(sed -n 's/.*listening address=\([0-9.:]*\).*/http:\/\/\1/p' "$log")
}

load() { # load NAME CONCURRENCY BASE... : runs get-one, prints the JSON line with a label
  local label="$1" workers="$2"; shift 2
  local bases=()
  for base in "$@"; do bases+=(--base "$base"); done
  local line
  line=$("$loadgen" "${bases[@]}" --public-key "$public" --private-key "$private" --group "$group" \
    --scenario get-one --mode reuse --concurrency "$workers" --duration-secs "$duration" --json)
  echo "{\"measure\": \"$label\", \"result\": $line}"
}

# Transactions PostgreSQL counted in the bench's database so far (statements outside a
# transaction count one each).
xacts() {
  psql "$PG_URL" -qAtc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$db'"
}

# The replicas that answer reads deliver nothing: delivery is measured on its own at the end.
start_replica a --no-delivery-worker
a=$replica
# The load generator gives the measured project its integrations before it measures.
"$loadgen" --base "$a" --public-key "$public" --private-key "$private" --group "$group" \
  --scenario get-one --mode reuse --concurrency 1 --duration-secs 0.2 --json >/dev/null
seed_projects 1 99
load "get-one, 100 projects, 1 replica, 1 client" 1 "$a"
load "get-one, 100 projects, 1 replica" "$concurrency" "$a"
seed_projects 100 99999
load "get-one, 100000 projects, 1 replica, 1 client" 1 "$a"
before=$(xacts)
digest_line=$(load "get-one, 100000 projects, 1 replica" "$concurrency" "$a")
echo "$digest_line"
after=$(xacts)
digest_xacts=$((after - before))
# The same reads with a service account's Bearer token: no Digest use to record, so what is
# left is what reading from memory costs the database.
org=$(psql "$db_url" -qAtc "SELECT org_id FROM projects WHERE id = '$group'")
account=$("$bin" service-account create --org "$org" --name Measured --role ORG_MEMBER)
client_id=$(echo "$account" | sed -n 's/.*"clientId": "\(.*\)".*/\1/p')
client_secret=$(echo "$account" | sed -n 's/.*"clientSecret": "\(.*\)".*/\1/p')
"$bin" service-account assign --client-id "$client_id" --project "$group" --role GROUP_OWNER >/dev/null
before=$(xacts)
bearer_line=$("$loadgen" --base "$a" --group "$group" --public-key "$public" --private-key "$private" \
  --scenario get-one --mode bearer --client-id "$client_id" --client-secret "$client_secret" \
  --concurrency "$concurrency" --duration-secs "$duration" --json)
echo "{\"measure\": \"get-one, 100000 projects, 1 replica, Bearer\", \"result\": $bearer_line}"
after=$(xacts)
python3 -c 'import json, sys
digest, bearer = json.loads(sys.argv[1])["result"]["requests"], json.loads(sys.argv[3])["requests"]
print(json.dumps({"measure": "pg_transactions_per_read", "digest_transactions": int(sys.argv[2]), "digest_requests": digest,
                  "digest_per_read": round(int(sys.argv[2]) / max(digest, 1), 3), "bearer_transactions": int(sys.argv[4]),
                  "bearer_requests": bearer, "bearer_per_read": round(int(sys.argv[4]) / max(bearer, 1), 4)}))' \
  "$digest_line" "$digest_xacts" "$bearer_line" "$((after - before))"
start_replica b --no-delivery-worker
b=$replica
load "get-one, 100000 projects, 2 replicas" "$concurrency" "$a" "$b"
echo "projects: $(psql "$db_url" -qAtc 'SELECT count(*) FROM projects'), integrations: $(psql "$db_url" -qAtc 'SELECT count(*) FROM integrations')"

# Side by side in this run: one replica against the SQLite server, each with its own
# measured project (the SQLite server's made by its first start), get-one and list.
sqlite_dir="$work/sqlite"
env -u ATLAS_INTEGRATIONS_DATABASE_URL -u ATLAS_INTEGRATIONS_SECRET_KEY_FILE \
  ATLAS_INTEGRATIONS_DATA_DIR="$sqlite_dir" "$bin" serve --listen 127.0.0.1:0 \
  >"$work/sqlite.out" 2>"$work/sqlite.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -q "listening" "$work/sqlite.log" 2>/dev/null && break; sleep 0.1; done
sqlite=$(sed -n 's/.*listening address=\([0-9.:]*\).*/http:\/\/\1/p' "$work/sqlite.log")
sqlite_group=$(sed -n 's/^Project ID: //p' "$work/sqlite.out")
sqlite_public=$(sed -n 's/^Public key: //p' "$work/sqlite.out")
sqlite_private=$(sed -n 's/^Private key: //p' "$work/sqlite.out")
side() { # side SCENARIO BASE GROUP PUBLIC PRIVATE: one JSON line
  "$loadgen" --base "$2" --public-key "$4" --private-key "$5" --group "$3" --scenario "$1" --mode reuse \
    --concurrency "$concurrency" --duration-secs "$duration" --json
}
pg_get=$(side get-one "$a" "$group" "$public" "$private")
sq_get=$(side get-one "$sqlite" "$sqlite_group" "$sqlite_public" "$sqlite_private")
pg_list=$(side list "$a" "$group" "$public" "$private")
sq_list=$(side list "$sqlite" "$sqlite_group" "$sqlite_public" "$sqlite_private")
python3 -c 'import json, sys; rps = [json.loads(line)["rps"] for line in sys.argv[1:]]
print(json.dumps({"measure": "side by side", "pg_get_one_rps": rps[0], "sqlite_get_one_rps": rps[1],
                  "pg_list_rps": rps[2], "sqlite_list_rps": rps[3],
                  "pg_get_one_vs_sqlite": round(rps[0] / rps[1], 3), "pg_list_vs_sqlite": round(rps[2] / rps[3], 3)}))' \
  "$pg_get" "$sq_get" "$pg_list" "$sq_list"

# Webhooks: alerts raised through replica a for the duration, each planning one signed
# notification to a local receiver; then two replicas that deliver share the outbox.
"$receiver_bin" --listen 127.0.0.1:0 --secret bench-secret --quiet 2>"$work/receiver.txt" &
pids+=($!)
for _ in $(seq 1 100); do grep -q listening "$work/receiver.txt" 2>/dev/null && break; sleep 0.1; done
receiver_url=$(sed -n 's/listening on //p' "$work/receiver.txt")
raised=$("$loadgen" --base "$a" --public-key "$public" --private-key "$private" --group "$group" \
  --scenario raise-alert --mode reuse --concurrency "$concurrency" --duration-secs "$duration" \
  --webhook "$receiver_url/hook" --webhook-secret bench-secret --json)
echo "{\"measure\": \"raise-alert, 1 replica\", \"result\": $raised}"
start_replica c --allow-private-targets
start_replica d --allow-private-targets
delivered=$(python3 bench/delivered.py "$receiver_url" "$(echo "$raised" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')")
echo "{\"measure\": \"webhooks delivered, 2 replicas sharing the outbox\", \"result\": $delivered}"

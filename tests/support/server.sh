# Sourced by the scripts that drive a real server from another language: starts BINARY on
# 127.0.0.1:0 with a fresh data folder, stops it on exit, and exports ATLAS_BASE_URL,
# ATLAS_GROUP, ATLAS_PUBLIC_KEY, ATLAS_PRIVATE_KEY (and ATLAS_METRICS_URL, with
# --metrics-listen) from what its first start prints.
#   start_server BINARY [serve options]
# Afterwards server_pid is its process, server_work its folder (removed on exit) and
# SERVER_LOG its log file.
start_server() {
  local bin="$1"; shift
  server_work=$(mktemp -d)
  "$bin" serve --listen 127.0.0.1:0 --data-dir "$server_work" "$@" >"$server_work/out.txt" 2>"$server_work/err.txt" &
  server_pid=$!
  trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true; rm -rf "$server_work"' EXIT
  for _ in $(seq 1 100); do
    grep -q "listening" "$server_work/err.txt" 2>/dev/null && break
    sleep 0.1
  done
  SERVER_LOG="$server_work/err.txt"
  export ATLAS_BASE_URL="http://$(sed -n 's/.*listening address=\([0-9.:]*\).*/\1/p' "$server_work/err.txt")"
  export ATLAS_GROUP=$(sed -n 's/^Project ID: //p' "$server_work/out.txt")
  export ATLAS_PUBLIC_KEY=$(sed -n 's/^Public key: //p' "$server_work/out.txt")
  export ATLAS_PRIVATE_KEY=$(sed -n 's/^Private key: //p' "$server_work/out.txt")
  # With --metrics-listen: where GET /metrics is served.
  export ATLAS_METRICS_URL="http://$(sed -n 's/.*serving metrics.*metrics=\([0-9.:]*\).*/\1/p' "$server_work/err.txt")"
}

# After start_server: an ORG_OWNER service account of the project's organization, GROUP_OWNER
# in the project, made on the command line; exports ATLAS_CLIENT_ID and ATLAS_CLIENT_SECRET.
start_service_account() {
  local bin="$1" org created
  org=$("$bin" project list --data-dir "$server_work" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["orgId"])')
  created=$("$bin" service-account create --data-dir "$server_work" --org "$org" --name "Client tests" --role ORG_OWNER)
  export ATLAS_CLIENT_ID=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["clientId"])' "$created")
  export ATLAS_CLIENT_SECRET=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["clientSecret"])' "$created")
  "$bin" service-account assign --data-dir "$server_work" --client-id "$ATLAS_CLIENT_ID" --project "$ATLAS_GROUP" \
    --role GROUP_OWNER >/dev/null
}

# After start_server: an ORG_OWNER API key of the project's organization, made on the command
# line; exports ATLAS_ORG, ATLAS_ORG_PUBLIC_KEY and ATLAS_ORG_PRIVATE_KEY.
start_org_owner_key() {
  local bin="$1" created
  export ATLAS_ORG=$("$bin" project list --data-dir "$server_work" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["orgId"])')
  created=$("$bin" api-key create --data-dir "$server_work" --org "$ATLAS_ORG" --role ORG_OWNER --description "organization owner")
  export ATLAS_ORG_PUBLIC_KEY=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["publicKey"])' "$created")
  export ATLAS_ORG_PRIVATE_KEY=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["privateKey"])' "$created")
}

# The virtual environment of the Python clients (schemathesis, which brings requests, and pytest;
# pyomsdk, Ops Manager's generated client, which reads Prometheus discovery; prometheus-client,
# whose parser reads the metrics; requests-oauthlib and authlib, two OAuth 2.0 clients; selenium,
# which drives Chromium through the system's chromium-driver for the console's browser tests;
# standardwebhooks, the Standard Webhooks reference library, which verifies webhooks).
python_venv() {
  venv="${SCHEMATHESIS_VENV:-target/schemathesis-venv}"
  if [ ! -x "$venv/bin/pytest" ]; then
    python3 -m venv "$venv"
  fi
  if ! "$venv/bin/python" -c "import schemathesis, pytest, pyomsdk, prometheus_client, requests_oauthlib, authlib, selenium, standardwebhooks" 2>/dev/null; then
    "$venv/bin/pip" install --quiet "schemathesis>=4,<5" "pytest>=8" "pyomsdk>=9,<10" "prometheus-client>=0.20,<1" \
      "requests-oauthlib>=2,<3" "authlib>=1.3,<2" "selenium>=4.20,<5" "standardwebhooks>=1.1,<2"
  fi
}

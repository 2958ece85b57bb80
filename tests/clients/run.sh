#!/usr/bin/env bash
# Python's requests with HTTPDigestAuth, under concurrency, against a fresh server, with every
# request body sent 100 ms after its headers as clients on real networks send them; and
# Prometheus discovery read by pyomsdk, its metrics by prometheus-client's parser; and two
# OAuth 2.0 clients (requests-oauthlib, authlib) through a service account's token flow; and
# the server's own metrics after traffic, read by prometheus-client's parser; and webhooks
# verified by the Standard Webhooks reference library (it may reach this machine's receivers).
#   tests/clients/run.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/support/server.sh
python_venv
# The load far exceeds Atlas's per-project rate limit, which is lifted for it.
bin="${1:-target/debug/atlas-integrations}"
ATLAS_INTEGRATIONS_RATE_LIMIT=1000000000 start_server "$bin" --metrics-listen 127.0.0.1:0 --allow-private-targets
start_service_account "$bin"
"$venv/bin/pytest" -q -p no:cacheprovider tests/clients/test_requests_digest.py tests/clients/test_prometheus.py \
  tests/clients/test_oauth_clients.py tests/clients/test_metrics.py tests/clients/test_standard_webhooks.py

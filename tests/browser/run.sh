#!/usr/bin/env bash
# The web console in a real browser: Debian's chromium driven through chromium-driver by
# Python's selenium, against a fresh server whose Slack notifications go to a local receiver.
# Screenshots of each page are saved under target/console-screenshots/.
#   tests/browser/run.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/support/server.sh
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi
python_venv
bin="${1:-target/debug/atlas-integrations}"
export RECEIVER_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SCREENSHOTS="${SCREENSHOTS:-target/console-screenshots}"
mkdir -p "$SCREENSHOTS"
start_server "$bin" --allow-private-targets --endpoint "slack=http://127.0.0.1:$RECEIVER_PORT"
export ATLAS_BIN="$bin" ATLAS_DATA_DIR="$server_work"
"$venv/bin/pytest" -q -p no:cacheprovider tests/browser/test_console.py

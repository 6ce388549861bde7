#!/usr/bin/env bash
# Runs moto server, the local AWS emulator Tributary's integration tests and demo use.
#
#   scripts/emulator.sh install   install moto (pinned, scripts/requirements-emulator.txt) into .tools/moto-venv and
#                                 the IAM gate's policy evaluator (devkit/iam, npm) into .tools/iam-simulator
#   scripts/emulator.sh start     start it on a free 127.0.0.1 port (or reuse a running one); prints the endpoint
#   scripts/emulator.sh endpoint  print the endpoint of the running emulator
#   scripts/emulator.sh env       print `export` lines for AWS_ENDPOINT_URL, AWS_REGION and test credentials
#   scripts/emulator.sh stop      stop it
#
# Nothing needs to be preinstalled but Python 3, Node.js 18+ and access to PyPI and npm.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE_DIR="$TOOLS_DIR/moto"
VENV_NAME="moto-venv"
PYTHON_BIN="$TOOLS_DIR/$VENV_NAME/bin/python"

answers() { # true when a moto server answers on port $1
  "$PYTHON_BIN" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1).read()
PY
}

running_port() { # prints the port of a live, answering emulator started by this script
  local pid port
  pid="$(cat "$STATE_DIR/pid" 2>/dev/null || true)"
  port="$(cat "$STATE_DIR/port" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ -n "$port" ] && kill -0 "$pid" 2>/dev/null && answers "$port"; then
    echo "$port"
  fi
}

# moto, and the policy evaluator of the IAM gate the local runs put in front of it (devkit IamGate).
cmd_install() {
  ensure_venv "$VENV_NAME" "$TRIBUTARY_ROOT/scripts/requirements-emulator.txt"
  ensure_iam_simulator
}

cmd_start() {
  cmd_install
  mkdir -p "$STATE_DIR"
  local port; port="$(running_port)"
  if [ -n "$port" ]; then echo "http://127.0.0.1:$port"; return 0; fi
  port="$("$PYTHON_BIN" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  # setsid: the server outlives this script but can be stopped as a group.
  setsid "$TOOLS_DIR/$VENV_NAME/bin/moto_server" -H 127.0.0.1 -p "$port" \
    >"$STATE_DIR/server.log" 2>&1 < /dev/null &
  echo $! > "$STATE_DIR/pid"
  echo "$port" > "$STATE_DIR/port"
  for _ in $(seq 1 150); do
    if answers "$port"; then echo "http://127.0.0.1:$port"; return 0; fi
    kill -0 "$(cat "$STATE_DIR/pid")" 2>/dev/null || break
    sleep 0.2
  done
  echo "error: moto server did not answer on 127.0.0.1:$port; its log:" >&2
  tail -n 30 "$STATE_DIR/server.log" >&2 || true
  cmd_stop
  return 1
}

cmd_endpoint() {
  local port; port="$(running_port)"
  [ -n "$port" ] || { echo "error: no emulator running; run scripts/emulator.sh start" >&2; return 1; }
  echo "http://127.0.0.1:$port"
}

cmd_env() {
  local endpoint; endpoint="$(cmd_endpoint)"
  cat <<ENV
export AWS_ENDPOINT_URL=$endpoint
export AWS_REGION=\${AWS_REGION:-us-east-1}
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
ENV
}

cmd_stop() {
  local pid; pid="$(cat "$STATE_DIR/pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$STATE_DIR/pid" "$STATE_DIR/port"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  endpoint) cmd_endpoint ;;
  env) cmd_env ;;
  stop) cmd_stop ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

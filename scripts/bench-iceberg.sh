#!/usr/bin/env bash
# Scale benchmark of the Glue job on Iceberg (issue 12): W windows of one day through the real job under local
# PySpark, against a moto server of its own (Glue Data Catalog + S3). Prints per window the bytes written and read
# and the seconds, with a linear fit against the window index (glue-job/tools/bench_iceberg.py).
#
#   scripts/bench-iceberg.sh [--windows 48] [--events 1500] [--seed 7] [--late-hours H] [--budget-minutes M]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_glue_env
ensure_iceberg_env
ensure_moto_server
export JAVA_HOME="$SPARK_JAVA_HOME" PATH="$SPARK_JAVA_HOME/bin:$PATH"
unset SPARK_HOME

port="$("$TOOLS_DIR/glue-venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$TRIBUTARY_MOTO_SERVER" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done
"$TOOLS_DIR/glue-venv/bin/python" "$TRIBUTARY_ROOT/glue-job/tools/bench_iceberg.py" --endpoint "http://127.0.0.1:$port" "$@"

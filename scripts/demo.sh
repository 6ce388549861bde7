#!/usr/bin/env bash
# The README's run command: Tributary end to end on the local AWS emulator.
# Starts moto (scripts/emulator.sh) unless AWS_ENDPOINT_URL is set, builds the dev tools (devtools/target/
# tributary-dev.jar: the operator commands plus demo and invoke), runs `tributary demo`.
# Arguments go to the demo: scripts/demo.sh --events 50000, scripts/demo.sh --help.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
select_jdk
ensure_glue_env   # the Glue job's local runtime (PySpark 3.5 on a JDK 17), for the demo's Glue stage
ensure_iceberg_env  # Iceberg jars for the job, pyiceberg for the ledger
ensure_query_env    # pyiceberg + DuckDB for `tributary query`

use_emulator

echo "==> building (first run downloads Maven and the dependencies)" >&2
./mvnw -B -q -ntp -DskipTests -pl devtools -am install
java -jar devtools/target/tributary-dev.jar demo "$@"

#!/usr/bin/env bash
# Runs every Tributary test: the README's test command, and what .ci/run calls.
#
#   1. Java unit tests (surefire) and integration tests (failsafe) against an AWS emulator:
#      moto server, installed into .tools/ and started on a free 127.0.0.1 port by scripts/emulator.sh,
#      unless AWS_ENDPOINT_URL already points at one (e.g. a LocalStack you run yourself); every function runs as
#      its template role behind devkit's IAM gate, whose policy evaluator (npm) installs into .tools/ too.
#   2. Time-bounded fuzzing of the decoders (scripts/fuzz.sh, FUZZ_SECONDS each, default 30: half with a fixed
#      seed, half with a rotating one it prints with the command that replays it).
#   3. The Glue job's pytest suite under local pyspark (scripts/test-glue-job.sh).
#   4. The SAM template checks (scripts/check-infra.sh).
#   5. The soak: SOAK_EVENTS (default 100,000) through the processor and the transformer, heap and threads flat
#      (scripts/soak.sh; about 3 minutes).
#
# CI (.ci/run) runs this bounded set, about 40 minutes on a loaded 2-core machine. `scripts/test.sh --long` adds the
# tests tagged "long" (JUnit @Tag("long"), pytest -m long): QueryIT (`tributary query` over a demo's curated tables)
# and the Glue job's migration test, several minutes each.
#
# Needs only a JDK 25 (and the JDK 17 Spark needs), Python 3, Node.js 18+ and access to the package registries;
# everything else installs itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
long=false
case "${1:-}" in
  --long) long=true ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--long]" >&2; exit 2 ;;
esac
source scripts/lib.sh
select_jdk
ensure_glue_env   # the Glue job's local runtime (PySpark 3.5 on a JDK 17), for the demo's Glue stage
ensure_rie        # the Lambda Runtime Interface Emulator (from the SAM CLI wheel), for InvokeIT
ensure_iceberg_env  # Iceberg jars for the job, pyiceberg for the ledger
ensure_query_env    # pyiceberg + DuckDB for `tributary query`

use_emulator
echo "==> AWS emulator: $AWS_ENDPOINT_URL"

echo "==> Java: unit and integration tests"
if $long; then ./mvnw -B -ntp verify -Dit.excludedGroups=; else ./mvnw -B -ntp verify; fi

echo "==> Fuzzing: time-bounded Jazzer runs from the committed corpora"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"

if [ -x scripts/test-glue-job.sh ] || [ -f scripts/test-glue-job.sh ]; then
  echo "==> Glue job: pytest under local pyspark"
  if $long; then bash scripts/test-glue-job.sh -m ""; else bash scripts/test-glue-job.sh; fi
fi

if [ -f scripts/check-infra.sh ]; then
  echo "==> Infra: template checks"
  bash scripts/check-infra.sh --with-build
fi
echo "==> Soak: ${SOAK_EVENTS:-100000} events through the processor and the transformer"
bash scripts/soak.sh "${SOAK_EVENTS:-100000}"
echo "==> all tests passed"

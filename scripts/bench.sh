#!/usr/bin/env bash
# Runs Tributary's benchmarks and writes docs/performance.md (about 20 minutes on 2 cores).
#
#   scripts/bench.sh                 everything: build, JMH throughput + allocation, cold starts, sizes, report
#   scripts/bench.sh --report-only   rewrite docs/performance.md from the last results in benchmarks/target/bench/
#   scripts/bench.sh --cost          the whole bill per TiB: a demo run with cost counters (10,000 events through
#                                    processor, transformer and Glue) and two one-window runs of the Glue job alone
#                                    (2,000 and 30,000 events) for its CPU per record; 20-50 minutes on a loaded
#                                    2-core machine; then CostReport prints the table
#                                    (benchmarks/target/bench/cost.md, which the report puts into docs/performance.md)
#   COST_EVENTS=10000 COST_GLUE_EVENTS="2000 30000" COST_BATCH_SIZE=  events of the demo run and of the Glue-only
#                                    runs; a batch size other than the template's default
#
#   COLD_START_RUNS=20  fresh processes per cold-start variant
#   COLD_START_BASELINE_JAR=FAT.jar  also time a self-contained processor jar (no layer) in the same run
#   JMH_ARGS=...        extra JMH options (e.g. "-wi 2 -i 3" for a quicker, noisier run)
#
# Every figure is a ratio to a floor measured in the same run, so a slower or busier machine moves the absolute
# numbers, not the conclusions. JMH runs pinned to one core (taskset) so "per core" means what it says.
# Cold starts need an emulator: AWS_ENDPOINT_URL if set, else moto, started here and stopped afterwards.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TRIBUTARY_ROOT"
select_jdk

OUT="benchmarks/target/bench"
if [ "${1:-}" = "--cost" ]; then
  mkdir -p "$OUT"
  ensure_glue_env; ensure_iceberg_env; ensure_moto_server; use_emulator
  # One reactor run, so the class path names this build's modules, not copies in ~/.m2 (a clean machine has none).
  ./mvnw -B -q -ntp -pl devtools,benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$PWD/$OUT/classpath.txt" >/dev/null
  # Event times within a minute of now: a steady stream's batch covers seconds, so one hour partition per type.
  "$JAVA_HOME/bin/java" -jar devtools/target/tributary-dev.jar demo --events "${COST_EVENTS:-10000}" --event-time now \
    --event-time-spread 60 --no-query \
    ${COST_BATCH_SIZE:+--batch-size "$COST_BATCH_SIZE"} --cost-counters "$OUT/cost-counters.json" >&2
  # A demo-sized Glue run is all start-up (Spark, table loads, commits: about 250 CPU-s whether 2,000 or 10,000
  # records), so the job's CPU per record comes from one-window runs of the job alone at two sizes, each process tree
  # measured by cpu_seconds.py (the moto server outside it: AWS's side of a request is not Glue's bill).
  for size in ${COST_GLUE_EVENTS:-2000 30000}; do
    port="$("$TOOLS_DIR/glue-venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "$TRIBUTARY_MOTO_SERVER" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    moto_pid=$!
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done
    (export JAVA_HOME="$SPARK_JAVA_HOME" PATH="$SPARK_JAVA_HOME/bin:$PATH"; unset SPARK_HOME
     "$TOOLS_DIR/glue-venv/bin/python" glue-job/tools/cpu_seconds.py "$OUT/glue-cpu-$size.txt" \
       "$TOOLS_DIR/glue-venv/bin/python" glue-job/tools/bench_iceberg.py --endpoint "http://127.0.0.1:$port" \
       --windows 1 --events "$size" >&2)
    kill "$moto_pid" 2>/dev/null || true
    printf '{"kind": "glue-bench", "glue.records_in": %s, "glue.cpu_seconds": %s}\n' "$size" \
      "$(cat "$OUT/glue-cpu-$size.txt")" > "$OUT/glue-bench-$size.json"
  done
  # The first file is the run the bill scales; the Glue-only runs give the job's CPU per record.
  "$JAVA_HOME/bin/java" -cp "$PWD/benchmarks/target/classes:$(cat "$OUT/classpath.txt")" \
    dev.tributary.benchmarks.cost.CostReport "$OUT/cost-counters.json" "$OUT"/glue-bench-*.json | tee "$OUT/cost.md"
  [ -f "$OUT/jmh.json" ] && python3 scripts/bench_report.py "$OUT" docs/performance.md && echo "wrote docs/performance.md" >&2
  exit 0
fi
if [ "${1:-}" != "--report-only" ]; then
  mkdir -p "$OUT"
  # One reactor run, as for --cost: the class path names this build's jars, not copies `install` would leave in ~/.m2
  # (shared by every checkout on the machine). benchmarks is the reactor's last module, so its class path is the file.
  ./mvnw -B -q -ntp -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$PWD/$OUT/classpath.txt" >/dev/null
  # Copies, so a concurrent build cannot swap a jar under a run.
  cp kinesis-processor/target/kinesis-processor.jar layer/target/common-layer.zip "$OUT/"
  for module in s3-transformer glue-orchestrator; do
    [ -f "$module/target/$module.jar" ] && cp "$module/target/$module.jar" "$OUT/"
  done
  CLASSPATH_FOR_BENCH="$PWD/benchmarks/target/classes:$(cat "$OUT/classpath.txt")"
  PIN=(); command -v taskset >/dev/null && PIN=(taskset -c "$(($(nproc) - 1))")

  echo "==> JMH: throughput and allocation (processor, transformer, floors)" >&2
  "${PIN[@]}" "$JAVA_HOME/bin/java" -cp "$CLASSPATH_FOR_BENCH" org.openjdk.jmh.Main \
    'ThroughputBenchmark' -p gzipLevel=1,6 -p s3Path=created,retried -prof gc \
    -rf json -rff "$OUT/jmh.json" ${JMH_ARGS:-} | tee "$OUT/jmh.log" | grep -E '^(Benchmark|Processor|Transformer)' | grep -v ':gc\.' >&2

  echo "==> cold starts (${COLD_START_RUNS:-20} fresh processes per variant)" >&2
  started_emulator=""
  if [ -z "${AWS_ENDPOINT_URL:-}" ]; then
    # Stop it afterwards only if this run started it: another session may be using a running one.
    scripts/emulator.sh endpoint >/dev/null 2>&1 && already_running=yes || already_running=""
    scripts/emulator.sh start >/dev/null
    eval "$(scripts/emulator.sh env)"
    [ -z "$already_running" ] && started_emulator=yes
  fi
  trap '[ -n "$started_emulator" ] && scripts/emulator.sh stop >/dev/null 2>&1 || true' EXIT
  ensure_rie   # the real Lambda Runtime Interface Emulator (from the SAM CLI wheel) the harness runs functions under
  "$JAVA_HOME/bin/java" -cp "$CLASSPATH_FOR_BENCH" dev.tributary.benchmarks.ColdStartHarness \
    --runs "${COLD_START_RUNS:-20}" --function-jar "$OUT/kinesis-processor.jar" \
    --layer-zip "$OUT/common-layer.zip" ${COLD_START_BASELINE_JAR:+--baseline-jar "$COLD_START_BASELINE_JAR"} --out "$OUT/cold-start.json" \
    | tee "$OUT/cold-start.log" >&2
  "$JAVA_HOME/bin/java" -cp "$CLASSPATH_FOR_BENCH" dev.tributary.benchmarks.BatchFacts > "$OUT/facts.json"
  {
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) ($(nproc) cores)"
    echo "memory=$(free -g | awk '/Mem:/ {print $2}') GB"
    echo "os=$(uname -sr)"
    echo "java=$("$JAVA_HOME/bin/java" -version 2>&1 | head -2 | tail -1)"
    echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$OUT/machine.properties"
fi
python3 scripts/bench_report.py "$OUT" docs/performance.md
echo "wrote docs/performance.md" >&2

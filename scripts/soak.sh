#!/usr/bin/env bash
# Soak: the kinesis-processor and the s3-transformer under sustained load through the emulator, one warm handler
# each for the whole run, with the heap (after GC), threads, file descriptors and sockets sampled after every round.
#
#   scripts/soak.sh [EVENTS] [OPTIONS]   EVENTS default 100000, in rounds of 5000 (--round M)
#   scripts/soak.sh 20000 --plant-leak 100   keeps 100 bytes per event on purpose: the verdict must FAIL
#
# Exits 1 when the heap is not flat, threads/descriptors/sockets accumulate, or any record is lost, duplicated or
# unknown by content (the per-record ledger, preallocated before round 1 so it adds nothing to the heap slope)
# (benchmarks/src/main/java/dev/tributary/benchmarks/SoakHarness.java, SoakVerdict.java). Uses AWS_ENDPOINT_URL if
# set, else moto (reused when running; stopped afterwards only if this run started it). 100,000 events take about
# 4-6 minutes on 2 cores, mostly in the emulator.
#   SOAK_HEAP=512m   the harness JVM's -Xmx: a smaller heap than a function's makes a leak show sooner
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
select_jdk

EVENTS=100000
case "${1:-}" in
  -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  '') ;;
  -*) ;;
  *[!0-9]*) echo "usage: scripts/soak.sh [EVENTS] [--round M] [--plant-leak BYTES]" >&2; exit 2 ;;
  *) EVENTS="$1"; shift ;;
esac

use_emulator

OUT="benchmarks/target/soak"
mkdir -p "$OUT"
echo "==> building" >&2
./mvnw -B -q -pl benchmarks -am install -DskipTests
./mvnw -B -q -pl benchmarks dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$PWD/$OUT/classpath.txt" >/dev/null

echo "==> soak: $EVENTS events" >&2
status=0
"$JAVA_HOME/bin/java" -Xmx"${SOAK_HEAP:-512m}" -cp "$PWD/benchmarks/target/classes:$(cat "$OUT/classpath.txt")" \
  dev.tributary.benchmarks.SoakHarness --events "$EVENTS" "$@" || status=$?
exit "$status"

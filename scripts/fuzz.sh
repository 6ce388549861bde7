#!/usr/bin/env bash
# Time-bounded fuzzing with Jazzer's standalone driver (libFuzzer inside the JVM).
#
#   scripts/fuzz.sh [SECONDS]                 fuzz every target for SECONDS each (default 60; the test command: 30)
#   scripts/fuzz.sh SECONDS --seed N [--runs R]   one run of each target with libFuzzer seed N (R inputs at most)
#
# Without --seed, each target's SECONDS are split in two: half with the fixed seed $FUZZ_FIXED_SEED (20261128: the
# same inputs every build) and half with a rotating seed (FUZZ_SEED, or the clock), which is printed with the
# command that replays it. A seeded run starts from the committed corpus only (a fresh working directory), so the
# seed and the number of inputs reproduce it: `scripts/fuzz.sh 30 --seed N --runs R` with R the executions printed.
#
# Targets are classes with a static fuzzerTestOneInput(byte[]) in a module's test sources. Each starts from its
# committed corpus (<Target>ITInputs/ next to its JUnit regression test) alone; its log is
# .tools/fuzz/<Target>-last-run.log. A crash fails the run and leaves the input in .tools/fuzz/crashes/: add it to
# the committed corpus and fix the bug; the JUnit regression test then replays it forever.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
select_jdk
seconds="${1:-60}"
[ $# -gt 0 ] && shift
seed=""
runs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
fixed_seed="${FUZZ_FIXED_SEED:-20261128}"
if [ -n "$seed" ]; then
  plan=("$seed:$seconds")
else
  rotating="${FUZZ_SEED:-$(( $(date +%s) % 2147483647 ))}"
  half=$(( (seconds + 1) / 2 ))
  plan=("$fixed_seed:$half" "$rotating:$(( seconds - half > 0 ? seconds - half : 1 ))")
fi

# module:target-class:committed-corpus
targets=(
  "common-layer:dev.tributary.common.fuzz.EventDecoderFuzzer:common-layer/src/test/resources/dev/tributary/common/fuzz/EventDecoderFuzzITInputs/decode"
)
if [ -f s3-transformer/src/test/java/dev/tributary/transformer/fuzz/RawObjectReaderFuzzer.java ]; then
  targets+=("s3-transformer:dev.tributary.transformer.fuzz.RawObjectReaderFuzzer:s3-transformer/src/test/resources/dev/tributary/transformer/fuzz/RawObjectReaderFuzzITInputs/read")
fi

mkdir -p "$TOOLS_DIR/fuzz/crashes"
status=0
for entry in "${targets[@]}"; do
  IFS=: read -r module target corpus <<<"$entry"
  # One reactor run: the module's upstream modules resolve to their freshly compiled classes, never to ~/.m2 (where a
  # clean machine has none of them). Each module writes the file in reactor order; the target module, last, wins.
  ./mvnw -B -q -ntp -pl "$module" -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile="$TOOLS_DIR/fuzz/$module.classpath" >/dev/null
  for step in "${plan[@]}"; do
    IFS=: read -r run_seed run_seconds <<<"$step"
    # A fresh working directory: the run starts from the committed corpus alone, so its seed reproduces it.
    work="$(mktemp -d)"
    log="$TOOLS_DIR/fuzz/${target##*.}-last-run.log"
    echo "==> fuzzing ${target##*.} for ${run_seconds}s with seed $run_seed"
    # Instrument only our code and Jackson's parser: instrumenting every library costs most of a short run.
    if ! java -cp "$module/target/test-classes:$module/target/classes:$(cat "$TOOLS_DIR/fuzz/$module.classpath")" \
        com.code_intelligence.jazzer.Jazzer --target_class="$target" \
        --instrumentation_includes='dev.tributary.**:com.fasterxml.jackson.core.**' --custom_hook_excludes='**' \
        -seed="$run_seed" ${runs:+-runs="$runs"} \
        -max_total_time="$run_seconds" -rss_limit_mb=4096 -artifact_prefix="$TOOLS_DIR/fuzz/crashes/" \
        "$work" "$corpus" > "$log" 2>&1; then
      echo "CRASH in ${target##*.} (seed $run_seed): see $log and $TOOLS_DIR/fuzz/crashes/" >&2
      grep -A12 '== Java Exception' "$log" >&2 || tail -30 "$log" >&2
      status=1
    else
      grep -E '^#[0-9]+ +DONE|^Done [0-9]+ runs' "$log" | sed 's/^/    /' || true
    fi
    rm -rf "$work"
    execs="$(grep -oE '^Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || true)"
    echo "    seed $run_seed; replay: scripts/fuzz.sh $run_seconds --seed $run_seed${execs:+ --runs $execs}"
  done
done
exit $status

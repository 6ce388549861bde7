#!/usr/bin/env bash
# Time-bounded fuzzing with Jazzer's standalone driver (libFuzzer inside the JVM).
#
#   scripts/fuzz.sh [SECONDS]      fuzz every target for SECONDS each (default 60); the test command uses 30
#
# Targets are classes with a static fuzzerTestOneInput(byte[]) in a module's test sources. Each starts from its
# committed corpus (<Target>ITInputs/ next to its JUnit regression test) plus what earlier runs found
# (.tools/fuzz/<target>/). A crash fails the run and leaves the input in .tools/fuzz/crashes/: add it to the
# committed corpus and fix the bug; the JUnit regression test then replays it forever.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
select_jdk
seconds="${1:-60}"

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
  ./mvnw -B -q -ntp -pl "$module" -am test-compile -DskipTests >/dev/null
  ./mvnw -B -q -ntp -pl "$module" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$TOOLS_DIR/fuzz/$module.classpath" >/dev/null
  work="$TOOLS_DIR/fuzz/${target##*.}"
  mkdir -p "$work"
  echo "==> fuzzing ${target##*.} for ${seconds}s"
  # Instrument only our code and Jackson's parser: instrumenting every library costs most of a short run.
  if ! java -cp "$module/target/test-classes:$module/target/classes:$(cat "$TOOLS_DIR/fuzz/$module.classpath")" \
      com.code_intelligence.jazzer.Jazzer --target_class="$target" \
      --instrumentation_includes='dev.tributary.**:com.fasterxml.jackson.core.**' --custom_hook_excludes='**' \
      -max_total_time="$seconds" -rss_limit_mb=4096 -artifact_prefix="$TOOLS_DIR/fuzz/crashes/" \
      "$work" "$corpus" > "$work/last-run.log" 2>&1; then
    echo "CRASH in ${target##*.}: see $work/last-run.log and $TOOLS_DIR/fuzz/crashes/" >&2
    grep -A12 '== Java Exception' "$work/last-run.log" >&2 || tail -30 "$work/last-run.log" >&2
    status=1
  else
    grep -E '^#[0-9]+ +DONE|^Done [0-9]+ runs' "$work/last-run.log" | sed 's/^/    /' || true
  fi
done
exit $status

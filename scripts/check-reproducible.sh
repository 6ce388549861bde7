#!/usr/bin/env bash
# Builds the deployment packages twice, from two copies of the working tree at different paths, and compares their
# SHA-256: the three functions' shaded jars and the common layer's zip must be byte-identical. A package that changes
# on every build is re-uploaded by every `sam deploy` and, with AutoPublishAlias, publishes a new SnapStart version.
# What makes them reproducible: project.build.outputTimestamp in the parent POM (docs/performance.md, "Packages").
#
#   scripts/check-reproducible.sh        about 2 x 1-3 minutes (offline Maven, tests not compiled); BUILD_TIMEOUT=600
#
# Exit status 0 when every package is identical, 1 when one differs or a build fails (the logs are kept then).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
select_jdk

PACKAGES=(kinesis-processor/target/kinesis-processor.jar s3-transformer/target/s3-transformer.jar
          glue-orchestrator/target/glue-orchestrator.jar layer/target/common-layer.zip)
MODULES=kinesis-processor,s3-transformer,glue-orchestrator,layer
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tributary-repro.XXXXXX")"
keep=""
trap '[ -z "$keep" ] && rm -rf "$WORK"' EXIT

build() { # build NAME: copies the tree to $WORK/NAME (no target/, .git, .tools) and packages it there
  local dir="$WORK/$1"
  mkdir -p "$dir"
  (cd "$TRIBUTARY_ROOT" && tar --exclude=./.git --exclude=./.tools --exclude='*/target' --exclude=./infra/.aws-sam \
     -cf - .) | tar -C "$dir" -xf -
  echo "==> build $1 ($dir)" >&2
  if ! (cd "$dir" && timeout "${BUILD_TIMEOUT:-600}" ./mvnw -B -ntp -o -q -Dmaven.test.skip=true \
          -pl "$MODULES" -am package >"$WORK/$1.log" 2>&1); then
    keep=yes
    echo "FAIL: build $1 failed; log: $WORK/$1.log" >&2
    tail -20 "$WORK/$1.log" >&2
    exit 1
  fi
}

start=$SECONDS
build first
build second
differ=0
for package in "${PACKAGES[@]}"; do
  a="$(sha256sum "$WORK/first/$package" | cut -d' ' -f1)"
  b="$(sha256sum "$WORK/second/$package" | cut -d' ' -f1)"
  size="$(stat -c %s "$WORK/first/$package")"
  if [ "$a" = "$b" ]; then
    printf 'same    %-48s %10d bytes  %s\n' "$package" "$size" "$a"
  else
    printf 'DIFFERS %-48s %s / %s\n' "$package" "$a" "$b"
    differ=1
  fi
done
echo "($((SECONDS - start)) s)"
if [ "$differ" = 1 ]; then
  keep=yes
  echo "FAIL: not reproducible; compare the entries, e.g. diff <(unzip -lv $WORK/first/<package>) <(unzip -lv $WORK/second/<package>)" >&2
  exit 1
fi
echo "reproducible: every package identical across two builds"

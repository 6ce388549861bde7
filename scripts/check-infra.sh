#!/usr/bin/env bash
# Checks infra/template.yaml. Needs Python 3 and PyPI (tools are pinned and installed into .tools/ once); no AWS
# account, network access to AWS or Docker.
#
#   scripts/check-infra.sh               1. sam validate --lint + cfn-lint   2. checkov   3. template contract tests
#   scripts/check-infra.sh --with-build  also 4. sam build + every Handler resolves in the built jars (needs the
#                                        Maven-built jars and layer zip: run ./mvnw verify first; a missing one FAILS)
#   scripts/check-infra.sh --reproducible also 5. the packages build byte-identical twice (scripts/check-reproducible.sh)
#
# Every check runs even when an earlier one failed; the exit status is non-zero if any failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WITH_BUILD=0
REPRODUCIBLE=0
for arg in "$@"; do
  case "$arg" in
    --with-build) WITH_BUILD=1 ;;
    --reproducible) REPRODUCIBLE=1 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

INFRA_DIR="$TRIBUTARY_ROOT/infra"
TEMPLATE="$INFRA_DIR/template.yaml"
SAM_VENV="$TOOLS_DIR/infra"
CHECKOV_VENV="$TOOLS_DIR/infra-checkov"

# Offline from AWS: a fixed region, dummy credentials, no instance-metadata lookups, no telemetry.
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_SESSION_TOKEN=test
unset AWS_PROFILE
export AWS_EC2_METADATA_DISABLED=true SAM_CLI_TELEMETRY=0
export PYTHONDONTWRITEBYTECODE=1

start=$SECONDS
ensure_venv infra "$TRIBUTARY_ROOT/scripts/requirements-infra.txt"
ensure_venv infra-checkov "$INFRA_DIR/requirements-checkov.txt"
echo "==> tools ready ($((SECONDS - start)) s)"

SUMMARY=()
FAILED=0
record() { # record STATUS NAME DETAIL
  SUMMARY+=("$(printf '%-4s  %-34s %s' "$1" "$2" "$3")")
  [ "$1" = FAIL ] && FAILED=1
  return 0
}

# ---------------------------------------------------------------- 1. sam validate --lint + cfn-lint
echo "==> 1. sam validate --lint, cfn-lint"
lint_ok=1
(cd "$INFRA_DIR" && "$SAM_VENV/bin/sam" validate --lint --template-file template.yaml) || lint_ok=0
"$SAM_VENV/bin/cfn-lint" --format parseable -- "$TEMPLATE" || lint_ok=0
if [ "$lint_ok" = 1 ]; then
  record PASS "sam validate --lint + cfn-lint" "no errors or warnings ($("$SAM_VENV/bin/cfn-lint" --version | tr -d '\n'))"
else
  record FAIL "sam validate --lint + cfn-lint" "see the messages above"
fi

# ---------------------------------------------------------------- 2. checkov
echo "==> 2. checkov"
checkov_out="$(mktemp)"
set +e
"$CHECKOV_VENV/bin/checkov" --file "$TEMPLATE" --framework cloudformation --skip-download --compact \
  --quiet >"$checkov_out" 2>&1
checkov_rc=$?
set -e
cat "$checkov_out"
counts="$(grep -Eo 'Passed checks: [0-9]+, Failed checks: [0-9]+, Skipped checks: [0-9]+' "$checkov_out" | tail -n 1 || true)"
rm -f "$checkov_out"
passed="$(sed -E 's/Passed checks: ([0-9]+).*/\1/' <<<"$counts")"
if [ "$checkov_rc" = 0 ] && [ -n "$counts" ] && [ "${passed:-0}" -gt 0 ]; then
  record PASS "checkov" "$counts (suppressions: Metadata.checkov.skip in the template)"
else
  record FAIL "checkov" "exit $checkov_rc; ${counts:-no results (template not parsed?)}"
fi

# ---------------------------------------------------------------- 3. contract tests
echo "==> 3. template contract tests (infra/tests)"
pytest_out="$(mktemp)"
set +e
"$SAM_VENV/bin/python" -m pytest -q -p no:cacheprovider "$INFRA_DIR/tests" 2>&1 | tee "$pytest_out"
pytest_rc=${PIPESTATUS[0]}
set -e
pytest_line="$(grep -E '[0-9]+ (passed|failed)' "$pytest_out" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')"
rm -f "$pytest_out"
if [ "$pytest_rc" = 0 ]; then
  record PASS "template contract tests" "$pytest_line"
else
  record FAIL "template contract tests" "exit $pytest_rc; ${pytest_line:-no result}"
fi

# ---------------------------------------------------------------- 4. sam build + handlers (opt-in)
if [ "$WITH_BUILD" = 1 ]; then
  echo "==> 4. sam build (no Docker) + handler check"
  build_dir="$INFRA_DIR/.aws-sam/build"
  build_ok=1
  if ! select_jdk; then
    record FAIL "sam build + handler check" "no JDK 25 for javap"
  else
    (cd "$INFRA_DIR" && "$SAM_VENV/bin/sam" build --template-file template.yaml --build-dir "$build_dir") || build_ok=0
    if [ "$build_ok" = 1 ] && "$SAM_VENV/bin/python" "$INFRA_DIR/tools/check_handlers.py" "$build_dir/template.yaml" \
         --javap "$JAVA_HOME/bin/javap"; then
      record PASS "sam build + handler check" "every Handler is a public method in its jar; layers are java/lib zips sharing no class with a jar"
    else
      record FAIL "sam build + handler check" "see the messages above"
    fi
  fi
else
  record SKIP "sam build + handler check" "run with --with-build after ./mvnw verify"
fi

# ---------------------------------------------------------------- 5. reproducible packages (opt-in)
if [ "$REPRODUCIBLE" = 1 ]; then
  echo "==> 5. reproducible packages (two builds, SHA-256 compared)"
  if "$TRIBUTARY_ROOT/scripts/check-reproducible.sh"; then
    record PASS "reproducible packages" "3 function jars + layer zip identical across two builds"
  else
    record FAIL "reproducible packages" "see the messages above"
  fi
else
  record SKIP "reproducible packages" "run with --reproducible"
fi

echo
echo "infra checks ($((SECONDS - start)) s):"
printf '  %s\n' "${SUMMARY[@]}"
exit "$FAILED"

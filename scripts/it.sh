#!/usr/bin/env bash
# Runs one integration test class against fresh builds of the modules it depends on.
#
#   scripts/it.sh ClassName [extra Maven arguments]     e.g. scripts/it.sh NetworkFaultIT
#                                                            scripts/it.sh GlueOrchestratorIT -Dit.test=GlueOrchestratorIT#tick*
#
# Finds the module whose test sources hold ClassName.java, builds it with its upstream modules from this checkout
# (./mvnw -pl MODULE -am verify: nothing comes from ~/.m2's installed copies) and runs only that class under
# failsafe, unit tests skipped. The emulator is the test command's: AWS_ENDPOINT_URL when set, otherwise moto started
# by scripts/emulator.sh (and stopped again if this script started it), with the IAM gate's evaluator and the local
# Glue, Iceberg and Lambda runtime environments the scenario tests need (scripts/lib.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
if [ $# -lt 1 ] || [[ "$1" == -* ]]; then
  sed -n '2,11p' "$0"
  exit 2
fi
class="$1"
shift
mapfile -t found < <(git ls-files -- "*/src/test/java/*/$class.java" 2>/dev/null || true)
[ ${#found[@]} -gt 0 ] || mapfile -t found < <(find . -path '*/src/test/java/*' -name "$class.java" -not -path './.tools/*')
if [ ${#found[@]} -ne 1 ]; then
  echo "expected one test class named $class under */src/test/java, found ${#found[@]}: ${found[*]:-none}" >&2
  exit 2
fi
module="${found[0]#./}"
module="${module%%/src/test/java/*}"
select_jdk
ensure_glue_env
ensure_iceberg_env
ensure_rie
use_emulator
echo "==> $class in module $module (upstream modules rebuilt), emulator $AWS_ENDPOINT_URL"
./mvnw -B -ntp -pl "$module" -am verify -Dit.test="$class" -Dtest=NONE \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Dit.excludedGroups= "$@"

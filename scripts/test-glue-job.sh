#!/usr/bin/env bash
# Runs the Glue job's tests (glue-job/tests) under local PySpark.
#
#   scripts/test-glue-job.sh [PYTEST_ARGS...]
#
# Installs the pinned test dependencies (glue-job/requirements-test.txt: PySpark 3.5.4, the Spark of
# AWS Glue 5.0) into .tools/glue-venv on first use. Spark 3.5 does not run on Java 25, so this script
# points JAVA_HOME at a JDK 17 (Glue 5.0's Java) whatever the shell's JAVA_HOME is.
# Nothing needs to be preinstalled but Python 3.11 (or 3.9+), a JDK 17 and access to PyPI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SPARK_JAVA_MAJOR=17

# Exports JAVA_HOME pointing at a JDK 17 (the Java Spark 3.5 and Glue 5.0 use): $SPARK_JAVA_HOME if set,
# else the current JAVA_HOME if it is a 17, else the first 17 found in the usual install locations.
select_spark_jdk() {
  local candidate
  for candidate in "${SPARK_JAVA_HOME:-}" "${JAVA_HOME:-}" \
                   /usr/lib/jvm/java-17-openjdk* /usr/lib/jvm/temurin-17* /usr/lib/jvm/*-17* /usr/lib/jvm/* \
                   /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    if [ "$(java_major "$candidate")" = "$SPARK_JAVA_MAJOR" ]; then
      export JAVA_HOME="$candidate"; export PATH="$JAVA_HOME/bin:$PATH"; return 0
    fi
  done
  echo "error: the Glue job's tests need a JDK $SPARK_JAVA_MAJOR (Spark 3.5 does not run on newer Java);" \
       "install one (e.g. apt-get install openjdk-17-jdk-headless) or set SPARK_JAVA_HOME to it." >&2
  return 1
}

select_spark_jdk
ensure_venv glue-venv "$TRIBUTARY_ROOT/glue-job/requirements-test.txt"

VENV_PYTHON="$TOOLS_DIR/glue-venv/bin/python"
export PYSPARK_PYTHON="$VENV_PYTHON" PYSPARK_DRIVER_PYTHON="$VENV_PYTHON"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"   # no DNS look-up of the host name, loopback only
unset SPARK_HOME                                         # use the pinned pyspark, not a system Spark

echo "==> glue-job tests (java: $JAVA_HOME, python: $VENV_PYTHON)" >&2
cd "$TRIBUTARY_ROOT/glue-job"
status=0
"$VENV_PYTHON" -m pytest -p no:cacheprovider tests "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
fi
exit "$status"

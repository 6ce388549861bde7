#!/usr/bin/env bash
# Runs the Glue job's tests (glue-job/tests) under local PySpark.
#
#   scripts/test-glue-job.sh [PYTEST_ARGS...]
#
# Installs the pinned test dependencies (glue-job/requirements-test.txt: PySpark 3.5.4, the Spark of
# AWS Glue 5.0) into .tools/glue-venv, Iceberg 1.7.1's jars and pyiceberg (ensure_iceberg_env) and moto's server
# on first use. Spark 3.5 does not run on Java 25, so this script
# points JAVA_HOME at a JDK 17 (Glue 5.0's Java) whatever the shell's JAVA_HOME is.
# Nothing needs to be preinstalled but Python 3.11 (or 3.9+), a JDK 17 and access to PyPI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_glue_env
ensure_iceberg_env     # Iceberg jars (GlueCatalog, S3FileIO) and the independent reader (pyiceberg)
ensure_moto_server     # the tests' own moto server: the Glue Data Catalog and S3 the Iceberg tables live in
export JAVA_HOME="$SPARK_JAVA_HOME" PATH="$SPARK_JAVA_HOME/bin:$PATH"

VENV_PYTHON="$TOOLS_DIR/glue-venv/bin/python"
unset SPARK_HOME                                         # use the pinned pyspark, not a system Spark

echo "==> glue-job tests (java: $JAVA_HOME, python: $VENV_PYTHON)" >&2
cd "$TRIBUTARY_ROOT/glue-job"
status=0
"$VENV_PYTHON" -m pytest -p no:cacheprovider tests "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
fi
exit "$status"

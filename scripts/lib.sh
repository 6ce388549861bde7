# Shared helpers for Tributary's scripts. Source it; do not run it.
# Selects a JDK 25 for Maven even when the machine's default java is older,
# and knows where the project-local tools (virtualenvs, emulator state) live.

TRIBUTARY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TRIBUTARY_TOOLS_DIR:-$TRIBUTARY_ROOT/.tools}"
REQUIRED_JAVA_MAJOR=25

java_major() { # prints the major version of the java binary in $1/bin
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# Exports JAVA_HOME pointing at a JDK >= 25: the current JAVA_HOME if it is one,
# otherwise the first JDK 25+ found in the usual install locations.
select_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] \
     && [ "$(java_major "$JAVA_HOME")" -ge "$REQUIRED_JAVA_MAJOR" ] 2>/dev/null; then
    export JAVA_HOME; export PATH="$JAVA_HOME/bin:$PATH"; return 0
  fi
  local candidate
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/* \
                   /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$candidate/bin/java" ] || continue
    if [ "$(java_major "$candidate")" -ge "$REQUIRED_JAVA_MAJOR" ] 2>/dev/null; then
      export JAVA_HOME="$candidate"; export PATH="$JAVA_HOME/bin:$PATH"; return 0
    fi
  done
  echo "error: Tributary needs a JDK $REQUIRED_JAVA_MAJOR or newer; set JAVA_HOME to one (e.g. Temurin 25)." >&2
  return 1
}

# Creates (once) a virtualenv under .tools/ and installs a pinned requirements file into it.
# Re-installs only when the requirements file changed. Usage: ensure_venv NAME REQUIREMENTS_FILE
ensure_venv() {
  local name="$1" requirements="$2" venv="$TOOLS_DIR/$1" stamp
  stamp="$venv/.requirements.sha256"
  local want included
  # A file pulled in with "-r other.txt" (relative to the requirements file, as pip reads it) is part of the stamp.
  included="$(sed -n 's/^-r[[:space:]]*//p' "$requirements" | while read -r f; do echo "$(dirname "$requirements")/$f"; done)"
  if [ -n "$included" ]; then
    want="$(cat "$requirements" $included | sha256sum | cut -d' ' -f1)"
  else
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  fi
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  local python="${PYTHON:-$(command -v python3 || command -v python)}"
  [ -n "$python" ] || { echo "error: python3 is needed to install $name" >&2; return 1; }
  echo "==> installing $name into $venv (one time)" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  echo "$want" > "$stamp"
}

# Exports JAVA_HOME pointing at a JDK 17, the Java of Spark 3.5 and AWS Glue 5.0 (Spark 3.5 does not run on
# Java 25): $SPARK_JAVA_HOME if set, else the current JAVA_HOME if it is a 17, else the first 17 installed.
SPARK_JAVA_MAJOR=17
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
  echo "error: the Glue job needs a JDK $SPARK_JAVA_MAJOR (Spark 3.5 does not run on newer Java);" \
       "install one (e.g. apt-get install openjdk-17-jdk-headless) or set SPARK_JAVA_HOME to it." >&2
  return 1
}

# Installs the Glue job's local runtime (pinned PySpark, the Spark of Glue 5.0) into .tools/glue-venv and
# exports what running it needs: GLUE_PYTHON, SPARK_JAVA_HOME, PYSPARK_PYTHON, SPARK_LOCAL_IP.
ensure_glue_env() {
  ensure_venv glue-venv "$TRIBUTARY_ROOT/glue-job/requirements-test.txt"
  local saved_java_home="${JAVA_HOME:-}"
  select_spark_jdk || return 1
  export SPARK_JAVA_HOME="$JAVA_HOME"
  if [ -n "$saved_java_home" ]; then export JAVA_HOME="$saved_java_home"; export PATH="$JAVA_HOME/bin:$PATH"; fi
  export GLUE_PYTHON="$TOOLS_DIR/glue-venv/bin/python"
  export PYSPARK_PYTHON="$GLUE_PYTHON" PYSPARK_DRIVER_PYTHON="$GLUE_PYTHON"
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"   # no DNS look-up of the host name, loopback only
}

# Iceberg for the Glue job's local runs: the Iceberg of AWS Glue 5.0 (1.7.1, built for its Spark 3.5.4; see
# docs/glue-job.md "Iceberg version"), whose Spark runtime and AWS bundle (GlueCatalog, S3FileIO) Glue adds for
# --datalake-formats iceberg. Fetched once from Maven Central into .tools/iceberg-jars/<version>/ with the project's
# Maven wrapper. Also installs the independent reader of the tables (glue-job/requirements-iceberg.txt: pyiceberg)
# into .tools/iceberg-venv. Exports TRIBUTARY_ICEBERG_JARS (comma-separated) and ICEBERG_READER_PYTHON.
ICEBERG_VERSION=1.7.1
ensure_iceberg_env() {
  local dir="$TOOLS_DIR/iceberg-jars/$ICEBERG_VERSION" artifact
  local artifacts=("iceberg-spark-runtime-3.5_2.12" "iceberg-aws-bundle")
  if [ ! -f "$dir/.complete" ]; then
    echo "==> fetching Iceberg $ICEBERG_VERSION jars into $dir (one time)" >&2
    mkdir -p "$dir"
    for artifact in "${artifacts[@]}"; do
      (select_jdk && cd "$TRIBUTARY_ROOT" && ./mvnw -B -q -ntp -N dependency:copy \
         -Dartifact="org.apache.iceberg:$artifact:$ICEBERG_VERSION" -DoutputDirectory="$dir" >&2) || return 1
    done
    touch "$dir/.complete"
  fi
  local jars=() jar
  for artifact in "${artifacts[@]}"; do
    jar="$dir/$artifact-$ICEBERG_VERSION.jar"
    [ -s "$jar" ] || { echo "error: $jar is missing; delete $dir and run again" >&2; rm -f "$dir/.complete"; return 1; }
    jars+=("$jar")
  done
  TRIBUTARY_ICEBERG_JARS="$(IFS=,; echo "${jars[*]}")"
  export TRIBUTARY_ICEBERG_JARS
  ensure_venv iceberg-venv "$TRIBUTARY_ROOT/glue-job/requirements-iceberg.txt"
  export ICEBERG_READER_PYTHON="$TOOLS_DIR/iceberg-venv/bin/python"
}

# The Python tool behind `tributary query` (glue-job/tools/query.py: pyiceberg through the Glue Data Catalog + DuckDB,
# glue-job/requirements-query.txt) in .tools/query-venv; exports TRIBUTARY_QUERY_PYTHON, which the CLI runs it with.
ensure_query_env() {
  ensure_venv query-venv "$TRIBUTARY_ROOT/glue-job/requirements-query.txt"
  export TRIBUTARY_QUERY_PYTHON="$TOOLS_DIR/query-venv/bin/python"
}

# moto's server for the Glue job's tests (the same pinned moto as scripts/emulator.sh); exports TRIBUTARY_MOTO_SERVER.
ensure_moto_server() {
  ensure_venv moto-venv "$TRIBUTARY_ROOT/scripts/requirements-emulator.txt"
  export TRIBUTARY_MOTO_SERVER="$TOOLS_DIR/moto-venv/bin/moto_server"
}

# Installs the local IAM gate's policy evaluator (@cloud-copilot/iam-simulate, pinned by devkit/iam/package-lock.json)
# into .tools/iam-simulator and exports TRIBUTARY_IAM_SIMULATOR. Every local run authorizes the functions' calls
# against their template roles through it (devkit IamGate); it needs Node.js 18+.
ensure_iam_simulator() {
  local dir="$TOOLS_DIR/iam-simulator" source="$TRIBUTARY_ROOT/devkit/iam"
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
    echo "error: the local IAM gate needs Node.js 18+ and npm (e.g. apt-get install nodejs npm)" >&2; return 1; }
  local want; want="$(cat "$source/package.json" "$source/package-lock.json" | sha256sum | cut -d' ' -f1)"
  mkdir -p "$dir"
  if [ "$(cat "$dir/.lock.sha256" 2>/dev/null)" != "$want" ] || [ ! -d "$dir/node_modules" ]; then
    echo "==> installing the IAM policy evaluator into $dir (one time)" >&2
    cp "$source/package.json" "$source/package-lock.json" "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$want" > "$dir/.lock.sha256"
  fi
  cp "$source/authorize.mjs" "$dir/"
  export TRIBUTARY_IAM_SIMULATOR="$dir"
}

# Points this shell at an AWS emulator: the one AWS_ENDPOINT_URL names, else moto (scripts/emulator.sh), reusing a
# running one, with the IAM gate's evaluator (ensure_iam_simulator). Exports AWS_ENDPOINT_URL, AWS_REGION and test
# credentials, and stops at exit only an emulator it
# started itself, so scripts running side by side never pull the emulator from under each other.
use_emulator() {
  ensure_iam_simulator
  TRIBUTARY_STARTED_EMULATOR=""
  if [ -z "${AWS_ENDPOINT_URL:-}" ]; then
    "$TRIBUTARY_ROOT/scripts/emulator.sh" endpoint >/dev/null 2>&1 || TRIBUTARY_STARTED_EMULATOR=yes
    "$TRIBUTARY_ROOT/scripts/emulator.sh" start >/dev/null
    eval "$("$TRIBUTARY_ROOT/scripts/emulator.sh" env)"
  else
    export AWS_REGION="${AWS_REGION:-us-east-1}"
    export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
  fi
  trap '[ -n "$TRIBUTARY_STARTED_EMULATOR" ] && "$TRIBUTARY_ROOT/scripts/emulator.sh" stop || true' EXIT
}

# Exports AWS_LAMBDA_RIE: the AWS Lambda Runtime Interface Emulator that `tributary invoke`, its integration test
# (InvokeIT) and the cold-start harness run functions under. It ships inside the aws-sam-cli wheel
# (samcli/local/rapid/aws-lambda-rie-<arch>), so this installs the infra tools (.tools/infra from
# scripts/requirements-infra.txt, as scripts/check-infra.sh does) once unless an infra* virtualenv under .tools/
# already has it. Another source: go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest
# (then set AWS_LAMBDA_RIE to it).
find_rie_in_tools() {
  local arch
  case "$(uname -m)" in aarch64|arm64) arch=arm64 ;; *) arch=x86_64 ;; esac
  # `|| true`: on a fresh clone nothing matches yet, and under `set -o pipefail` ls's failure would end the caller.
  ls "$TOOLS_DIR"/infra*/lib/python3*/site-packages/samcli/local/rapid/aws-lambda-rie-"$arch" 2>/dev/null | head -1 \
    || true
}
ensure_rie() {
  if [ -n "${AWS_LAMBDA_RIE:-}" ] && [ -x "$AWS_LAMBDA_RIE" ]; then
    export AWS_LAMBDA_RIE; return 0
  fi
  local rie; rie="$(find_rie_in_tools)"
  if [ -z "$rie" ]; then
    ensure_venv infra "$TRIBUTARY_ROOT/scripts/requirements-infra.txt" || return 1
    rie="$(find_rie_in_tools)"
  fi
  if [ -z "$rie" ] || [ ! -x "$rie" ]; then
    echo "error: no aws-lambda-rie in the SAM CLI under $TOOLS_DIR; install one with go install" \
         "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest and set AWS_LAMBDA_RIE" >&2
    return 1
  fi
  export AWS_LAMBDA_RIE="$rie"
}

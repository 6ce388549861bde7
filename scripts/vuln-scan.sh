#!/usr/bin/env bash
# Dependency vulnerability scan: every resolved Maven dependency of every module (all scopes, transitive) and the
# pinned Python requirements (Glue job, emulator, infra checks), checked with OSV-Scanner against the OSV database.
#
# A separate command, not part of scripts/test.sh: the database is not in the repository and a test run must not
# need a download. What it needs (README, "Working on Tributary"):
#   - osv-scanner: $OSV_SCANNER, or on the PATH, or built once into .tools/osv-scanner with `go install`
#     (Go 1.26+, through the Go module proxy);
#   - the OSV database: online (api.osv.dev, the default), or offline with OSV_DB_DIR=<dir> holding the
#     ecosystem databases osv-scanner downloads with --download-offline-databases (Maven/all.zip, PyPI/all.zip from
#     osv-vulnerabilities.storage.googleapis.com), fetched on a machine that can reach them.
# Neither api.osv.dev nor the database bucket is reachable from the project's build machine; there the script says so
# and exits 3. OWASP dependency-check is no alternative here: it needs its NVD download (services.nvd.nist.gov) too.
#
# Exit codes: 0 no known vulnerability, 1 vulnerabilities found (listed), 2 usage, 3 database or scanner unavailable.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$TRIBUTARY_ROOT"

OSV_SCANNER_VERSION="${OSV_SCANNER_VERSION:-v2.3.5}"   # the newest release that builds with Go 1.26
OUT="$TRIBUTARY_ROOT/target/vuln-scan"
mkdir -p "$OUT"

case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "vuln-scan: unknown argument '$1' (see scripts/vuln-scan.sh --help)" >&2; exit 2 ;;
esac

# 1. The Maven dependencies, resolved as the build resolves them (offline: the build already downloaded them),
#    written as a Gradle lockfile, a format osv-scanner reads (group:artifact:version=configurations).
select_jdk
./mvnw -B -ntp -q -o dependency:list -DexcludeReactor=true -DoutputFile=target/dependency-list.txt >/dev/null
cat */target/dependency-list.txt \
  | awk '/^   [^ ]+:[^ ]+:/ { split($1, c, ":"); v = (length(c) >= 6) ? c[5] : c[4]; print c[1] ":" c[2] ":" v, c[length(c)] }' \
  | sort -u \
  | awk '{ if ($1 in scopes) scopes[$1] = scopes[$1] "," $2; else scopes[$1] = $2 } END { for (d in scopes) print d "=" scopes[d] }' \
  | sort > "$OUT/gradle.lockfile"
echo "vuln-scan: $(wc -l < "$OUT/gradle.lockfile") Maven artifacts (all modules, all scopes)"

# 2. The scanner.
scanner="${OSV_SCANNER:-$(command -v osv-scanner || true)}"
if [ -z "$scanner" ]; then
  scanner="$TOOLS_DIR/osv-scanner/osv-scanner"
  if [ ! -x "$scanner" ]; then
    command -v go >/dev/null || { echo "vuln-scan: no osv-scanner and no Go to build it (set OSV_SCANNER)" >&2; exit 3; }
    echo "vuln-scan: building osv-scanner $OSV_SCANNER_VERSION into $TOOLS_DIR/osv-scanner (once)"
    GOBIN="$TOOLS_DIR/osv-scanner" go install "github.com/google/osv-scanner/v2/cmd/osv-scanner@$OSV_SCANNER_VERSION" \
      || { echo "vuln-scan: go install failed" >&2; exit 3; }
  fi
fi

# 3. The database: offline when OSV_DB_DIR is given, else online if api.osv.dev answers.
args=(scan --format table
      -L "$OUT/gradle.lockfile"
      -L glue-job/requirements-iceberg.txt -L glue-job/requirements-test.txt
      -L scripts/requirements-emulator.txt -L scripts/requirements-infra.txt)
if [ -n "${OSV_DB_DIR:-}" ]; then
  [ -d "$OSV_DB_DIR" ] || { echo "vuln-scan: OSV_DB_DIR=$OSV_DB_DIR is not a directory" >&2; exit 2; }
  export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$OSV_DB_DIR"
  args+=(--offline-vulnerabilities)
elif ! curl -sS -o /dev/null --max-time 10 https://api.osv.dev/v1/query -d '{}' 2>/dev/null; then
  echo "vuln-scan: api.osv.dev is not reachable from this machine, and no OSV_DB_DIR was given." >&2
  echo "  Run this where api.osv.dev is reachable, or copy the OSV databases (osv-scanner" >&2
  echo "  --download-offline-databases, on a connected machine) and pass OSV_DB_DIR=<dir>." >&2
  echo "  The dependency list is ready to scan elsewhere: $OUT/gradle.lockfile" >&2
  exit 3
fi

set +e
"$scanner" "${args[@]}" | tee "$OUT/report.txt"
status=${PIPESTATUS[0]}
set -e
case "$status" in
  0) echo "vuln-scan: no known vulnerabilities"; exit 0 ;;
  1) echo "vuln-scan: vulnerabilities found (report: $OUT/report.txt)"; exit 1 ;;
  *) echo "vuln-scan: osv-scanner failed (exit $status)" >&2; exit 3 ;;
esac

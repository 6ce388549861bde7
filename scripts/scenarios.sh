#!/usr/bin/env bash
# Regenerates the fault scenario table in docs/reliability.md from a run of the scenario integration tests.
#
#   scripts/scenarios.sh [--seed N] [--check] [--out FILE]
#
# Runs PipelineFaultIT and NetworkFaultIT with -Dtributary.scenario.seed=N (default 21): N seeds both the sample
# events and every fault decision (devkit FaultSchedule: a pure function of seed, operation, key and attempt), so the
# same N gives the same faults, retries and outcomes on every run. Each test class writes its rows (no timings); the
# rows replace what stands between the "scenarios:begin" and "scenarios:end" markers of docs/reliability.md.
#   --check     do not rewrite: exit 1 if the run's table differs from the committed one
#   --out FILE  also write the table to FILE (to compare two runs)
# Uses AWS_ENDPOINT_URL when set, otherwise starts moto (scripts/emulator.sh); the Glue stage needs the local Glue
# runtime, which it installs (scripts/lib.sh ensure_glue_env).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
seed=21
check=false
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed="$2"; shift 2 ;;
    --check) check=true; shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
select_jdk
ensure_glue_env
ensure_iceberg_env
use_emulator  # AWS_ENDPOINT_URL when set, else moto; and the IAM gate's evaluator either way

rows="$(mktemp -d)"
trap 'rm -rf "$rows"' EXIT
echo "==> scenario ITs with seed $seed"
./mvnw -B -ntp -pl devtools -am verify -Dit.test='PipelineFaultIT,NetworkFaultIT' -Dtest=NONE \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dtributary.scenario.seed="$seed" -Dtributary.scenario.rows="$rows"

python3 - "$rows" "$seed" "$check" "${out:-}" <<'PY'
import pathlib, sys
rows_dir, seed, check, out = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "true", sys.argv[4]
parts = [rows_dir / f"{name}.md" for name in ("PipelineFaultIT", "NetworkFaultIT")]
missing = [p.name for p in parts if not p.exists()]
if missing:
    sys.exit(f"no rows from {', '.join(missing)}: did every scenario run?")
table = (f"<!-- scenarios:begin (scripts/scenarios.sh --seed {seed}; do not edit by hand) -->\n"
         "| scenario | outcome | test |\n|---|---|---|\n"
         + "".join(p.read_text() for p in parts)
         + "<!-- scenarios:end -->")
if out:
    pathlib.Path(out).write_text(table + "\n")
docs = pathlib.Path("docs/reliability.md")
text = docs.read_text()
begin, end = text.index("<!-- scenarios:begin"), text.index("<!-- scenarios:end -->") + len("<!-- scenarios:end -->")
if check:
    if text[begin:end] != table:
        sys.exit("docs/reliability.md's scenario table differs from this run (scripts/scenarios.sh rewrites it)")
    print("docs/reliability.md's scenario table matches this run")
else:
    docs.write_text(text[:begin] + table + text[end:])
    print(table)
PY

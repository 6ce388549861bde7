#!/usr/bin/env bash
# Packages the Glue job's Python package (glue-job/tributary_glue) as the zip Glue loads with --extra-py-files.
#
#   scripts/package-glue.sh                      build glue-job/dist/tributary_glue.zip
#   scripts/package-glue.sh --upload BUCKET      ...and upload it to s3://BUCKET/glue/lib/tributary_glue.zip
#                                                (the stack's curated bucket: output CuratedBucketName)
#
# `sam deploy` uploads the entry script (ScriptLocation) but not DefaultArguments, hence this step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
mkdir -p glue-job/dist
rm -f glue-job/dist/tributary_glue.zip
python3 - <<'PY'
import pathlib, zipfile
root = pathlib.Path("glue-job")
with zipfile.ZipFile(root / "dist" / "tributary_glue.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for path in sorted((root / "tributary_glue").rglob("*.py")):
        z.write(path, path.relative_to(root))
PY
echo "built glue-job/dist/tributary_glue.zip"
if [ "${1:-}" = "--upload" ]; then
  bucket="${2:?usage: scripts/package-glue.sh --upload BUCKET}"
  ensure_venv infra "$TRIBUTARY_ROOT/scripts/requirements-infra.txt"   # has boto3 (through SAM CLI)
  "$TOOLS_DIR/infra/bin/python" -c 'import boto3, sys; boto3.client("s3").upload_file("glue-job/dist/tributary_glue.zip", sys.argv[1], "glue/lib/tributary_glue.zip")' "$bucket"
  echo "uploaded to s3://$bucket/glue/lib/tributary_glue.zip"
fi

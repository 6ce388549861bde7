#!/usr/bin/env bash
# Regenerates the sample events in this folder: `sam local generate-event` produces each event's shape, then the
# values are adjusted to Tributary's names (template.yaml with NamePrefix=tributary, LocalStack's account
# 000000000000, us-east-1) and to the key layout of docs/contracts.md.
#
#   infra/events/generate.sh        (needs the infra tools: scripts/check-infra.sh installs them)
#
# glue-job-state-change-*.json are the "Glue Job State Change" example event from the AWS Glue documentation
# ("Automating AWS Glue with EventBridge"), with only jobName (and, for the failure, state/severity/message) changed.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib.sh"

EVENTS_DIR="$TRIBUTARY_ROOT/infra/events"
SAM="$TOOLS_DIR/infra/bin/sam"
PYTHON="$TOOLS_DIR/infra/bin/python"
[ -x "$SAM" ] || { echo "error: $SAM missing; run scripts/check-infra.sh once to install the infra tools" >&2; exit 1; }
export SAM_CLI_TELEMETRY=0 AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1

ACCOUNT=000000000000
REGION=us-east-1
STREAM=tributary-events
RAW_BUCKET=tributary-raw-$ACCOUNT-$REGION
FIRST_SEQUENCE=49545115243490985018280067714973144582180062593244200961
RAW_KEY="raw/event_type=page_view/dt=2025-11-22/hr=02/$STREAM.shardId-000000000000.$FIRST_SEQUENCE.jsonl.gz"

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$SAM" local generate-event kinesis get-records --region "$REGION" --sequence "$FIRST_SEQUENCE" >"$tmp/kinesis.json"
# generate-event URL-encodes the key as S3 notifications do ('=' arrives as %3D): handlers must decode it.
"$SAM" local generate-event s3 put --region "$REGION" --bucket "$RAW_BUCKET" --key "$RAW_KEY" >"$tmp/s3.json"
"$SAM" local generate-event cloudwatch scheduled-event --region "$REGION" --account-id "$ACCOUNT" \
  --rule "tributary-OrchestratorScheduleRule-EXAMPLE" >"$tmp/scheduled.json"

"$PYTHON" - "$tmp" "$EVENTS_DIR" "$ACCOUNT" "$REGION" "$STREAM" "$FIRST_SEQUENCE" <<'PY'
import base64, copy, json, sys
from pathlib import Path

tmp, out, account, region, stream, first_sequence = sys.argv[1:]
tmp, out = Path(tmp), Path(out)
arrival = 1763780400.0  # 2025-11-22T03:00:00Z


def write(name, event):
    (out / name).write_text(json.dumps(event, indent=2) + "\n", encoding="utf-8")


# Kinesis: one valid record of each example type, one with an unknown-schema payload problem, one that is not JSON.
records = [
    {"event_id": "0b9d7c1e-5f2a-4d0e-9a51-8c1f3e6b2a10", "event_type": "page_view",
     "event_time": "2025-11-22T02:59:58.120Z", "source": "web-frontend", "schema_version": 1,
     "payload": {"page_url": "https://shop.example.com/products/42", "tti_ms": 812, "ttar_ms": 1260,
                 "user_id": "u-1842", "session_id": "s-77a1", "referrer": "https://www.example.org/"}},
    {"event_id": "5e0c2b7a-93d4-4b8e-b7f1-2a6d9c4e8f31", "event_type": "sensor_reading",
     "event_time": "2025-11-22T02:59:59+01:00", "source": "sensor-gateway-eu", "schema_version": 1,
     "payload": {"device_id": "dev-0007", "metric": "temperature", "value": 21.5, "unit": "C"}},
    {"event_id": "c3a1f9e2-7b6d-4c5a-8e2f-1d0b9a8c7e65", "event_type": "payment",
     "event_time": "2025-11-22T02:59:59.900Z", "source": "checkout", "schema_version": 1,
     "payload": {"transaction_id": "tx-90211", "amount": "12.50", "currency": "EUR", "status": "captured"}},
    {"event_id": "9f8e7d6c-5b4a-4321-8fed-cba987654321", "event_type": "payment",
     "event_time": "2025-11-22T02:59:59.950Z", "source": "checkout", "schema_version": 1,
     "payload": {"transaction_id": "tx-90212", "amount": 12.5, "currency": "eur", "status": "paid"}},
    "this line is not JSON",
]
generated = json.loads((tmp / "kinesis.json").read_text())
template_record = generated["Records"][0]
kinesis_records = []
for index, record in enumerate(records):
    data = record if isinstance(record, str) else json.dumps(record, separators=(",", ":"))
    sequence = str(int(first_sequence) + index)
    item = copy.deepcopy(template_record)
    item["kinesis"].update({
        "partitionKey": record["event_id"] if isinstance(record, dict) else "not-json",
        "data": base64.b64encode(data.encode("utf-8")).decode("ascii"),
        "sequenceNumber": sequence,
        "approximateArrivalTimestamp": arrival + index * 0.01,
    })
    item["eventID"] = f"shardId-000000000000:{sequence}"
    item["eventSourceARN"] = f"arn:aws:kinesis:{region}:{account}:stream/{stream}"
    item["invokeIdentityArn"] = f"arn:aws:iam::{account}:role/tributary-KinesisProcessorRole-EXAMPLE"
    item["awsRegion"] = region
    kinesis_records.append(item)
write("kinesis-get-records.json", {"Records": kinesis_records})

s3 = json.loads((tmp / "s3.json").read_text())
record = s3["Records"][0]
record["eventTime"] = "2025-11-22T03:00:04.512Z"
record["eventName"] = "ObjectCreated:Put"
record["userIdentity"]["principalId"] = "AWS:AROAEXAMPLEPROCESSOR:tributary-kinesis-processor"
record["s3"]["configurationId"] = "tributary-raw-to-transformer"
record["s3"]["object"]["size"] = 1873
write("s3-put-raw.json", s3)

scheduled = json.loads((tmp / "scheduled.json").read_text())
scheduled["time"] = "2025-11-22T03:15:00Z"
write("scheduled-event.json", scheduled)

# The AWS Glue documentation's example "Glue Job State Change" event; jobName set to the template's job.
glue = {
    "version": "0",
    "id": "abcdef00-1234-5678-9abc-def012345678",
    "detail-type": "Glue Job State Change",
    "source": "aws.glue",
    "account": "123456789012",
    "time": "2017-09-07T18:57:21Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {
        "jobName": "tributary-curate",
        "severity": "INFO",
        "state": "SUCCEEDED",
        "jobRunId": "jr_abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
        "message": "Job run succeeded",
    },
}
write("glue-job-state-change-succeeded.json", glue)
failed = copy.deepcopy(glue)
failed["detail"].update({"severity": "ERROR", "state": "FAILED", "message": "Job run failed"})
write("glue-job-state-change-failed.json", failed)
PY
echo "events written to $EVENTS_DIR"

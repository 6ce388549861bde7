"""Lists every row of the curated Iceberg tables of a Glue Data Catalog database, one JSON line per row with the
fields Tributary's conservation ledger compares (event_id, event_type, event_time_ms, source, schema_version and
payload_json, the payload as the job received it), so the ledger checks each row's content, not just its id.

    python curated_rows.py DATABASE OUTPUT_FILE

Reads the tables the way any Iceberg reader outside the job would (Athena, DuckDB, ...): pyiceberg's GlueCatalog
finds each `curated_*` table's current metadata, and its scan reads the data files on S3. Deliberately neither Spark
nor tributary_glue: the checker must not trust the job's own code (or its engine) to judge the job. AWS_ENDPOINT_URL
points it at an emulator; credentials and region come from the usual AWS variables. Prints the row count on stdout.
Runs under .tools/iceberg-venv (glue-job/requirements-iceberg.txt).
"""
import json
import os
import sys

from pyiceberg.catalog import load_catalog


LEDGER_FIELDS = ("event_id", "event_time_ms", "source", "schema_version", "payload_json")


def catalog():
    props = {"type": "glue"}
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    props.update({"glue.region": region, "s3.region": region})
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        props.update({"glue.endpoint": endpoint, "s3.endpoint": endpoint, "s3.force-virtual-addressing": "false"})
    for variable, keys in (("AWS_ACCESS_KEY_ID", ("glue.access-key-id", "s3.access-key-id")),
                           ("AWS_SECRET_ACCESS_KEY", ("glue.secret-access-key", "s3.secret-access-key")),
                           ("AWS_SESSION_TOKEN", ("glue.session-token", "s3.session-token"))):
        if os.environ.get(variable):
            props.update({key: os.environ[variable] for key in keys})
    return load_catalog("tributary", **props)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    database, output = argv[1], argv[2]
    glue = catalog()
    count = 0
    with open(output, "w", encoding="utf-8") as out:
        for _, table in sorted(glue.list_tables(database)):
            if not table.startswith("curated_"):
                continue
            # one table per event type: the type is the table's name, not a column
            event_type = table[len("curated_"):]
            rows = glue.load_table((database, table)).scan(selected_fields=LEDGER_FIELDS).to_arrow()
            for row in rows.to_pylist():
                line = {"event_type": event_type, **{field: row[field] for field in LEDGER_FIELDS}}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                count += 1
    print(count)


if __name__ == "__main__":
    main(sys.argv)

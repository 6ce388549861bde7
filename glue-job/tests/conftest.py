"""Shared fixtures: one small local SparkSession for the whole suite with Iceberg's GlueCatalog and S3FileIO pointed at
a moto server (the AWS code path of the job: Glue Data Catalog + S3), and helpers that build real processed inputs
(gzip JSON Lines in the processed/ layout) and read back what the job wrote.

scripts/test-glue-job.sh provides the Iceberg jars (TRIBUTARY_ICEBERG_JARS) and moto's server
(TRIBUTARY_MOTO_SERVER); without them the suite fails at once with that message, it never skips."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Union

import pytest

GLUE_JOB_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(GLUE_JOB_DIR))

os.environ["TZ"] = "UTC"          # Python's datetimes from Spark timestamps are local time: make that UTC
time.tzset()


REGION = "us-east-1"
BUCKET = "tributary-glue-tests"
CATALOG = "glue_catalog"


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run the suite with scripts/test-glue-job.sh, which installs the "
                           f"Iceberg jars and moto and sets it")
    return value


@pytest.fixture(scope="session")
def moto_endpoint():
    """A moto server of our own on a free loopback port (Glue Data Catalog + S3), stopped after the suite."""
    server = _required_env("TRIBUTARY_MOTO_SERVER")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION=REGION,
                      AWS_DEFAULT_REGION=REGION)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    deadline = time.time() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"moto server {server} did not start on port {port}")
            time.sleep(0.2)
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name=REGION).create_bucket(Bucket=BUCKET)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


def iceberg_settings(endpoint: str) -> Dict[str, str]:
    """The catalog settings of the template's --conf, with the endpoints of the local emulator."""
    prefix = f"spark.sql.catalog.{CATALOG}"
    return {
        "spark.jars": _required_env("TRIBUTARY_ICEBERG_JARS"),
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog",
        f"{prefix}.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        f"{prefix}.warehouse": f"s3://{BUCKET}/warehouse/",
        f"{prefix}.glue.endpoint": endpoint,
        f"{prefix}.s3.endpoint": endpoint,
        f"{prefix}.s3.path-style-access": "true",
        f"{prefix}.client.region": REGION,
    }


@pytest.fixture(scope="session")
def spark(moto_endpoint):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    for key, value in iceberg_settings(moto_endpoint).items():
        builder = builder.config(key, value)
    session = (builder
               .master("local[2]")
               .appName("tributary-glue-tests")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.memory", "1g")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC -XX:+UseSerialGC")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def iso_to_ms(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def event(event_id: str, event_type: str, event_time: str, payload: Optional[dict] = None, **extra) -> dict:
    """A processed record as the s3-transformer writes it (envelope + enrichment fields)."""
    record = {
        "event_id": event_id,
        "event_type": event_type,
        "event_time": event_time,
        "event_time_ms": iso_to_ms(event_time),
        "source": "tests",
        "schema_version": 1,
        "payload": payload if payload is not None else {},
        "ingest_lag_ms": 42,
    }
    record.update(extra)
    return record


class Lake:
    """Processed inputs in a temporary directory, a Glue database of its own in moto with the curated and aggregate
    Iceberg tables under s3://BUCKET/<database>/, plus helpers to run the job and read what it wrote."""

    def __init__(self, root: Path, spark, endpoint: str):
        import boto3

        self.root = root
        self.spark = spark
        self.endpoint = endpoint
        self.database = "t_" + uuid.uuid4().hex[:12]
        self.processed = root / "processed"
        self.curated = f"s3://{BUCKET}/{self.database}/curated"
        self.aggregates = f"s3://{BUCKET}/{self.database}/aggregates"
        self.glue = boto3.client("glue", endpoint_url=endpoint, region_name=REGION)
        self.s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
        # The template's GlueDatabase: created by the stack in AWS, by the test here.
        self.glue.create_database(DatabaseInput={"Name": self.database})

    def table(self, name: str) -> str:
        return f"`{CATALOG}`.`{self.database}`.`{name}`"

    def write(self, event_type: str, day: str, hour: str, name: str,
              lines: Iterable[Union[dict, str]]) -> str:
        """Writes one processed object; returns its partition prefix (what the orchestrator passes)."""
        prefix = self.processed / f"event_type={event_type}" / f"dt={day}" / f"hr={hour}"
        prefix.mkdir(parents=True, exist_ok=True)
        body = "".join((json.dumps(l) if isinstance(l, dict) else l) + "\n" for l in lines)
        with gzip.open(prefix / f"{name}.jsonl.gz", "wt", encoding="utf-8") as handle:
            handle.write(body)
        return str(prefix)

    def summary_path(self, window_id: str) -> Path:
        return self.root / "glue" / "runs" / window_id / "summary.json"

    def run(self, window_id: str, input_paths: Optional[List[str]] = None, manifest_uri: Optional[str] = None,
            summary_uri: Optional[str] = None, extra_args: Iterable[str] = ()) -> Dict:
        from tributary_glue import job

        summary_uri = summary_uri or str(self.summary_path(window_id))
        argv = ["curate_events.py", "--JOB_NAME", "tributary-curate", "--window_id", window_id,
                "--curated_path", self.curated, "--aggregates_path", self.aggregates, "--summary_uri", summary_uri,
                "--database", self.database]
        if input_paths is not None:
            argv += ["--input_paths", ",".join(input_paths)]
        if manifest_uri is not None:
            argv += ["--manifest_uri", manifest_uri]
        returned = job.main(argv + list(extra_args), spark=self.spark)
        if not summary_uri.startswith("s3://"):
            written = json.loads(Path(summary_uri).read_text())
            assert written == returned
        return returned

    def table_names(self) -> List[str]:
        """The database's tables, as the catalog lists them (through Spark: tests may mock boto3 in-process)."""
        return sorted(row["tableName"] for row in self.spark.sql(f"SHOW TABLES IN `{CATALOG}`.`{self.database}`").collect())

    def curated_rows(self, event_type: str) -> List[dict]:
        name = f"curated_{event_type}"
        if name not in self.table_names():
            return []
        self.spark.sql(f"REFRESH TABLE {self.table(name)}")
        rows = self.spark.table(self.table(name)).collect()
        return [dict(row.asDict(recursive=True), event_type=event_type) for row in rows]

    def aggregate_rows(self, name: str) -> List[dict]:
        table = f"agg_{name}"
        if table not in self.table_names():
            return []
        self.spark.sql(f"REFRESH TABLE {self.table(table)}")
        return [row.asDict(recursive=True) for row in self.spark.table(self.table(table)).collect()]

    def snapshots(self, table: str) -> List[dict]:
        """The table's snapshots, oldest first (id, operation, summary)."""
        self.spark.sql(f"REFRESH TABLE {self.table(table)}")
        return [row.asDict(recursive=True) for row in self.spark.sql(
            f"SELECT snapshot_id, operation, summary FROM {self.table(table)}.snapshots ORDER BY committed_at"
        ).collect()]

    def objects(self, prefix: str) -> List[str]:
        """Keys of the objects under s3://BUCKET/<prefix>."""
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


@pytest.fixture
def lake(tmp_path, spark, moto_endpoint) -> Lake:
    return Lake(tmp_path, spark, moto_endpoint)


@pytest.fixture
def other_lake(tmp_path, spark, moto_endpoint) -> Lake:
    """A second, independent lake (its own database) for comparing two runs."""
    return Lake(tmp_path / "second", spark, moto_endpoint)

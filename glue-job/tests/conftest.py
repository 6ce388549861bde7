"""Shared fixtures: one small local SparkSession for the whole suite, and helpers that build real processed
inputs (gzip JSON Lines in the processed/ layout) and read back what the job wrote."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import sys
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Union

import pytest

GLUE_JOB_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(GLUE_JOB_DIR))

os.environ["TZ"] = "UTC"          # Python's datetimes from Spark timestamps are local time: make that UTC
time.tzset()


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder
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
    """A temporary processed/curated/aggregates layout plus helpers to run the job on it."""

    def __init__(self, root: Path, spark):
        self.root = root
        self.spark = spark
        self.processed = root / "processed"
        self.curated = str(root / "curated")
        self.aggregates = str(root / "aggregates")

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
                "--curated_path", self.curated, "--aggregates_path", self.aggregates, "--summary_uri", summary_uri]
        if input_paths is not None:
            argv += ["--input_paths", ",".join(input_paths)]
        if manifest_uri is not None:
            argv += ["--manifest_uri", manifest_uri]
        returned = job.main(argv + list(extra_args), spark=self.spark)
        if not summary_uri.startswith("s3://"):
            written = json.loads(Path(summary_uri).read_text())
            assert written == returned
        return returned

    def curated_rows(self, event_type: str) -> List[dict]:
        path = Path(self.curated) / f"event_type={event_type}"
        if not path.exists():
            return []
        df = self.spark.read.option("basePath", self.curated).parquet(str(path))
        return [row.asDict(recursive=True) for row in df.collect()]

    def aggregate_rows(self, name: str) -> List[dict]:
        path = Path(self.aggregates) / name
        if not path.exists():
            return []
        return [row.asDict(recursive=True) for row in self.spark.read.parquet(str(path)).collect()]

    def data_files(self, base: str) -> List[Path]:
        return sorted(p for p in Path(base).rglob("*") if p.is_file() and not p.name.startswith((".", "_")))


@pytest.fixture
def lake(tmp_path, spark) -> Lake:
    return Lake(tmp_path, spark)

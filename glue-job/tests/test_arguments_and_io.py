"""Arguments (plain argparse and the Glue adapter), manifests, and s3:// I/O of manifest and summary."""
from __future__ import annotations

import json
import sys
import types

import pytest

from conftest import event
from tributary_glue import runtime, storage
from tributary_glue.job import OPTIONAL_ARGS, REQUIRED_ARGS, JobError, load_config

BASE = {"curated_path": "/c", "aggregates_path": "/a", "summary_uri": "/s.json", "database": "tributary"}


def test_plain_arguments_parse_like_glue_and_ignore_glue_extras():
    argv = ["script.py", "--JOB_NAME", "j", "--window_id", "w-7", "--input_paths", "s3://b/p1/,s3://b/p2/",
            "--curated_path", "s3://c/curated/", "--aggregates_path", "s3://c/aggregates/",
            "--summary_uri", "s3://c/glue/runs/j/w-7/summary.json", "--database", "tributary_events",
            "--job-bookmark-option", "job-bookmark-disable"]
    args = runtime.parse_plain_args(argv, REQUIRED_ARGS, list(OPTIONAL_ARGS) + ["JOB_NAME"])
    cfg = load_config(args)
    assert cfg.window_id == "w-7"
    assert cfg.input_paths == ("s3://b/p1/", "s3://b/p2/")
    assert (cfg.curated_path, cfg.dedupe_lookback_days) == ("s3://c/curated/", 0)
    assert (cfg.database, cfg.catalog) == ("tributary_events", "glue_catalog")
    with pytest.raises(SystemExit):
        runtime.parse_plain_args(["script.py", "--window_id", "w"], REQUIRED_ARGS, OPTIONAL_ARGS)


def test_config_validation(tmp_path):
    with pytest.raises(JobError, match="input_paths or --manifest_uri"):
        load_config(dict(BASE, window_id="w"))
    with pytest.raises(JobError, match="window_id"):
        load_config(dict(BASE, input_paths="/p"))
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps({"window_id": "w-2", "input_paths": ["/p2", "/p3", "/p2"]}))
    with pytest.raises(JobError, match="does not match"):
        load_config(dict(BASE, window_id="w-1", manifest_uri=str(manifest)))
    cfg = load_config(dict(BASE, manifest_uri=f"file://{manifest}", input_paths="/p1,/p2"))
    assert cfg.window_id == "w-2" and cfg.input_paths == ("/p1", "/p2", "/p3")
    manifest.write_text("{not json")
    with pytest.raises(JobError, match="not JSON"):
        load_config(dict(BASE, window_id="w", manifest_uri=str(manifest)))
    with pytest.raises(JobError, match="--database"):
        load_config(dict(BASE, window_id="w", input_paths="/p", database=" "))
    with pytest.raises(JobError, match="lookback"):
        load_config(dict(BASE, window_id="w", input_paths="/p", dedupe_lookback_days="-1"))


def test_glue_adapter_uses_glue_options_session_and_job(monkeypatch, spark):
    calls = {}

    def get_resolved_options(argv, names):
        calls["names"] = list(names)
        return {n: argv[argv.index(f"--{n}") + 1] for n in names}

    class GlueContext:
        def __init__(self, sc):
            self.spark_session = spark

    class Job:
        def __init__(self, ctx):
            calls["job_ctx"] = ctx

        def init(self, name, args):
            calls["init"] = name

        def commit(self):
            calls["commit"] = True

    modules = {"awsglue": types.ModuleType("awsglue"), "awsglue.utils": types.ModuleType("awsglue.utils"),
               "awsglue.context": types.ModuleType("awsglue.context"), "awsglue.job": types.ModuleType("awsglue.job")}
    modules["awsglue.utils"].getResolvedOptions = get_resolved_options
    modules["awsglue.context"].GlueContext = GlueContext
    modules["awsglue.job"].Job = Job
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)

    argv = ["script.py", "--JOB_NAME", "curate", "--window_id", "w", "--manifest_uri", "s3://b/m.json",
            "--curated_path", "c", "--aggregates_path", "a", "--summary_uri", "s", "--database", "d"]
    host = runtime.start(argv, REQUIRED_ARGS, OPTIONAL_ARGS)
    # absent optional arguments (input_paths, dedupe_lookback_days) must not be asked of getResolvedOptions
    assert sorted(calls["names"]) == sorted(["curated_path", "aggregates_path", "summary_uri", "database",
                                             "window_id", "manifest_uri", "JOB_NAME"])
    assert host.spark is spark and host.args["manifest_uri"] == "s3://b/m.json" and calls["init"] == "curate"
    host.commit()
    assert calls["commit"] is True


@pytest.fixture
def s3(monkeypatch):
    moto = pytest.importorskip("moto")
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with moto.mock_aws():
        import boto3

        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(Bucket="curated", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield client


def test_s3_text_round_trip(s3):
    storage.write_text("s3://curated/glue/runs/j/w/summary.json", '{"a": 1}')
    assert storage.read_text("s3://curated/glue/runs/j/w/summary.json") == '{"a": 1}'
    head = s3.head_object(Bucket="curated", Key="glue/runs/j/w/summary.json")
    assert head["ContentType"] == "application/json"
    with pytest.raises(ValueError):
        storage.split_s3("s3://bucket-only/")


def test_manifest_and_summary_on_s3_match_a_local_input_paths_run(lake, other_lake, s3):
    paths = [lake.write("page_view", "2024-03-01", "10", "s1",
                        [event(f"e-{i}", "page_view", "2024-03-01T10:00:00Z",
                               {"page_url": "https://a.example/", "tti_ms": i * 10, "ttar_ms": i}) for i in range(5)]),
             lake.write("sensor_reading", "2024-03-01", "10", "s1",
                        [event("r-1", "sensor_reading", "2024-03-01T10:00:00Z",
                               {"device_id": "d", "metric": "m", "value": 1.5})] * 2)]
    s3.put_object(Bucket="curated", Key="glue/manifests/j/w-9.json",
                  Body=json.dumps({"window_id": "w-9", "input_paths": paths}).encode())
    by_manifest = lake.run("w-9", manifest_uri="s3://curated/glue/manifests/j/w-9.json",
                           summary_uri="s3://curated/glue/runs/j/w-9/summary.json")
    stored = json.loads(s3.get_object(Bucket="curated", Key="glue/runs/j/w-9/summary.json")["Body"].read())
    assert stored == by_manifest

    other = other_lake
    by_paths = other.run("w-9", paths)

    volatile = {"started_at", "finished_at"}
    assert {k: v for k, v in by_manifest.items() if k not in volatile} == \
           {k: v for k, v in by_paths.items() if k not in volatile}
    assert by_paths["records_in"] == 7 and by_paths["records_out"] == 6
    for event_type in ("page_view", "sensor_reading"):
        assert sorted(map(repr, lake.curated_rows(event_type))) == sorted(map(repr, other.curated_rows(event_type)))
    for name in ("event_counts_hourly", "page_view_performance", "sensor_reading_stats"):
        assert sorted(map(repr, lake.aggregate_rows(name))) == sorted(map(repr, other.aggregate_rows(name)))
        assert lake.aggregate_rows(name)

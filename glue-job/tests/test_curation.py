"""Curated output: de-duplication, idempotent reruns, cross-window duplicates, schemas, odd inputs."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import event, iso_to_ms


def page_view(event_id, when, url="https://shop.example/home", tti=1200, ttar=300, **extra):
    return event(event_id, "page_view", when, {"page_url": url, "tti_ms": tti, "ttar_ms": ttar,
                                               "user_id": "u-" + event_id}, **extra)


def reading(event_id, when, device="dev-1", metric="temperature", value=20.5):
    return event(event_id, "sensor_reading", when, {"device_id": device, "metric": metric, "value": value})


def assert_balanced(summary):
    assert summary["records_in"] == summary["records_out"] + summary["duplicates"] + summary["malformed"]


def test_dedupes_across_partitions_and_files_and_flattens_payload(lake):
    early = page_view("e-dup", "2024-03-01T10:15:00Z", tti=111)
    late = page_view("e-dup", "2024-03-01T11:05:00Z", tti=999)
    same_a = page_view("e-same", "2024-03-01T10:20:00Z", tti=5)
    same_b = dict(same_a, payload=dict(same_a["payload"], tti_ms=6))   # same time, other file: file name decides
    # the tie-break compares whole object paths: .../hr=10/b-shard... sorts before .../hr=11/a-shard...
    p10 = lake.write("page_view", "2024-03-01", "10", "b-shard", [early, same_a, page_view("e-1", "2024-03-01T10:01:00Z")])
    p11 = lake.write("page_view", "2024-03-01", "11", "a-shard", [late, same_b, page_view("e-2", "2024-03-01T11:30:00Z")])
    p10b = lake.write("page_view", "2024-03-01", "10", "c-shard",
                      [page_view("e-1", "2024-03-01T10:01:00Z"), reading("s-1", "2024-03-02T00:00:00Z")])

    summary = lake.run("w-1", [p10, p11, p10b])

    rows = {r["event_id"]: r for r in lake.curated_rows("page_view")}
    assert sorted(rows) == ["e-1", "e-2", "e-dup", "e-same"]
    assert rows["e-dup"]["tti_ms"] == 111.0                 # the earliest event_time survives
    assert rows["e-dup"]["event_time_ms"] == iso_to_ms("2024-03-01T10:15:00Z")
    assert rows["e-same"]["tti_ms"] == 5.0                  # tie on time: lexicographically smallest file
    assert rows["e-same"]["source_file"].endswith("hr=10/b-shard.jsonl.gz")
    e1 = rows["e-1"]
    assert (e1["page_url"], e1["ttar_ms"], e1["user_id"]) == ("https://shop.example/home", 300.0, "u-e-1")
    assert e1["dt"] == "2024-03-01" and e1["event_type"] == "page_view" and e1["window_id"] == "w-1"
    assert e1["extra"] == {"ingest_lag_ms": "42"}
    assert json.loads(e1["payload_json"])["tti_ms"] == 1200
    assert [r["event_id"] for r in lake.curated_rows("sensor_reading")] == ["s-1"]

    assert summary["records_in"] == 8
    assert summary["records_out"] == 5
    assert summary["duplicates"] == 3 and summary["duplicates_in_window"] == 3
    assert summary["malformed"] == 0
    assert summary["curated_partitions"] == ["event_type=page_view/dt=2024-03-01",
                                             "event_type=sensor_reading/dt=2024-03-02"]
    assert_balanced(summary)
    # one atomic commit per table: a single append snapshot each, its files under the table's own location
    snapshots = lake.snapshots("curated_page_view")
    assert [(s["operation"], s["summary"]["added-records"]) for s in snapshots] == [("append", "4")]
    files = [k for k in lake.objects(f"{lake.database}/curated/page_view/data/") if k.endswith(".parquet")]
    assert files and all("/data/dt=2024-03-01/" in k for k in files)


def test_rerunning_the_same_window_changes_nothing(lake):
    paths = [lake.write("page_view", "2024-03-01", "10", "s1",
                        [page_view(f"e-{i}", f"2024-03-01T10:{i:02d}:00Z", tti=100 + i) for i in range(6)]),
             lake.write("sensor_reading", "2024-03-01", "10", "s1",
                        [reading("r-1", "2024-03-01T10:00:00Z"), reading("r-1", "2024-03-01T10:00:00Z")])]
    first = lake.run("w-retry", paths)
    tables = lake.table_names()
    snapshots_before = {t: lake.snapshots(t) for t in tables}
    curated_before = sorted(lake.curated_rows("page_view") + lake.curated_rows("sensor_reading"),
                            key=lambda r: r["event_id"])
    aggregates_before = {n: sorted(map(repr, lake.aggregate_rows(n)))
                         for n in ("event_counts_hourly", "page_view_performance", "sensor_reading_stats")}

    second = lake.run("w-retry", paths)

    curated_after = sorted(lake.curated_rows("page_view") + lake.curated_rows("sensor_reading"),
                           key=lambda r: r["event_id"])
    assert len(curated_after) == 7
    assert curated_after == curated_before
    for name, rows in aggregates_before.items():
        assert sorted(map(repr, lake.aggregate_rows(name))) == rows, name
    volatile = {"started_at", "finished_at", "records_new", "aggregates"}   # aggregates: the tables committed to
    assert {k: v for k, v in second.items() if k not in volatile} == \
           {k: v for k, v in first.items() if k not in volatile}
    assert (first["records_new"], second["records_new"]) == (7, 0)
    assert second["records_out"] == 7 and second["duplicates"] == 1
    # the rerun commits nothing: no table has a new snapshot, and the aggregates were found up to date
    assert {t: lake.snapshots(t) for t in lake.table_names()} == snapshots_before
    assert len(tables) == 6 and second["aggregates"] == []


def test_rerun_recomputes_aggregates_lost_by_a_failed_attempt(lake):
    path = lake.write("page_view", "2024-03-01", "10", "s1",
                      [page_view(f"e-{i}", "2024-03-01T10:00:00Z", tti=10 * i) for i in range(4)])
    lake.run("w-1", [path])
    expected = lake.aggregate_rows("page_view_performance")
    # an attempt that died after the curated commit but before the aggregates and the summary
    lake.spark.sql(f"DELETE FROM {lake.table('agg_page_view_performance')}")
    lake.summary_path("w-1").unlink()

    summary = lake.run("w-1", [path])

    assert lake.aggregate_rows("page_view_performance") == expected
    assert expected[0]["view_count"] == 4
    assert summary["records_out"] == 4 and summary["records_new"] == 0
    assert summary["aggregates"] == ["page_view_performance"]   # only the table that needed the repair


def test_event_already_curated_by_an_earlier_window_is_not_written_again(lake):
    w1 = lake.write("page_view", "2024-03-01", "10", "s1",
                    [page_view("a", "2024-03-01T10:00:00Z"), page_view("b", "2024-03-01T10:30:00Z")])
    w1_sensor = lake.write("sensor_reading", "2024-02-28", "23", "s1", [reading("r", "2024-02-28T23:00:00Z")])
    lake.run("w-1", [w1, w1_sensor])

    resent_b = page_view("b", "2024-03-01T10:30:00Z", tti=7777)   # a producer retry, curated already
    w2 = lake.write("page_view", "2024-03-01", "11", "s2", [resent_b, page_view("c", "2024-03-01T11:00:00Z")])
    w2_next_day = lake.write("page_view", "2024-03-02", "00", "s2", [page_view("d", "2024-03-02T00:10:00Z")])
    summary = lake.run("w-2", [w2, w2_next_day])

    rows = lake.curated_rows("page_view")
    assert sorted(r["event_id"] for r in rows) == ["a", "b", "c", "d"]
    by_id = {r["event_id"]: r for r in rows}
    assert by_id["b"]["window_id"] == "w-1" and by_id["b"]["tti_ms"] == 1200.0   # the first curated copy stays
    assert by_id["c"]["window_id"] == "w-2" and by_id["d"]["dt"] == "2024-03-02"
    # the second window appended to the table; what it did not touch is left alone
    assert [s["operation"] for s in lake.snapshots("curated_page_view")] == ["append", "append"]
    assert lake.snapshots("curated_page_view")[1]["summary"]["added-records"] == "2"
    assert [r["event_id"] for r in lake.curated_rows("sensor_reading")] == ["r"]
    assert summary["records_in"] == 3 and summary["records_out"] == 2
    assert summary["duplicates"] == 1 and summary["duplicates_already_curated"] == 1
    assert summary["curated_partitions"] == ["event_type=page_view/dt=2024-03-01",
                                             "event_type=page_view/dt=2024-03-02"]
    counts = {(r["event_type"], r["dt"], r["hr"]): r["event_count"] for r in lake.aggregate_rows("event_counts_hourly")}
    assert counts == {("page_view", "2024-03-01", "10"): 2, ("page_view", "2024-03-01", "11"): 1,
                      ("page_view", "2024-03-02", "00"): 1, ("sensor_reading", "2024-02-28", "23"): 1}


def test_lookback_catches_a_duplicate_curated_on_the_neighbouring_day(lake):
    lake.run("w-1", [lake.write("page_view", "2024-03-01", "23", "s1", [page_view("x", "2024-03-01T23:59:59Z")])])
    restamped = page_view("x", "2024-03-02T00:00:01Z")           # same event, re-stamped across midnight
    summary = lake.run("w-2", [lake.write("page_view", "2024-03-02", "00", "s2", [restamped])],
                       extra_args=["--dedupe_lookback_days", "1"])
    assert [(r["event_id"], r["dt"]) for r in lake.curated_rows("page_view")] == [("x", "2024-03-01")]
    assert summary["duplicates_already_curated"] == 1 and summary["records_out"] == 0
    assert summary["curated_partitions"] == []
    assert len(lake.snapshots("curated_page_view")) == 1          # the second window committed nothing


def test_unknown_event_type_is_kept_with_its_payload_as_json(lake):
    payload = {"cart": {"items": [{"sku": "A-1", "qty": 2}]}, "coupon": None, "total": "19.99"}
    # As the transformer writes it: Jackson keeps decimals as written (BigDecimal), digits Spark's JSON functions lose.
    exact = ('{"cart":{"ratio":21.50,"big":12345678901234567890.123,"tiny":1e-7,"name":"Zo\u00eb"},'
             '"list":[1.0,2.50]}')
    exact_line = ('{"event_id":"k-2","event_type":"cart_checkout","event_time":"2024-03-01T09:30:00Z",'
                  '"event_time_ms":' + str(iso_to_ms("2024-03-01T09:30:00Z")) + ',"payload":' + exact + '}')
    path = lake.write("cart_checkout", "2024-03-01", "09", "s1",
                      [event("k-1", "cart_checkout", "2024-03-01T09:00:00+00:00", payload,
                             page={"host": "shop.example", "path": "/cart"}), exact_line])
    summary = lake.run("w-1", [path])

    rows = {r["event_id"]: r for r in lake.curated_rows("cart_checkout")}
    assert rows["k-2"]["payload_json"] == exact                 # every digit and escape as written
    assert len(rows) == 2
    row = rows["k-1"]
    assert json.loads(row["payload_json"]) == payload
    assert json.loads(row["extra"]["page"]) == {"host": "shop.example", "path": "/cart"}
    assert set(row) == {"event_id", "event_time", "event_time_ms", "source", "schema_version", "payload_json",
                        "extra", "window_id", "source_file", "event_type", "dt"}
    assert summary["curated_partitions"] == ["event_type=cart_checkout/dt=2024-03-01"]


def test_missing_payload_fields_and_offsets_are_tolerated(lake):
    no_tti = event("p-1", "page_view", "2024-03-01T01:30:00+02:00", {"page_url": "https://a.example/"})
    del no_tti["event_time_ms"]                      # falls back to the ISO-8601 event_time (with offset)
    no_payload = event("p-2", "page_view", "2024-03-01T12:00:00Z")
    del no_payload["payload"]
    lake.run("w-1", [lake.write("page_view", "2024-02-29", "23", "s1", [no_tti, no_payload])])
    rows = {r["event_id"]: r for r in lake.curated_rows("page_view")}
    assert rows["p-1"]["dt"] == "2024-02-29"       # 01:30+02:00 is 23:30 UTC the day before
    assert rows["p-1"]["event_time_ms"] == iso_to_ms("2024-02-29T23:30:00Z")
    assert rows["p-1"]["tti_ms"] is None and rows["p-1"]["page_url"] == "https://a.example/"
    assert rows["p-2"]["page_url"] is None and rows["p-2"]["payload_json"] is None


def test_malformed_lines_are_counted_and_skipped(lake):
    good = [page_view("g-1", "2024-03-01T10:00:00Z"), page_view("g-2", "2024-03-01T10:01:00Z")]
    no_id = page_view("x", "2024-03-01T10:00:00Z")
    del no_id["event_id"]
    bad_type = event("x2", "Bad-Type!", "2024-03-01T10:00:00Z")
    no_time = page_view("x3", "2024-03-01T10:00:00Z")
    no_time["event_time"], no_time["event_time_ms"] = "yesterday-ish", None
    bad_lines = ['{"event_id": "t-1", "event_type": "page_view", ', "not json at all", "[1, 2, 3]", "42",
                 json.dumps(no_id), json.dumps(bad_type), json.dumps(no_time), json.dumps({"event_id": ""}),
                 # not JSON (single quotes), though Spark's lenient parser reads it: its payload cannot be cut exactly
                 "{'event_id': 'sq-1', 'event_type': 'page_view', 'event_time': '2024-03-01T10:02:00Z', "
                 "'payload': {'page_url': 'https://a.example/'}}"]
    path = lake.write("page_view", "2024-03-01", "10", "s1", [good[0], *bad_lines[:4], "   ", good[1], *bad_lines[4:]])

    summary = lake.run("w-1", [path])

    assert sorted(r["event_id"] for r in lake.curated_rows("page_view")) == ["g-1", "g-2"]
    assert summary["malformed"] == len(bad_lines)
    assert summary["records_in"] == len(good) + len(bad_lines)          # the blank line is no record
    assert summary["records_out"] == 2 and summary["duplicates"] == 0
    assert_balanced(summary)


def test_empty_window_writes_a_zero_summary(lake, tmp_path):
    empty_dir = tmp_path / "processed" / "event_type=page_view" / "dt=2024-03-01" / "hr=10"
    empty_dir.mkdir(parents=True)
    (empty_dir / "other.txt").write_text("not a processed object\n")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"window_id": "w-empty", "input_paths": []}))
    empty_file = lake.write("page_view", "2024-03-01", "11", "blank", ["", "  "])

    for summary in (lake.run("w-empty", manifest_uri=str(manifest)),
                    lake.run("w-empty", [str(empty_dir), empty_file])):
        assert summary["window_id"] == "w-empty"
        assert (summary["records_in"], summary["records_out"], summary["duplicates"], summary["malformed"]) == (0, 0, 0, 0)
        assert summary["curated_partitions"] == [] and summary["aggregates"] == []
    assert lake.table_names() == []                # nothing to curate: no table created, nothing committed


def test_late_events_and_producer_retries_across_windows_are_curated_exactly_once(lake):
    w1 = lake.write("page_view", "2024-03-01", "10", "s1",
                    [page_view(f"a-{i}", f"2024-03-01T10:{i:02d}:00Z", tti=100 * (i + 1)) for i in range(5)])
    lake.run("w-1", [w1])
    # window 2: a late event of hour 10, two producer retries of window-1 events (one re-sent twice), new hour 11
    late = page_view("late-1", "2024-03-01T10:59:00Z", tti=900)
    retries = [page_view("a-1", "2024-03-01T10:01:00Z", tti=1), page_view("a-3", "2024-03-01T10:03:00Z", tti=1)]
    w2 = lake.write("page_view", "2024-03-01", "11", "s2",
                    [late, *retries, retries[0], page_view("b-1", "2024-03-01T11:05:00Z", tti=50)])
    summary = lake.run("w-2", [w2])

    rows = lake.curated_rows("page_view")
    ids = [r["event_id"] for r in rows]
    assert sorted(ids) == sorted(set(ids)) == ["a-0", "a-1", "a-2", "a-3", "a-4", "b-1", "late-1"]
    assert {r["event_id"]: r["tti_ms"] for r in rows}["a-1"] == 200.0    # the first curated copy stays
    assert (summary["records_new"], summary["duplicates_already_curated"], summary["duplicates_in_window"]) == (2, 2, 1)
    assert_balanced(summary)
    assert [s["summary"]["added-records"] for s in lake.snapshots("curated_page_view")] == ["5", "2"]
    counts = {(r["dt"], r["hr"]): r["event_count"] for r in lake.aggregate_rows("event_counts_hourly")}
    assert counts == {("2024-03-01", "10"): 6, ("2024-03-01", "11"): 1}    # hour 10 recomputed with the late event
    hour10 = [r for r in lake.aggregate_rows("page_view_performance") if r["hr"] == "10"]
    assert [r["view_count"] for r in hour10] == [6]


def test_an_independent_reader_sees_every_curated_event_once(lake):
    """pyiceberg (glue-job/tools/curated_rows.py), not Spark or the job's code, reads the tables the way
    the demo's ledger does: through the Glue Data Catalog and S3."""
    import os
    import subprocess

    w1 = lake.write("page_view", "2024-03-01", "10", "s1", [page_view("a", "2024-03-01T10:00:00Z"),
                                                            page_view("b", "2024-03-01T10:30:00Z")])
    lake.run("w-1", [w1, lake.write("sensor_reading", "2024-03-01", "10", "s1", [reading("r", "2024-03-01T10:00:00Z")])])
    lake.run("w-2", [lake.write("page_view", "2024-03-01", "11", "s2", [page_view("b", "2024-03-01T10:30:00Z"),
                                                                         page_view("c", "2024-03-01T11:00:00Z")])])
    out = lake.root / "ids.txt"
    env = dict(os.environ, AWS_ENDPOINT_URL=lake.endpoint)
    printed = subprocess.run([os.environ["ICEBERG_READER_PYTHON"], str(Path(__file__).parents[1] / "tools" /
                              "curated_rows.py"), lake.database, str(out)],
                             env=env, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(row["event_id"] for row in rows) == ["a", "b", "c", "r"]
    # what the conservation ledger compares: the envelope and the payload as received, per row
    row = next(row for row in rows if row["event_id"] == "r")
    assert row["event_type"] == "sensor_reading" and isinstance(row["event_time_ms"], int)
    assert json.loads(row["payload_json"]) == json.loads(json.dumps(reading("r", "2024-03-01T10:00:00Z")["payload"]))
    assert printed.strip() == "4"

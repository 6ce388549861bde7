"""The upgrade path: curated data in the old Parquet layout (curated/event_type=<t>/dt=<d>/part-*.parquet, as the
pre-Iceberg job wrote it) merged into the Iceberg tables, every row exactly once by content, rerunnable."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal

import pytest

from conftest import event, iso_to_ms
from tributary_glue import migrate, schemas

OLD_WINDOW = "w-2024-03-01T10-00"


def old_row(event_type, event_id, when, payload, columns):
    """A row of the old curated layout: the curated schema with event_type and dt (written as directories)."""
    ms = iso_to_ms(when)
    row = {"event_id": event_id, "event_time": dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)
           .replace(tzinfo=None), "event_time_ms": ms, "source": "old-job", "schema_version": 1,
           "payload_json": json.dumps(payload), "extra": {"ingest_lag_ms": "7"}, "window_id": OLD_WINDOW,
           "source_file": f"s3://p/processed/event_type={event_type}/dt={when[:10]}/hr={when[11:13]}/o.jsonl.gz",
           "event_type": event_type, "dt": when[:10]}
    row.update(columns)
    return row


def write_old_layout(spark, root, rows_by_type):
    for event_type, rows in rows_by_type.items():
        schema = schemas.curated_schema(event_type)
        full = [{f.name: r.get(f.name) for f in schema.fields} for r in rows]
        (spark.createDataFrame(full, schema).write.mode("append")
         .partitionBy("event_type", "dt").parquet(str(root)))


CONTENT = ("event_id", "event_time_ms", "source", "payload_json", "extra", "window_id", "source_file", "dt")


def _plain(value):
    # decimal(38,9) reads back with nine decimals: compare the number, not its scale
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def content(row, *more):
    return tuple(json.dumps(row[c], sort_keys=True, default=_plain) for c in CONTENT + more)


# Several Spark jobs (old layout, a window, two migrations): outside CI's bounded run, in scripts/test.sh --long.
@pytest.mark.long
def test_old_parquet_layout_migrates_every_row_exactly_once_and_a_rerun_commits_nothing(lake, tmp_path):
    spark = lake.spark
    page = lambda i, when, tti: old_row("page_view", f"pv-{i}", when, {"page_url": "/p", "tti_ms": tti},
                                        {"page_url": "/p", "tti_ms": float(tti), "ttar_ms": None})
    old_pages = [page(1, "2024-03-01T10:05:00Z", 100), page(2, "2024-03-01T10:40:00Z", 200),
                 page(3, "2024-03-01T11:10:00Z", 300), page(4, "2024-02-29T23:59:59Z", 400)]
    old_payments = [old_row("payment", f"pay-{i}", "2024-03-01T10:20:00Z", {"amount": a},
                            {"transaction_id": f"t-{i}", "amount": Decimal(a), "amount_text": a, "currency": "EUR",
                             "status": "captured"})
                    for i, a in ((1, "0.10"), (2, "12345678901234567890.123456789"))]
    root = tmp_path / "old-curated"
    write_old_layout(spark, root, {"page_view": old_pages, "payment": old_payments})
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == ["event_type=page_view", "event_type=payment"]

    # A window curated after the upgrade, before the migration: one new event, and a producer retry of pv-2.
    retry = event("pv-2", "page_view", "2024-03-01T10:40:00Z", {"page_url": "/p", "tti_ms": 200})
    fresh = event("pv-9", "page_view", "2024-03-01T11:30:00Z", {"page_url": "/q", "tti_ms": 900})
    lake.run("w-new", [lake.write("page_view", "2024-03-01", "10", "n", [retry, fresh])])

    argv = ["migrate_parquet.py", "--old_curated_path", str(root), "--curated_path", lake.curated,
            "--aggregates_path", lake.aggregates, "--database", lake.database]
    report = migrate.main(argv, spark=spark)

    assert report["event_types"] == {"page_view": {"old_rows": 4, "inserted": 3},
                                     "payment": {"old_rows": 2, "inserted": 2}}
    pages = lake.curated_rows("page_view")
    assert Counter(r["event_id"] for r in pages) == Counter({"pv-1": 1, "pv-2": 1, "pv-3": 1, "pv-4": 1, "pv-9": 1})
    migrated = {content(r, "tti_ms") for r in pages if r["window_id"] == OLD_WINDOW}
    assert migrated == {content(r, "tti_ms") for r in old_pages if r["event_id"] != "pv-2"}
    # pv-2 was in the table already (the later window's copy): kept, not doubled, not replaced
    assert [r["window_id"] for r in pages if r["event_id"] == "pv-2"] == ["w-new"]
    payments = lake.curated_rows("payment")
    assert {content(r, "amount", "amount_text", "transaction_id") for r in payments} == \
           {content(r, "amount", "amount_text", "transaction_id") for r in old_payments}
    assert {r["event_id"]: r["amount"] for r in payments}["pay-2"] == Decimal("12345678901234567890.123456789")

    # the aggregates of every migrated hour, recomputed from the table (counted here from the rows themselves)
    expected = Counter(("page_view", r["dt"], r["event_time"].strftime("%H")) for r in pages)
    expected.update(("payment", r["dt"], r["event_time"].strftime("%H")) for r in payments)
    hourly = {(r["event_type"], r["dt"], r["hr"]): r["event_count"] for r in lake.aggregate_rows("event_counts_hourly")}
    assert hourly == dict(expected)
    # page views: the state of the migrated days rebuilt from the curated rows (migrated rows keep their old window
    # ids), so the window curated before the migration is counted once, not twice
    views = {(r["dt"], r["hr"], r["page_url"]): r["view_count"] for r in lake.aggregate_rows("page_view_performance")}
    assert views == dict(Counter((r["dt"], r["event_time"].strftime("%H"), r["page_url"]) for r in pages))
    assert {r["window_id"] for r in lake.aggregate_rows("page_view_state")} == {OLD_WINDOW, "w-new"}

    tables = ["curated_page_view", "curated_payment", "agg_event_counts_hourly", "agg_payment_totals",
              "agg_page_view_performance", "agg_page_view_state"]
    before = {t: [s["snapshot_id"] for s in lake.snapshots(t)] for t in tables}
    again = migrate.main(argv, spark=spark)
    assert again["event_types"] == {"page_view": {"old_rows": 4, "inserted": 0},
                                    "payment": {"old_rows": 2, "inserted": 0}}
    assert again["aggregates"] == []
    assert {t: [s["snapshot_id"] for s in lake.snapshots(t)] for t in tables} == before

"""Aggregate tables, checked against values computed independently here from the distinct events."""
from __future__ import annotations

import math
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from conftest import event
from tributary_glue.aggregates import SKETCH_ALPHA


def rank_value(values, q):
    """The value of rank floor(q * (n - 1)) (0-based): what the percentile columns state they approximate."""
    return sorted(values)[math.floor(q * (len(values) - 1))]


def mean(values):
    return sum(values) / len(values)


def test_page_view_performance_and_hourly_counts_over_two_windows(lake):
    rng = random.Random(20240301)
    urls = ["https://shop.example/", "https://shop.example/cart", "https://blog.example/post?id=7"]

    def views(prefix, count, day):
        out = []
        for i in range(count):
            payload = {"page_url": rng.choice(urls), "tti_ms": rng.randint(80, 6000), "ttar_ms": rng.randint(5, 900)}
            if i % 9 == 4:
                del payload["tti_ms"]                  # a view without TTI: counted, not averaged
            when = f"{day}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
            out.append(event(f"{prefix}-{i}", "page_view", when, payload))
        return out

    first = views("w1", 30, "2024-03-01") + views("w1b", 8, "2024-03-02")
    second_new = views("w2", 12, "2024-03-01")
    resent = [dict(e, payload=dict(e["payload"], tti_ms=999999)) for e in first[:5]]   # duplicates: ignored

    lake.run("w-1", [lake.write("page_view", "2024-03-01", "00", "s1", first)])
    lake.run("w-2", [lake.write("page_view", "2024-03-01", "01", "s2", second_new + resent)])

    distinct = first + second_new
    groups = defaultdict(list)
    for e in distinct:
        groups[(e["event_time"][:10], e["event_time"][11:13], e["payload"]["page_url"])].append(e["payload"])
    # per (day, hour, page): exact counts and averages; percentiles within SKETCH_ALPHA of the rank value
    # (docs/glue-job.md "Aggregates"), merged from what each window added
    rows = {(r["dt"], r["hr"], r["page_url"]): r for r in lake.aggregate_rows("page_view_performance")}
    assert set(rows) == set(groups)
    for key, payloads in groups.items():
        row = rows[key]
        tti = [p["tti_ms"] for p in payloads if "tti_ms" in p]
        ttar = [p["ttar_ms"] for p in payloads]
        assert row["view_count"] == len(payloads), key
        for name, values in (("tti", tti), ("ttar", ttar)):
            if not values:      # an hour whose every view of the page lacks TTI: no average, no percentile
                assert row[f"{name}_avg_ms"] is None and row[f"{name}_p95_ms"] is None, (key, name)
                continue
            assert row[f"{name}_avg_ms"] == pytest.approx(mean(values), rel=1e-12), (key, name)
            assert row[f"{name}_p50_ms"] == pytest.approx(rank_value(values, 0.5), rel=SKETCH_ALPHA), (key, name)
            assert row[f"{name}_p95_ms"] == pytest.approx(rank_value(values, 0.95), rel=SKETCH_ALPHA), (key, name)

    hourly = defaultdict(int)
    for e in distinct:
        hourly[("page_view", e["event_time"][:10], e["event_time"][11:13])] += 1
    counts = {(r["event_type"], r["dt"], r["hr"]): r["event_count"] for r in lake.aggregate_rows("event_counts_hourly")}
    assert counts == dict(hourly)
    assert sum(counts.values()) == 50


def test_sensor_reading_stats_per_device_and_metric(lake):
    rng = random.Random(99)
    readings = []
    for i in range(40):
        device, metric = rng.choice(["dev-a", "dev-b"]), rng.choice(["temperature", "humidity"])
        value = round(rng.uniform(-20, 60), 3) if metric == "temperature" else rng.randint(10, 95)
        readings.append(event(f"r-{i}", "sensor_reading", f"2024-03-01T{i % 24:02d}:00:00Z",
                              {"device_id": device, "metric": metric, "value": value, "unit": "x"}))
    outlier = dict(readings[0], payload=dict(readings[0]["payload"], value=10_000))   # a duplicate: ignored
    lake.run("w-1", [lake.write("sensor_reading", "2024-03-01", "00", "s1", readings),
                     lake.write("sensor_reading", "2024-03-01", "00", "s2", [outlier])])   # s1 < s2: s1's copy wins

    groups = defaultdict(list)
    for r in readings:
        groups[(r["event_time"][11:13], r["payload"]["device_id"], r["payload"]["metric"])].append(r["payload"]["value"])
    rows = {(r["hr"], r["device_id"], r["metric"]): r for r in lake.aggregate_rows("sensor_reading_stats")}
    assert set(rows) == set(groups)
    for key, values in groups.items():
        row = rows[key]
        assert row["dt"] == "2024-03-01"
        assert row["reading_count"] == len(values)
        assert row["value_min"] == min(values) and row["value_max"] == max(values)
        assert row["value_avg"] == pytest.approx(mean(values), rel=1e-12)
        assert row["value_count"] == len(values) and row["value_sum"] == pytest.approx(sum(values), rel=1e-12)


def test_payment_totals_are_exact_decimals(lake):
    amounts = {"EUR": ["0.10"] * 10 + ["0.20", "19.99", "-5.25"],
               "USD": ["12345678901234567890.123456789", "0.000000001", "7.5"],
               "JPY": ["1500", "250"]}
    payments, n = [], 0
    for currency, values in amounts.items():
        for value in values:
            n += 1
            payments.append(event(f"p-{n}", "payment", "2024-03-01T12:00:00Z",
                                  {"transaction_id": f"t-{n}", "amount": value, "currency": currency,
                                   "status": "captured"}))
    invalid = event("p-bad", "payment", "2024-03-01T12:00:00Z",
                    {"transaction_id": "t-bad", "amount": "12,50", "currency": "EUR", "status": "captured"})
    resent = dict(payments[0], payload=dict(payments[0]["payload"], amount="1000.00"))   # duplicate: ignored
    lake.run("w-1", [lake.write("payment", "2024-03-01", "12", "s1", payments + [invalid]),
                     lake.write("payment", "2024-03-01", "12", "s2", [resent])])

    rows = {r["currency"]: r for r in lake.aggregate_rows("payment_totals")}
    assert set(rows) == set(amounts)
    for currency, values in amounts.items():
        expected = sum((Decimal(v) for v in values), Decimal(0))
        row = rows[currency]
        assert isinstance(row["total_amount"], Decimal)
        assert row["total_amount"] == expected, currency          # exact, not approximately
        assert row["status"] == "captured" and (row["dt"], row["hr"]) == ("2024-03-01", "12")
        assert row["payment_count"] == len(values) + (1 if currency == "EUR" else 0)
        assert row["invalid_amount_count"] == (1 if currency == "EUR" else 0)
    curated = {r["event_id"]: r for r in lake.curated_rows("payment")}
    assert curated["p-bad"]["amount"] is None and curated["p-bad"]["amount_text"] == "12,50"
    assert curated["p-1"]["amount"] == Decimal("0.10") and curated["p-1"]["amount_text"] == "0.10"


def _day_of_windows(lake, windows=4, per_window=60, seed=3):
    """Windows of all three types whose late events land in hours earlier windows already aggregated, plus producer
    retries of earlier events; returns the distinct events sent."""
    rng = random.Random(seed)
    sent, distinct = [], {}
    for w in range(windows):
        batch = []
        for i in range(per_window):
            hour = rng.randint(0, w * 2 + 1)                     # on time, or late into any earlier hour
            when = f"2024-03-01T{hour:02d}:{rng.randint(0, 59):02d}:00Z"
            kind = rng.choice(["page_view", "sensor_reading", "payment"])
            payload = {
                "page_view": lambda: {"page_url": f"https://shop.example/p/{rng.randint(1, 3)}",
                                      "tti_ms": rng.randint(80, 6000), "ttar_ms": rng.randint(5, 900)},
                "sensor_reading": lambda: {"device_id": f"dev-{rng.randint(1, 2)}", "metric": "temperature",
                                           "value": round(rng.uniform(-20, 60), 2)},
                "payment": lambda: {"transaction_id": f"t-{w}-{i}", "amount": f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}",
                                    "currency": rng.choice(["EUR", "USD"]), "status": "captured"},
            }[kind]()
            record = event(f"w{w}-{i}", kind, when, payload)
            distinct[record["event_id"]] = record
            batch.append(record)
        batch += [distinct[k] for k in rng.sample(sorted(distinct), 5)]   # producer retries: dropped as duplicates
        # each window's objects under a prefix of its own (the prefix is what the window reads)
        paths = [lake.write(t, "2024-03-01", f"{10 + w:02d}", f"w{w}", [e for e in batch if e["event_type"] == t])
                 for t in ("page_view", "sensor_reading", "payment") if any(e["event_type"] == t for e in batch)]
        sent.append((f"w-{w}", paths))
    for window_id, paths in sent:
        lake.run(window_id, paths)
    return list(distinct.values())


def _expected_exact(events):
    counts, readings, payments = defaultdict(int), defaultdict(list), defaultdict(list)
    for e in events:
        dt, hr = e["event_time"][:10], e["event_time"][11:13]
        counts[(e["event_type"], dt, hr)] += 1
        if e["event_type"] == "sensor_reading":
            readings[(dt, hr, e["payload"]["device_id"])].append(e["payload"]["value"])
        if e["event_type"] == "payment":
            payments[(dt, hr, e["payload"]["currency"])].append(Decimal(e["payload"]["amount"]))
    return dict(counts), readings, payments


def _assert_aggregates_match(lake, events):
    counts, readings, payments = _expected_exact(events)
    assert {(r["event_type"], r["dt"], r["hr"]): r["event_count"]
            for r in lake.aggregate_rows("event_counts_hourly")} == counts
    stats = {(r["dt"], r["hr"], r["device_id"]): r for r in lake.aggregate_rows("sensor_reading_stats")}
    assert set(stats) == set(readings)
    for key, values in readings.items():
        row = stats[key]
        assert (row["reading_count"], row["value_count"]) == (len(values), len(values)), key
        assert (row["value_min"], row["value_max"]) == (min(values), max(values)), key
        assert row["value_avg"] == pytest.approx(mean(values), rel=1e-12), key
    totals = {(r["dt"], r["hr"], r["currency"]): r for r in lake.aggregate_rows("payment_totals")}
    assert set(totals) == set(payments)
    for key, amounts in payments.items():
        assert totals[key]["total_amount"] == sum(amounts, Decimal(0)), key          # exact
        assert totals[key]["payment_count"] == len(amounts), key
    views = defaultdict(list)
    for e in events:
        if e["event_type"] == "page_view":
            views[(e["event_time"][:10], e["event_time"][11:13], e["payload"]["page_url"])].append(e["payload"])
    performance = {(r["dt"], r["hr"], r["page_url"]): r for r in lake.aggregate_rows("page_view_performance")}
    assert set(performance) == set(views)
    for key, payloads in views.items():
        tti = [p["tti_ms"] for p in payloads]
        assert performance[key]["view_count"] == len(payloads), key
        assert performance[key]["tti_avg_ms"] == pytest.approx(mean(tti), rel=1e-12), key
        assert performance[key]["tti_p95_ms"] == pytest.approx(rank_value(tti, 0.95), rel=SKETCH_ALPHA), key


def test_windows_merge_late_events_into_hours_earlier_windows_aggregated(lake):
    events = _day_of_windows(lake)

    _assert_aggregates_match(lake, events)
    # page_view_state: one row per (hour, page, window) that added views, nothing else
    state = lake.aggregate_rows("page_view_state")
    added = {(e["event_time"][11:13], e["payload"]["page_url"], "w-" + e["event_id"][1:].split("-")[0])
             for e in events if e["event_type"] == "page_view"}
    assert sorted((r["hr"], r["page_url"], r["window_id"]) for r in state) == sorted(added)
    # each exact table's commits name their windows, one commit per window that touched it
    for name in ("agg_event_counts_hourly", "agg_sensor_reading_stats", "agg_payment_totals"):
        windows = [s["summary"].get("tributary.window-id") for s in lake.snapshots(name)]
        assert windows == ["w-0", "w-1", "w-2", "w-3"], name


def _two_windows_and_a_late_one(lake):
    """Two windows run, and a third (not run) whose two events are late into hours the first two aggregated."""
    first = _day_of_windows(lake, windows=2)
    extra = [event("late-1", "payment", "2024-03-01T00:10:00Z",
                   {"transaction_id": "t-late", "amount": "10.01", "currency": "EUR", "status": "captured"}),
             event("late-2", "sensor_reading", "2024-03-01T01:10:00Z",
                   {"device_id": "dev-1", "metric": "temperature", "value": 99.5})]
    path = [lake.write("payment", "2024-03-01", "05", "late", extra[:1]),
            lake.write("sensor_reading", "2024-03-01", "05", "late", extra[1:])]
    return first, extra, path


def test_retry_after_an_attempt_died_before_the_aggregates_recomputes_them_from_the_curated_rows(lake, monkeypatch):
    from tributary_glue import aggregates

    first, extra, path = _two_windows_and_a_late_one(lake)

    def died(*args, **kwargs):
        raise RuntimeError("the attempt died after the curated commit")

    with monkeypatch.context() as patched:
        patched.setattr(aggregates, "write_aggregates", died)
        with pytest.raises(RuntimeError):
            lake.run("w-late", path)
    assert {r["event_id"] for r in lake.curated_rows("payment")} >= {"late-1"}   # the curated commit stood

    summary = lake.run("w-late", path)

    assert summary["records_new"] == 0 and summary["records_out"] == 2
    assert set(summary["aggregates"]) == {"event_counts_hourly", "sensor_reading_stats", "payment_totals"}
    _assert_aggregates_match(lake, first + extra)


def test_retry_after_an_attempt_died_between_aggregate_commits_counts_nothing_twice(lake, monkeypatch):
    from tributary_glue import aggregates

    first, extra, path = _two_windows_and_a_late_one(lake)
    replace = aggregates._replace

    def dies_at_payments(spark, target, name, *args, **kwargs):
        if name == "payment_totals":
            raise RuntimeError("the attempt died after committing event_counts_hourly and sensor_reading_stats")
        return replace(spark, target, name, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(aggregates, "_replace", dies_at_payments)
        with pytest.raises(RuntimeError):
            lake.run("w-late", path)
    counts_before = lake.snapshots("agg_event_counts_hourly")

    summary = lake.run("w-late", path)

    # the tables the dead attempt committed carry its window id and are left alone; payment_totals is repaired
    assert summary["aggregates"] == ["payment_totals"]
    assert lake.snapshots("agg_event_counts_hourly") == counts_before
    _assert_aggregates_match(lake, first + extra)

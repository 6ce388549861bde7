"""Aggregate tables, checked against values computed independently here from the distinct events."""
from __future__ import annotations

import math
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from conftest import event


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default, and Spark's exact `percentile`)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


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
    # exact percentiles per (day, hour, page): the groups a window recomputes (docs/glue-job.md "Aggregates")
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
            assert row[f"{name}_p50_ms"] == pytest.approx(percentile(values, 0.5), rel=1e-12), (key, name)
            assert row[f"{name}_p95_ms"] == pytest.approx(percentile(values, 0.95), rel=1e-12), (key, name)

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

"""The percentile sketch of aggregates.py: its stated accuracy against exact order statistics, and merging."""
from __future__ import annotations

import math
import random

import pytest

from tributary_glue import aggregates

QUANTILES = (0.0, 0.5, 0.95, 1.0)


def rank_value(values, q):
    """The order statistic the sketch approximates: rank floor(q * (n - 1)), 0-based."""
    ordered = sorted(values)
    return ordered[math.floor(q * (len(ordered) - 1))]


def state_rows(spark, groups):
    """page_view_state rows built the job's way from curated-like rows: {(hr, page, window): [tti values]}."""
    rows = [("2024-03-01", hr, page, window, float(v) if v is not None else None, None)
            for (hr, page, window), values in groups.items() for v in values]
    frame = spark.createDataFrame(rows, "dt string, hr string, page_url string, window_id string, "
                                        "tti_ms double, ttar_ms double")
    return aggregates._merge_state(aggregates._as_state_rows(frame), ["dt", "hr", "page_url", "window_id"])


def performance(spark, groups):
    return {(r["hr"], r["page_url"]): r.asDict()
            for r in aggregates._page_view_performance(state_rows(spark, groups)).collect()}


def test_sketch_quantiles_are_within_the_stated_relative_error_of_the_rank_value(spark):
    rng = random.Random(5)
    samples = {
        ("00", "uniform", "w"): [rng.uniform(80, 6000) for _ in range(2000)],
        ("00", "lognormal", "w"): [rng.lognormvariate(6, 1.5) for _ in range(3000)],
        ("00", "signed", "w"): [rng.choice([-1, 1]) * rng.uniform(0.001, 1e6) for _ in range(500)] + [0.0] * 7,
        ("00", "one", "w"): [42.0],
        ("00", "tiny-and-huge", "w"): [1e-300, 5e-324, 1e300, 1.7e308, 3.0],
    }
    rows = performance(spark, samples)
    for (hr, page, _), values in samples.items():
        row = rows[(hr, page)]
        for q, column in ((0.5, "tti_p50_ms"), (0.95, "tti_p95_ms")):
            expected = rank_value(values, q)
            assert row[column] == pytest.approx(expected, rel=aggregates.SKETCH_ALPHA + 1e-9, abs=0), (page, q)
        assert row["view_count"] == len(values)
        assert row["tti_avg_ms"] == pytest.approx(sum(values) / len(values), rel=1e-9), page


def test_sketch_merged_from_windows_equals_the_sketch_of_all_rows(spark):
    rng = random.Random(11)
    values = [rng.randint(5, 900) for _ in range(1000)]
    split = {("07", "p", f"w-{i % 7}"): [] for i in range(7)}
    for i, v in enumerate(values):
        split[("07", "p", f"w-{i % 7}")].append(v)
    whole = {("07", "p", "w-all"): values}
    merged = state_rows(spark, split).groupBy().count().first()[0]
    assert merged == 7                                  # one state row per window
    assert performance(spark, split) == performance(spark, whole)   # same bits: sums in a fixed order


def test_rows_without_a_value_are_counted_but_not_sketched(spark):
    nan, inf = float("nan"), float("inf")
    rows = performance(spark, {("01", "p", "w"): [None, None, 10.0, 20.0, 30.0]})
    row = rows[("01", "p")]
    assert row["view_count"] == 5
    assert row["tti_avg_ms"] == pytest.approx(20.0)
    assert row["tti_p50_ms"] == pytest.approx(20.0, rel=aggregates.SKETCH_ALPHA)
    empty = performance(spark, {("02", "q", "w"): [None, None]})[("02", "q")]
    assert empty["view_count"] == 2 and empty["tti_avg_ms"] is None and empty["tti_p95_ms"] is None
    odd = performance(spark, {("03", "r", "w"): [nan, inf, 5.0]})[("03", "r")]
    assert odd["tti_p50_ms"] == pytest.approx(5.0, rel=aggregates.SKETCH_ALPHA)   # the only finite value

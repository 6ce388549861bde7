"""The aggregate tables, kept current per window at the cost of what the window added (docs/glue-job.md "Aggregates").

Every aggregate is per (day, UTC hour, group). A window does not re-read the curated rows of the hours it touched:
- `event_counts_hourly`, `sensor_reading_stats` and `payment_totals` hold their own mergeable state (counts, sums,
  minima, maxima): the window's rows (`window_id`, which prunes to the files it wrote) are aggregated and merged into
  the stored rows of the touched days, and those day partitions (one small file each) are replaced in one commit
  whose snapshot summary names the window (`tributary.window-id`), so a rerun finds it and commits nothing;
- `page_view_performance` needs percentiles, which do not merge. Each window appends what it added per (day, hour,
  page) to `page_view_state`: counts, sums and a log-bucket sketch of `tti_ms`/`ttar_ms` (relative accuracy
  SKETCH_ALPHA); the reader table's touched days are then recomputed from those state rows. A window's state rows
  are found by their `window_id`, so appending them is idempotent however late a rerun comes.
A retry of a window whose curated rows an earlier attempt already committed, and that finds no commit of its own in
a table, recomputes that table's touched days from the curated rows (the exact, costlier path: only on retries).
"""
from __future__ import annotations

import contextlib
import logging
import math
import time
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from . import schemas, tables

LOG = logging.getLogger("tributary.glue")

WINDOW_PROPERTY = "tributary.window-id"   # in the snapshot summary of every aggregate commit
STATE = "page_view_state"

# The sketch (DDSketch's log buckets, Masson et al., VLDB 2019): value v > 0 falls in bucket ceil(log_gamma(v)) and
# is reported as 2 * gamma^k / (gamma + 1), at most SKETCH_ALPHA away from v relative to v. Counts per bucket add up,
# so sketches of any split of the rows merge into the sketch of all of them.
SKETCH_ALPHA = 0.01
SKETCH_GAMMA = (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA)
_KEY_OFFSET = 1 << 20   # |bucket index| of any finite double is < 40,000: keys of positive values stay > 0
_SKETCHED = {"tti": "tti_ms", "ttar": "ttar_ms"}   # sketch prefix -> curated column


# ---------------------------------------------------------------------------------------------- the sketch


def sketch_key(value: Column) -> Column:
    """A value's bucket key: 0 for zero, > 0 for positive values, < 0 for negative ones (ascending keys are
    ascending values); null for null, NaN and infinities, which no sketch holds."""
    index = F.ceil(F.log(F.abs(value)) / math.log(SKETCH_GAMMA)).cast("int") + _KEY_OFFSET
    finite = value.isNotNull() & ~F.isnan(value) & (F.abs(value) != F.lit(float("inf")))
    return (F.when(~finite, F.lit(None).cast("int"))
            .when(value == 0, F.lit(0))
            .when(value > 0, index)
            .otherwise(-index))


def _bucket_value(key: Column) -> Column:
    magnitude = F.pow(F.lit(SKETCH_GAMMA), F.abs(key) - _KEY_OFFSET) * (2.0 / (SKETCH_GAMMA + 1))
    return F.when(key == 0, F.lit(0.0)).when(key > 0, magnitude).otherwise(-magnitude)


def _exact_sum(column: Column) -> Column:
    """A sum of doubles in ascending order of the addends (nulls skipped), so it does not depend on how Spark split
    the rows: the same rows give the same bits, and a recomputation that changes nothing commits nothing."""
    return F.aggregate(F.array_sort(F.collect_list(column)), F.lit(0.0), lambda acc, x: acc + x)


# ---------------------------------------------------------------------------------------------- page view state


def _as_state_rows(views: DataFrame) -> DataFrame:
    """One state row per curated page view (view_count 1, its own sums and one-value sketches)."""
    empty = F.create_map().cast(schemas.SKETCH_TYPE)
    columns = [F.col("dt"), F.col("hr"), F.col("page_url"), F.col("window_id"),
               F.lit(1).cast("long").alias("view_count")]
    for prefix, source in _SKETCHED.items():
        key = sketch_key(F.col(source))
        columns += [F.when(F.col(source).isNotNull(), 1).otherwise(0).cast("long").alias(f"{prefix}_count"),
                    F.col(source).alias(f"{prefix}_sum_ms"),
                    F.when(key.isNotNull(), F.create_map(key, F.lit(1).cast("long"))).otherwise(empty)
                     .alias(f"{prefix}_sketch")]
    return views.select(*columns)


def _merge_state(state: DataFrame, group: Sequence[str]) -> DataFrame:
    """State rows merged per `group`: counts added, sums added in a fixed order, sketches' bucket counts added
    (map_zip_with over the group's maps). A null in the group (a page view without page_url) is a group like any
    other. Used on one window's rows (2-3 s of a window at 30,000 events: docs/glue-job.md "Cost per window") and by
    the migration's rebuild; the per-window read path, _page_view_performance, ranks exploded buckets instead."""
    empty = F.create_map().cast(schemas.SKETCH_TYPE)
    zero = F.lit(0).cast("long")

    def merged_sketch(column: str) -> Column:
        def add(acc: Column, sketch: Column) -> Column:
            return F.map_zip_with(acc, sketch, lambda _, a, b: F.coalesce(a, zero) + F.coalesce(b, zero))

        total = F.aggregate(F.collect_list(F.coalesce(F.col(column), empty)), empty, add)
        return F.map_from_entries(F.array_sort(F.map_entries(total)))   # keys in order: the same rows, the same map

    merged = state.groupBy(*group).agg(
        *[F.sum(c).alias(c) for c in ["view_count"] + [f"{p}_count" for p in _SKETCHED]],
        *[_exact_sum(F.col(f"{p}_sum_ms")).alias(f"{p}_sum_ms") for p in _SKETCHED],
        *[merged_sketch(f"{p}_sketch").alias(f"{p}_sketch") for p in _SKETCHED])
    # a sum over rows without any value (count 0) is no sum
    for prefix in _SKETCHED:
        merged = merged.withColumn(f"{prefix}_sum_ms", F.when(F.col(f"{prefix}_count") > 0, F.col(f"{prefix}_sum_ms")))
    return merged


QUANTILES = {"p50": 0.5, "p95": 0.95}


def _page_view_performance(state: DataFrame) -> DataFrame:
    """The reader rows of the (day, hour, page) groups in `state`: its rows merged per group, averages from the sums,
    and each percentile the bucket holding the value of rank floor(q * (n - 1)) (0-based): the first bucket, in key
    order, whose running count exceeds that rank.

    Buckets are exploded to rows and ranked with window functions (code-generated), not walked in a map with
    higher-order functions (interpreted, several times slower). Scalars and percentiles are combined by one more
    aggregation, not a join, so a null page_url is a group like any other."""
    group = ["dt", "hr", "page_url"]
    counts = ["view_count"] + [f"{p}_count" for p in _SKETCHED]
    sums = [f"{p}_sum_ms" for p in _SKETCHED]
    scalars = state.groupBy(*group).agg(*[F.sum(c).alias(c) for c in counts],
                                        *[_exact_sum(F.col(c)).alias(c) for c in sums]).withColumn("_m", F.lit("*"))
    buckets = None
    for prefix in _SKETCHED:
        part = state.select(*group, F.lit(prefix).alias("_m"), F.explode(f"{prefix}_sketch").alias("_k", "_n"))
        buckets = part if buckets is None else buckets.unionByName(part)
    buckets = buckets.groupBy(*group, "_m", "_k").agg(F.sum("_n").alias("_n"))
    per_sketch = Window.partitionBy(*group, "_m")
    ranked = (buckets.withColumn("_seen", F.sum("_n").over(per_sketch.orderBy("_k").rowsBetween(
                                     Window.unboundedPreceding, Window.currentRow)))
                     .withColumn("_total", F.sum("_n").over(per_sketch)))
    keys = ranked.groupBy(*group, "_m").agg(
        *[F.min(F.when(F.col("_seen") > F.floor(F.lit(q) * (F.col("_total") - 1)), F.col("_k"))).alias(f"_{name}")
          for name, q in QUANTILES.items()])
    merged = scalars.unionByName(keys, allowMissingColumns=True).groupBy(*group).agg(
        *[F.max(F.when(F.col("_m") == "*", F.col(c))).alias(c) for c in counts + sums],
        *[F.max(F.when(F.col("_m") == p, F.col(f"_{name}"))).alias(f"_{p}_{name}")
          for p in _SKETCHED for name in QUANTILES])
    columns = [F.col(c) for c in group] + [F.col("view_count")]
    for prefix in _SKETCHED:
        count = F.col(f"{prefix}_count")
        columns.append(F.when(count > 0, F.col(f"{prefix}_sum_ms") / count).alias(f"{prefix}_avg_ms"))
        columns += [_bucket_value(F.col(f"_{prefix}_{name}")).alias(f"{prefix}_{name}_ms") for name in QUANTILES]
    return merged.select(*columns)


# ---------------------------------------------------------------------------------------------- exact tables

# Each table's group and how each state column merges.
_GROUP = {
    "event_counts_hourly": ["event_type", "dt", "hr"],
    "sensor_reading_stats": ["dt", "hr", "device_id", "metric"],
    "payment_totals": ["dt", "hr", "currency", "status"],
}
_MERGE: Dict[str, Dict[str, Callable[[str], Column]]] = {
    "event_counts_hourly": {"event_count": F.sum},
    "sensor_reading_stats": {"reading_count": F.sum, "value_min": F.min, "value_max": F.max, "value_count": F.sum,
                             "value_sum": lambda c: _exact_sum(F.col(c))},
    # decimal sums are exact in any order; F.sum skips nulls and is null only when every addend is
    "payment_totals": {"payment_count": F.sum, "total_amount": F.sum, "invalid_amount_count": F.sum},
}

Reader = Callable[[str, Sequence[str]], Optional[DataFrame]]


def _exact_frames(read: Reader, event_types: Sequence[str]) -> Dict[str, DataFrame]:
    """The state rows of the three exact tables over the rows `read(event_type, columns)` returns."""
    frames: Dict[str, DataFrame] = {}
    counted = [read(t, []).groupBy("dt", "hr").agg(F.count(F.lit(1)).alias("event_count"))
               .withColumn("event_type", F.lit(t)) for t in sorted(event_types)]
    if counted:
        frames["event_counts_hourly"] = counted[0]
        for frame in counted[1:]:
            frames["event_counts_hourly"] = frames["event_counts_hourly"].unionByName(frame)
    readings = read("sensor_reading", ["device_id", "metric", "value"]) if "sensor_reading" in event_types else None
    if readings is not None:
        frames["sensor_reading_stats"] = readings.groupBy(*_GROUP["sensor_reading_stats"]).agg(
            F.count(F.lit(1)).alias("reading_count"), F.min("value").alias("value_min"),
            F.max("value").alias("value_max"), F.count("value").alias("value_count"),
            _exact_sum(F.col("value")).alias("value_sum"))
    payments = read("payment", ["amount", "currency", "status"]) if "payment" in event_types else None
    if payments is not None:
        frames["payment_totals"] = payments.groupBy(*_GROUP["payment_totals"]).agg(
            F.count(F.lit(1)).alias("payment_count"),
            F.sum("amount").cast(schemas.AMOUNT_TYPE).alias("total_amount"),
            F.sum(F.when(F.col("amount").isNull(), 1).otherwise(0)).alias("invalid_amount_count"))
    return {name: _finish(name, frame) for name, frame in frames.items()}


def _finish(name: str, frame: DataFrame) -> DataFrame:
    """The columns derived from the state (an average from its sum and count)."""
    if name == "sensor_reading_stats":
        count = F.col("value_count")
        frame = (frame.withColumn("value_sum", F.when(count > 0, F.col("value_sum")))
                      .withColumn("value_avg", F.when(count > 0, F.col("value_sum") / count)))
    return tables.select_schema(frame, tables.aggregate_table_schema(name))


def _merge_exact(name: str, stored: DataFrame, delta: DataFrame) -> DataFrame:
    merged = stored.unionByName(delta).groupBy(*_GROUP[name]).agg(
        *[merge(column).alias(column) for column, merge in _MERGE[name].items()])
    return _finish(name, merged)


# ---------------------------------------------------------------------------------------------- reading and writing



def aggregate_table(spark: SparkSession, cfg, name: str) -> str:
    """The aggregate's table (created when missing), fully qualified."""
    table = tables.aggregate_table_name(name)
    schema, partition_cols = schemas.AGGREGATES[name]
    tables.ensure_table(spark, cfg.catalog, cfg.database, table, tables.aggregate_table_schema(name),
                        partition_cols, f"{cfg.aggregates_path.rstrip('/')}/{name}", [schema.fields[0].name])
    return tables.qualified(cfg.catalog, cfg.database, table)


def _committed_by(spark: SparkSession, target: str, window_id: str) -> bool:
    """Whether a commit of this window is in the table's current history (not one rolled back)."""
    window = window_id.replace("'", "''")
    return bool(spark.sql(
        f"SELECT 1 FROM {target}.snapshots s JOIN {target}.history h ON s.snapshot_id = h.snapshot_id "
        f"WHERE h.is_current_ancestor AND s.summary['{WINDOW_PROPERTY}'] = '{window}' LIMIT 1").collect())


def _stored(spark: SparkSession, target: str, name: str, keys: DataFrame) -> DataFrame:
    """The table's rows in the partitions `keys` names."""
    _, partition_cols = schemas.AGGREGATES[name]
    stored = spark.table(target).join(F.broadcast(keys.select(*partition_cols).distinct()), list(partition_cols),
                                      "left_semi")
    return tables.select_schema(stored, tables.aggregate_table_schema(name))


def _replace(spark: SparkSession, target: str, name: str, fresh: DataFrame, window_id: str,
             unless_equal: bool) -> bool:
    """Replaces the partitions `fresh` has rows in, in one commit named after the window; with `unless_equal`,
    commits nothing when the stored rows of those partitions are the same."""
    fresh = fresh.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        if unless_equal:
            stored = _stored(spark, target, name, fresh)
            if fresh.exceptAll(stored).isEmpty() and stored.exceptAll(fresh).isEmpty():
                LOG.info("%s: the touched partitions are up to date, nothing committed", name)
                return False
        fresh.writeTo(target).option(f"snapshot-property.{WINDOW_PROPERTY}", window_id).overwritePartitions()
        return True
    finally:
        fresh.unpersist()


@contextlib.contextmanager
def _timed(what: str):
    started = time.monotonic()
    yield
    LOG.info("aggregates: %s in %.1f s", what, time.monotonic() - started)


INCREMENTAL, RETRY, REBUILD = "incremental", "retry", "rebuild"
_SOURCE = {"event_counts_hourly": None, "sensor_reading_stats": "sensor_reading", "payment_totals": "payment"}


def write_aggregates(spark: SparkSession, cfg, hours: Mapping[str, Sequence[Tuple[str, str]]],
                     mode: str) -> List[str]:
    """Brings the aggregates of the (type, day, hour) groups in `hours` up to date after the window `cfg.window_id`
    committed its curated rows; returns the tables committed to.

    INCREMENTAL: every curated row of the window was committed by this attempt, so no aggregate holds any of them
    yet: the window's rows are merged in. RETRY: a table with a commit of this window is left alone, any other has
    its touched days recomputed from the curated rows. REBUILD (the Parquet migration, whose rows keep their old
    window ids): every table's touched days, page_view_state's too, recomputed from the curated rows."""
    if mode not in (INCREMENTAL, RETRY, REBUILD):
        raise ValueError(f"unknown mode {mode!r}")
    event_types = sorted(t for t, h in hours.items() if h)
    if not event_types:
        return []
    window = cfg.window_id

    def curated(event_type: str) -> DataFrame:
        name = tables.qualified(cfg.catalog, cfg.database, tables.curated_table_name(event_type))
        return spark.table(name).where(F.col("dt").isin(sorted({d for d, _ in hours[event_type]})))

    def window_rows(event_type: str, columns: Sequence[str]) -> DataFrame:
        # the window's own rows: `window_id` prunes to the files the window wrote (its column bounds are exact)
        return (curated(event_type).where(F.col("window_id") == window)
                .select(*columns, "dt", F.date_format("event_time", "HH").alias("hr")))

    def day_rows(event_type: str, columns: Sequence[str]) -> DataFrame:
        # every curated row of the touched days: the aggregate tables are replaced a day partition at a time
        return curated(event_type).select(*columns, "dt", F.date_format("event_time", "HH").alias("hr"))

    def state_of(rows: DataFrame) -> DataFrame:
        """page_view_state rows of curated page views: one per (day, hour, page, window)."""
        return tables.select_schema(_merge_state(_as_state_rows(rows), ["dt", "hr", "page_url", "window_id"]),
                                    tables.aggregate_table_schema(STATE))

    written: List[str] = []
    if "page_view" in event_types:
        state_target = aggregate_table(spark, cfg, STATE)
        days = sorted({d for d, _ in hours["page_view"]})
        with _timed(STATE):
            if mode == REBUILD:
                rows = curated("page_view").select("page_url", "tti_ms", "ttar_ms", "window_id", "dt",
                                                   F.date_format("event_time", "HH").alias("hr"))
                fresh = state_of(rows)
                if _replace(spark, state_target, STATE, fresh, window, unless_equal=True):
                    written.append(STATE)
            # INCREMENTAL: no earlier attempt reached the aggregates, so the window has no state rows yet
            elif mode == INCREMENTAL or not (
                    spark.table(state_target).where(F.col("dt").isin(days) & (F.col("window_id") == window))
                    .limit(1).collect()):
                rows = window_rows("page_view", ["page_url", "tti_ms", "ttar_ms", "window_id"])
                fresh = state_of(rows)
                fresh.writeTo(state_target).option(f"snapshot-property.{WINDOW_PROPERTY}", window).append()
                written.append(STATE)
        target = aggregate_table(spark, cfg, "page_view_performance")
        state = spark.table(state_target).where(F.col("dt").isin(days))   # the touched days, every hour
        fresh = tables.select_schema(_page_view_performance(state),
                                     tables.aggregate_table_schema("page_view_performance"))
        # compared first only when this run added no state (a rerun finds the table current and commits nothing)
        with _timed("page_view_performance"):
            if _replace(spark, target, "page_view_performance", fresh, window, unless_equal=STATE not in written):
                written.append("page_view_performance")

    names = [n for n, source in _SOURCE.items() if source is None or source in event_types]
    pending = [n for n in names
               if mode != RETRY or not _committed_by(spark, aggregate_table(spark, cfg, n), window)]
    incremental = mode == INCREMENTAL
    if pending:
        read = window_rows if incremental else day_rows
        frames = _exact_frames(read, event_types)
        for name in pending:
            if name not in frames:
                continue
            target = aggregate_table(spark, cfg, name)
            with _timed(name):
                committed = _update_exact(spark, target, name, frames[name], event_types, window, incremental)
            if committed:
                written.append(name)
    return written


def _update_exact(spark: SparkSession, target: str, name: str, frame: DataFrame, event_types: Sequence[str],
                  window: str, incremental: bool) -> bool:
    """Merges the window's state rows into the stored ones (incremental), or replaces the touched days with rows
    recomputed from the curated rows (committing nothing when they are current)."""
    if incremental:
        delta = frame.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            return _replace(spark, target, name, _merge_exact(name, _stored(spark, target, name, delta), delta),
                            window, unless_equal=False)
        finally:
            delta.unpersist()
    fresh = frame
    if name == "event_counts_hourly":   # the day's counts of the types the window did not touch stay as they are
        fresh = fresh.unionByName(_stored(spark, target, name, fresh).where(~F.col("event_type").isin(event_types)))
    return _replace(spark, target, name, fresh, window, unless_equal=True)

"""Explicit schemas: the curated Parquet columns per event type and the aggregate tables.

Nothing here is inferred from the data, so a partition written by one run always reads back with the same
columns and types in the next (new columns may only be added, never changed)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

# The envelope fields of a processed record. Every other top-level field (the transformer's enrichment:
# ingest_lag_ms, page, user_agent, ...) is kept in the `extra` map column.
ENVELOPE_KEYS = ("event_id", "event_type", "event_time", "event_time_ms", "source", "schema_version", "payload")
EVENT_TYPE_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"

# Money: amounts arrive as decimal strings and stay decimal end to end (no float on the way).
AMOUNT_TYPE = T.DecimalType(38, 9)
AMOUNT_PATTERN = r"^[+-]?[0-9]{1,29}(\.[0-9]{1,9})?$"  # what fits decimal(38,9) exactly, without rounding

COMMON_HEAD = [
    T.StructField("event_id", T.StringType(), False),
    T.StructField("event_time", T.TimestampType(), False),
    T.StructField("event_time_ms", T.LongType(), False),
    T.StructField("source", T.StringType(), True),
    T.StructField("schema_version", T.IntegerType(), True),
]
COMMON_TAIL = [
    # the payload exactly as received (JSON text), so fields without a column of their own are not lost
    T.StructField("payload_json", T.StringType(), True),
    # other top-level fields of the processed record; values as JSON text (strings without quotes)
    T.StructField("extra", T.MapType(T.StringType(), T.StringType()), True),
    # lineage: the window whose run first curated the record, and the processed object it came from
    T.StructField("window_id", T.StringType(), False),
    T.StructField("source_file", T.StringType(), True),
]
PARTITION_FIELDS = [
    T.StructField("event_type", T.StringType(), False),
    T.StructField("dt", T.StringType(), False),
]


@dataclass(frozen=True)
class PayloadColumn:
    """One curated column taken from the payload: key `key` (default: the column name) cast to `dtype`,
    or computed by `expr(payload_map)` where a plain cast would not do."""

    name: str
    dtype: T.DataType
    key: Optional[str] = None
    expr: Optional[Callable[[Column], Column]] = None

    def column(self, payload: Column) -> Column:
        if self.expr is not None:
            value = self.expr(payload)
        else:
            value = payload.getItem(self.key or self.name).cast(self.dtype)
        return value.cast(self.dtype).alias(self.name)


def _decimal_amount(payload: Column) -> Column:
    raw = F.trim(payload.getItem("amount"))
    return F.when(raw.rlike(AMOUNT_PATTERN), raw.cast(AMOUNT_TYPE))


PAYLOAD_COLUMNS: Dict[str, List[PayloadColumn]] = {
    "page_view": [
        PayloadColumn("page_url", T.StringType()),
        PayloadColumn("tti_ms", T.DoubleType()),
        PayloadColumn("ttar_ms", T.DoubleType()),
        PayloadColumn("user_id", T.StringType()),
        PayloadColumn("session_id", T.StringType()),
        PayloadColumn("user_agent", T.StringType()),
        PayloadColumn("referrer", T.StringType()),
    ],
    "sensor_reading": [
        PayloadColumn("device_id", T.StringType()),
        PayloadColumn("metric", T.StringType()),
        PayloadColumn("value", T.DoubleType()),
        PayloadColumn("unit", T.StringType()),
        PayloadColumn("firmware", T.StringType()),
    ],
    "payment": [
        PayloadColumn("transaction_id", T.StringType()),
        # null when the amount is missing or not a decimal that fits decimal(38,9); amount_text keeps it as sent
        PayloadColumn("amount", AMOUNT_TYPE, expr=_decimal_amount),
        PayloadColumn("amount_text", T.StringType(), key="amount"),
        PayloadColumn("currency", T.StringType()),
        PayloadColumn("status", T.StringType()),
        PayloadColumn("customer_id", T.StringType()),
        PayloadColumn("card_last4", T.StringType()),
        PayloadColumn("merchant_id", T.StringType()),
    ],
}


def payload_columns(event_type: str) -> List[PayloadColumn]:
    """The typed payload columns of a known event type; none for unknown types (payload_json only)."""
    return PAYLOAD_COLUMNS.get(event_type, [])


def curated_schema(event_type: str, with_partitions: bool = True) -> T.StructType:
    fields = list(COMMON_HEAD)
    fields += [T.StructField(c.name, c.dtype, True) for c in payload_columns(event_type)]
    fields += COMMON_TAIL
    if with_partitions:
        fields += PARTITION_FIELDS
    return T.StructType(fields)


# Aggregate tables: name -> (schema without partition columns, partition columns). Every aggregate is per UTC hour
# (`hr`, "HH"); a window merges what it added into the (type, day, hour) groups it touched. Counts, sums, minima and
# maxima are exact; percentiles come from a mergeable log-bucket sketch, kept per window in `page_view_state`
# (docs/glue-job.md "Aggregates"). Partitioned by day, not hour: late events touch many hours of a day, and one
# small file per touched day and table is what a window then rewrites, not one per hour.
SKETCH_TYPE = T.MapType(T.IntegerType(), T.LongType())
AGGREGATES = {
    "event_counts_hourly": (
        T.StructType([
            T.StructField("hr", T.StringType(), False),
            T.StructField("event_type", T.StringType(), False),
            T.StructField("event_count", T.LongType(), False),
        ]),
        ["dt"],
    ),
    "page_view_performance": (
        T.StructType([
            T.StructField("hr", T.StringType(), False),
            T.StructField("page_url", T.StringType(), True),
            T.StructField("view_count", T.LongType(), False),
            T.StructField("tti_avg_ms", T.DoubleType(), True),
            T.StructField("tti_p50_ms", T.DoubleType(), True),
            T.StructField("tti_p95_ms", T.DoubleType(), True),
            T.StructField("ttar_avg_ms", T.DoubleType(), True),
            T.StructField("ttar_p50_ms", T.DoubleType(), True),
            T.StructField("ttar_p95_ms", T.DoubleType(), True),
        ]),
        ["dt"],
    ),
    "sensor_reading_stats": (
        T.StructType([
            T.StructField("hr", T.StringType(), False),
            T.StructField("device_id", T.StringType(), True),
            T.StructField("metric", T.StringType(), True),
            T.StructField("reading_count", T.LongType(), False),
            T.StructField("value_min", T.DoubleType(), True),
            T.StructField("value_max", T.DoubleType(), True),
            T.StructField("value_avg", T.DoubleType(), True),
            # the state value_avg is merged from: readings with a value, and their sum
            T.StructField("value_count", T.LongType(), False),
            T.StructField("value_sum", T.DoubleType(), True),
        ]),
        ["dt"],
    ),
    "payment_totals": (
        T.StructType([
            T.StructField("hr", T.StringType(), False),
            T.StructField("currency", T.StringType(), True),
            T.StructField("status", T.StringType(), True),
            T.StructField("payment_count", T.LongType(), False),
            T.StructField("total_amount", AMOUNT_TYPE, True),
            T.StructField("invalid_amount_count", T.LongType(), False),
        ]),
        ["dt"],
    ),
    # Not for readers: what each window added to each (day, hour, page), so page_view_performance's percentiles
    # merge without re-reading the curated rows. One row per (dt, hr, page_url, window_id); per day, so a window
    # appends one file per day it touched.
    "page_view_state": (
        T.StructType([
            T.StructField("hr", T.StringType(), False),
            T.StructField("page_url", T.StringType(), True),
            T.StructField("window_id", T.StringType(), False),
            T.StructField("view_count", T.LongType(), False),
            T.StructField("tti_count", T.LongType(), False),
            T.StructField("tti_sum_ms", T.DoubleType(), True),
            T.StructField("tti_sketch", SKETCH_TYPE, True),
            T.StructField("ttar_count", T.LongType(), False),
            T.StructField("ttar_sum_ms", T.DoubleType(), True),
            T.StructField("ttar_sketch", SKETCH_TYPE, True),
        ]),
        ["dt"],
    ),
}

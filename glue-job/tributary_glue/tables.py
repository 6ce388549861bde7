"""The curated and aggregate Iceberg tables: names, locations, DDL, and the Spark settings they rely on.

One table per event type (`curated_<event_type>`: each type has its own typed payload columns) and one per
aggregate (`agg_<name>`), all in the Glue Data Catalog database the template creates (`--database`), reached through
the Spark catalog `--catalog` (default `glue_catalog`, configured by the job's `--conf`: infra/template.yaml).

The template registers the tables of the shipped types and aggregates; `ensure_table` creates a table that is
missing (a new event type, or a local run against an empty emulator) with exactly the DDL below, and gives a table
the template created the partitioning and write order the job relies on (Iceberg partition evolution: metadata
only, no data rewritten).
"""
from __future__ import annotations

import logging
from typing import Dict, List, Sequence

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from . import schemas

LOG = logging.getLogger("tributary.glue")

DEFAULT_CATALOG = "glue_catalog"

# Table properties of every table the job writes (docs/glue-job.md "Iceberg tables").
TABLE_PROPERTIES = {
    "format-version": "2",
    "write.format.default": "parquet",
    "write.parquet.compression-codec": "snappy",
    # One file per touched partition per window: rows are hash-distributed by partition before the write.
    "write.distribution-mode": "hash",
    # Iceberg's vectorized (Arrow) Parquet reader crashed the JVM under JDK 17 (SIGSEGV, native memory corrupted:
    # reproduced with Iceberg 1.7.1 on Spark 3.5.4, see docs/glue-job.md "Vectorized reads"). Iceberg's Spark
    # reader turns Arrow's bounds and null checks off (arrow.enable_unsafe_memory_access), so a bad index there
    # corrupts memory instead of raising. The row reader is correct and the job's reads are small (event ids of
    # the touched days, the touched hours for aggregates): correctness first.
    "read.parquet.vectorization.enabled": "false",
    # Readers get a time-travel window of 7 days: snapshots younger than that are never expired (maintenance).
    "history.expire.max-snapshot-age-ms": str(7 * 24 * 3600 * 1000),
    "history.expire.min-snapshots-to-keep": "5",
    # Every commit writes a new metadata.json listing the kept snapshots and the metadata log, so what a window
    # writes grew with the day (bytes written per window: slope 5.4 % of the intercept). gzip for metadata.json
    # (readers recognise `.gz.metadata.json`: Iceberg's Java library, pyiceberg) and a metadata log of 10 (time travel
    # uses snapshots, not this log; old files are pruned as commits land) made it 1.4 % over a 48-window day
    # (scripts/bench-iceberg.sh, docs/glue-job.md "Cost per window").
    "write.metadata.compression-codec": "gzip",
    "write.metadata.delete-after-commit.enabled": "true",
    "write.metadata.previous-versions-max": "10",
}
# Of the tables with a window_id column: exact bounds of window_id in the manifests (the default truncates strings to
# 16 characters), so a window finds its own rows by planning only the files whose bounds hold its id (the
# aggregates' delta, page_view_state's rerun check).
WINDOW_ID_PROPERTIES = {"write.metadata.metrics.column.window_id": "full"}


def table_properties(schema: T.StructType) -> Dict[str, str]:
    return {**TABLE_PROPERTIES, **(WINDOW_ID_PROPERTIES if "window_id" in schema.fieldNames() else {})}

SESSION_SETTINGS = {
    # The same reason as the table property, for reads through any table (e.g. one created by other tools).
    "spark.sql.iceberg.vectorization.enabled": "false",
}


def curated_table_name(event_type: str) -> str:
    return f"curated_{event_type}"


def aggregate_table_name(name: str) -> str:
    return f"agg_{name}"


def qualified(catalog: str, database: str, table: str) -> str:
    return f"`{catalog}`.`{database}`.`{table}`"


def _ddl_type(dtype: T.DataType) -> str:
    return dtype.simpleString()


def _columns_ddl(schema: T.StructType) -> str:
    # Every column is optional in Iceberg: the Glue Data Catalog creates the template's tables that way, and the
    # job guarantees the required fields itself (classify() drops a record without event_id, type or time).
    return ", ".join(f"`{f.name}` {_ddl_type(f.dataType)}" for f in schema.fields)


def curated_table_schema(event_type: str) -> T.StructType:
    """The curated table's columns: the type's curated schema with `dt` (a column and the partition) but no
    `event_type` (the table is the type)."""
    return T.StructType([f for f in schemas.curated_schema(event_type).fields if f.name != "event_type"])


def aggregate_table_schema(name: str) -> T.StructType:
    schema, partition_cols = schemas.AGGREGATES[name]
    return T.StructType([T.StructField(c, T.StringType(), False) for c in partition_cols] + schema.fields)


def select_schema(df: DataFrame, schema: T.StructType) -> DataFrame:
    """`df`'s columns of `schema`, in its order and types (what every write to a table goes through)."""
    return df.select([F.col(f.name).cast(f.dataType).alias(f.name) for f in schema.fields])


def table_exists(spark: SparkSession, catalog: str, database: str, table: str) -> bool:
    return bool(spark.sql(f"SHOW TABLES IN `{catalog}`.`{database}` LIKE '{table}'").count())


def ensure_table(spark: SparkSession, catalog: str, database: str, table: str, schema: T.StructType,
                 partition_cols: Sequence[str], location: str, sort_cols: Sequence[str]) -> None:
    """Creates the table when missing; otherwise adds the partition fields and columns it lacks (a table the
    template registered comes with columns; its partitioning is the job's to guarantee)."""
    name = qualified(catalog, database, table)
    properties = table_properties(schema)
    props = ", ".join(f"'{k}'='{v}'" for k, v in properties.items())
    if not table_exists(spark, catalog, database, table):
        LOG.info("creating Iceberg table %s at %s", name, location)
        spark.sql(f"CREATE TABLE IF NOT EXISTS {name} ({_columns_ddl(schema)}) USING iceberg "
                  f"PARTITIONED BY ({', '.join(f'`{c}`' for c in partition_cols)}) "
                  f"LOCATION '{location.rstrip('/')}' TBLPROPERTIES ({props})")
        spark.sql(f"ALTER TABLE {name} WRITE ORDERED BY {', '.join(sort_cols)}")
        return
    existing = {f.name for f in spark.table(name).schema.fields}
    missing = [f for f in schema.fields if f.name not in existing]
    if missing:
        LOG.info("adding columns %s to %s", [f.name for f in missing], name)
        spark.sql(f"ALTER TABLE {name} ADD COLUMNS ({_columns_ddl(T.StructType(missing))})")
    partitioned = _partition_source_columns(spark, name)
    for column in partition_cols:
        if column not in partitioned:
            LOG.info("adding partition field %s to %s", column, name)
            spark.sql(f"ALTER TABLE {name} ADD PARTITION FIELD `{column}`")
    current = {row["key"]: row["value"] for row in spark.sql(f"SHOW TBLPROPERTIES {name}").collect()}
    stale = {k: v for k, v in properties.items() if current.get(k) != v and k != "format-version"}
    if stale:  # only when something differs: a run that changes nothing commits no new table metadata
        spark.sql(f"ALTER TABLE {name} SET TBLPROPERTIES ("
                  + ", ".join(f"'{k}'='{v}'" for k, v in stale.items()) + ")")


def _partition_source_columns(spark: SparkSession, name: str) -> List[str]:
    """Names of the table's partition fields (identity fields are named after their column), from the schema of
    Iceberg's `partitions` metadata table: it has a `partition` struct only when the table is partitioned."""
    schema = spark.table(f"{name}.partitions").schema
    if "partition" not in schema.fieldNames():
        return []
    return [f.name for f in schema["partition"].dataType.fields]


def snapshot_count(spark: SparkSession, name: str) -> int:
    return spark.sql(f"SELECT count(*) AS n FROM {name}.snapshots").first()["n"]


def catalog_configured(spark: SparkSession, catalog: str) -> bool:
    try:
        return bool(spark.conf.get(f"spark.sql.catalog.{catalog}"))
    except Exception:  # noqa: BLE001  (py4j raises a generic error for an absent key)
        return False


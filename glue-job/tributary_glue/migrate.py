"""One-off upgrade: curated data in the pre-Iceberg Parquet layout -> the curated Iceberg tables (docs/glue-job.md
"Migrating a stack with Parquet curated data").

The old job wrote `<old_curated_path>/event_type=<t>/dt=<yyyy-MM-dd>/part-*.parquet` with the curated columns of
schemas.curated_schema (event_type and dt only as directories). Per event type this merges those rows into
`curated_<t>` with the job's own rule: an (dt, event_id) already in the table is not inserted again, so the migration
can run while windows keep landing, be rerun after a failure, and never duplicate. Iceberg's `add_files` would keep
the old files in place, but it imports a Hive-style layout only with the table's partition columns as directories,
and here the table is the type (no `event_type` column). Then the aggregates of every migrated (type, day, hour) are
recomputed with the job's own code (nothing committed where they are already current; aggregates.REBUILD).

    spark-submit ... migrate_parquet.py --old_curated_path s3://c/curated --curated_path s3://c/curated \
        --aggregates_path s3://c/aggregates --database tributary [--catalog glue_catalog]
"""
from __future__ import annotations

import logging
import re
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from . import aggregates, job, runtime, schemas, tables

LOG = logging.getLogger("tributary.glue")

REQUIRED_ARGS = ("old_curated_path", "curated_path", "aggregates_path", "database")
OPTIONAL_ARGS = ("catalog",)
MIGRATION_WINDOW = "migration"   # window_id of a migrated row whose old file had none


def old_event_types(spark: SparkSession, root: str) -> List[str]:
    """The `event_type=<t>` directories under the old curated root (through Hadoop's FileSystem: s3:// on Glue,
    local paths in tests)."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(root)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(path):
        raise job.JobError(f"--old_curated_path {root} does not exist")
    found = []
    for status in fs.listStatus(path):
        name = status.getPath().getName()
        if status.isDirectory() and name.startswith("event_type="):
            event_type = name.split("=", 1)[1]
            if not re.match(schemas.EVENT_TYPE_PATTERN, event_type):
                raise job.JobError(f"{status.getPath()}: {event_type!r} is not a valid event type")
            found.append(event_type)
    return sorted(found)


def read_old(spark: SparkSession, root: str, event_type: str) -> DataFrame:
    """The old rows of one type, in the curated table's schema (a column the old files lack is null), one row per
    (dt, event_id): should the old data hold an id twice in a day, the earliest event wins, as in the job."""
    # dt stays the directory's text ("2024-03-01"), not a date Spark guesses from it.
    spark.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    df = spark.read.option("basePath", root).parquet(f"{root.rstrip('/')}/event_type={event_type}")
    schema = tables.curated_table_schema(event_type)
    present = set(df.columns)
    columns = [(F.col(f.name) if f.name in present else F.lit(None)).cast(f.dataType).alias(f.name)
               for f in schema.fields]
    rows = df.select(*columns).withColumn(
        "window_id", F.coalesce(F.col("window_id"), F.lit(MIGRATION_WINDOW)))
    first = Window.partitionBy("dt", "event_id").orderBy(
        F.col("event_time_ms").asc_nulls_last(), F.col("source_file").asc_nulls_last(), F.col("window_id"))
    return (rows.where(F.col("event_id").isNotNull() & F.col("dt").isNotNull())
            .withColumn("_rank", F.row_number().over(first)).where("_rank = 1").drop("_rank"))


def migrate_event_type(spark: SparkSession, cfg: job.JobConfig, root: str,
                       event_type: str) -> Tuple[int, int, List[Tuple[str, str]]]:
    """Merges one type's old rows into its table; returns (old rows, rows inserted now, the (dt, hr) hours they
    cover)."""
    name = job.curated_table(cfg, spark, event_type)   # created with the job's DDL when missing
    old = read_old(spark, root, event_type).cache()
    try:
        days = sorted(r["dt"] for r in old.select("dt").distinct().collect())
        present = spark.table(name).where(F.col("dt").isin(days)).select("dt", "event_id")
        new = old.join(present, ["dt", "event_id"], "left_anti")
        total, inserted = old.count(), new.count()
        hours = sorted((r["dt"], r["hr"]) for r in
                       old.select("dt", F.date_format("event_time", "HH").alias("hr")).distinct().collect())
        if inserted:
            view = f"_tributary_migrate_{event_type}"
            new.createOrReplaceTempView(view)
            # The merge is the guard, as in the job: an id a window curated meanwhile is not inserted twice.
            spark.sql(f"MERGE INTO {name} t USING {view} s ON t.dt IN ({job._sql_list(days)}) "
                      f"AND t.dt = s.dt AND t.event_id = s.event_id WHEN NOT MATCHED THEN INSERT *")
            spark.catalog.dropTempView(view)
        LOG.info("%s: %d old rows, %d inserted, %d already in %s", event_type, total, inserted, total - inserted,
                 name)
        return total, inserted, hours
    finally:
        old.unpersist()


def migrate(spark: SparkSession, cfg: job.JobConfig, root: str) -> Dict[str, object]:
    job.configure_spark(spark, cfg.catalog)
    report: Dict[str, object] = {"event_types": {}, "aggregates": []}
    hours: Dict[str, List[Tuple[str, str]]] = {}
    for event_type in old_event_types(spark, root):
        total, inserted, type_hours = migrate_event_type(spark, cfg, root, event_type)
        report["event_types"][event_type] = {"old_rows": total, "inserted": inserted}
        if type_hours:
            hours[event_type] = type_hours
    # Always recomputed from the curated rows (nothing is committed where they are current), so a rerun after a run
    # that died between the merges and the aggregates repairs them. Migrated rows keep their old window ids, so the
    # page-view state of the migrated days is rebuilt from the curated rows, not appended per window.
    report["aggregates"] = aggregates.write_aggregates(spark, cfg, hours, aggregates.REBUILD) if hours else []
    return report


def main(argv: Optional[Sequence[str]] = None, spark: Optional[SparkSession] = None) -> Dict[str, object]:
    job._configure_logging()
    host = runtime.start(list(argv or []), REQUIRED_ARGS, OPTIONAL_ARGS, spark=spark)
    args: Mapping[str, str] = host.args
    cfg = job.JobConfig(window_id=MIGRATION_WINDOW, input_paths=(), curated_path=args["curated_path"],
                        aggregates_path=args["aggregates_path"], summary_uri="", database=args["database"],
                        catalog=(args.get("catalog") or tables.DEFAULT_CATALOG).strip())
    report = migrate(host.spark, cfg, args["old_curated_path"])
    LOG.info("migration done: %s", report)
    host.commit()
    return report

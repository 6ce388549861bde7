"""The curation job: processed JSON Lines of one window -> de-duplicated curated Parquet + aggregates + summary.

Steps (see docs/glue-job.md for the why):
1. read every non-blank line under the window's input paths; count lines that are not a usable event as
   `malformed` (logged with samples, skipped);
2. de-duplicate by `event_id` inside the window: the survivor is the earliest `event_time_ms`, then the
   lexicographically smallest source file, then the smallest line text, so every rerun picks the same one;
3. per event type, read the existing curated partitions (event_type, dt) the window touches (plus, optionally,
   neighbouring days), drop events already curated, and when anything is new rewrite exactly those partitions
   (existing rows + new rows) with Spark's dynamic partition overwrite;
4. recompute the aggregates of the touched partitions from the curated data and overwrite their partitions;
5. write the run summary last, so its presence means the whole run finished.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import sys
from dataclasses import dataclass
from functools import reduce
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from . import runtime, schemas, storage

LOG = logging.getLogger("tributary.glue")

REQUIRED_ARGS = ("curated_path", "aggregates_path", "summary_uri")
OPTIONAL_ARGS = ("window_id", "input_paths", "manifest_uri", "dedupe_lookback_days")

INPUT_GLOB = "*.{jsonl,jsonl.gz}"   # processed objects are *.jsonl.gz; plain *.jsonl is accepted too
MAP_OF_TEXT = T.MapType(T.StringType(), T.StringType())
MAX_RECORDS_PER_FILE = 1_000_000
MALFORMED_SAMPLES = 5

SPARK_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",                      # dt / hr are UTC, as everywhere in Tributary
    "spark.sql.sources.partitionOverwriteMode": "dynamic",    # overwrite only the partitions written
    "spark.sql.parquet.compression.codec": "snappy",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",  # dt stays a string
    "spark.sql.ansi.enabled": "false",                        # bad values become null (counted), not errors
}


class JobError(Exception):
    """A problem with the job's arguments or inputs that a retry will not fix."""


@dataclass(frozen=True)
class JobConfig:
    window_id: str
    input_paths: Tuple[str, ...]
    curated_path: str
    aggregates_path: str
    summary_uri: str
    dedupe_lookback_days: int = 0


def _split_paths(value: str) -> List[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def load_config(args: Mapping[str, str]) -> JobConfig:
    """Turns the resolved arguments into a JobConfig, reading the manifest when one is given.

    `--input_paths` and `--manifest_uri` may both be given (their paths are united); at least one must be.
    The window id comes from `--window_id` or the manifest; when both are given they must agree."""
    if args.get("input_paths") is None and args.get("manifest_uri") is None:
        raise JobError("one of --input_paths or --manifest_uri is required")
    window_id = (args.get("window_id") or "").strip() or None
    paths: List[str] = _split_paths(args.get("input_paths") or "")
    manifest_uri = args.get("manifest_uri")
    if manifest_uri:
        try:
            manifest = json.loads(storage.read_text(manifest_uri))
        except ValueError as err:
            raise JobError(f"manifest {manifest_uri} is not JSON: {err}") from err
        if not isinstance(manifest, dict) or not isinstance(manifest.get("input_paths", []), list):
            raise JobError(f"manifest {manifest_uri} must be an object with an input_paths list")
        listed = manifest.get("input_paths", [])
        if not all(isinstance(p, str) for p in listed):
            raise JobError(f"manifest {manifest_uri}: input_paths must be strings")
        paths += [p.strip() for p in listed if p.strip()]
        manifest_window = manifest.get("window_id")
        if window_id and manifest_window and str(manifest_window) != window_id:
            raise JobError(f"--window_id {window_id} does not match the manifest's window_id {manifest_window}")
        window_id = window_id or (str(manifest_window) if manifest_window else None)
    if not window_id:
        raise JobError("--window_id is required (or a window_id in the manifest)")
    try:
        lookback = int(args.get("dedupe_lookback_days") or 0)
    except ValueError as err:
        raise JobError(f"--dedupe_lookback_days must be an integer: {err}") from err
    if lookback < 0:
        raise JobError("--dedupe_lookback_days must be >= 0")
    unique_paths = tuple(dict.fromkeys(paths))  # keep order, drop repeats
    return JobConfig(window_id, unique_paths, args["curated_path"], args["aggregates_path"],
                     args["summary_uri"], lookback)


# ---------------------------------------------------------------------------------------------- helpers


def configure_spark(spark: SparkSession) -> None:
    for key, value in SPARK_SETTINGS.items():
        spark.conf.set(key, value)


def partition_path(base: str, event_type: str, dt: str) -> str:
    return f"{base.rstrip('/')}/event_type={event_type}/dt={dt}"


def path_exists(spark: SparkSession, path: str) -> bool:
    """Existence through Hadoop's FileSystem, so s3:// (on Glue), file:// and plain paths all work."""
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    return bool(hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(hpath))


def _shift_day(dt: str, days: int) -> str:
    return (_dt.date.fromisoformat(dt) + _dt.timedelta(days=days)).isoformat()


def write_partitions(df: DataFrame, base: str, partition_cols: Sequence[str], sort_cols: Sequence[str]) -> None:
    """Dynamic partition overwrite: replaces exactly the partitions present in `df`, leaves the rest alone."""
    spark = df.sparkSession
    mode = spark.conf.get("spark.sql.sources.partitionOverwriteMode", "static").lower()
    if mode != "dynamic":  # a static overwrite here would wipe the whole table: refuse
        raise JobError(f"refusing to overwrite {base}: partitionOverwriteMode is {mode}, not dynamic")
    (df.repartition(*partition_cols)
       .sortWithinPartitions(*partition_cols, *sort_cols)
       .write.mode("overwrite")
       .option("partitionOverwriteMode", "dynamic")
       .option("compression", "snappy")
       .option("maxRecordsPerFile", MAX_RECORDS_PER_FILE)
       .option("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
       .partitionBy(*partition_cols)
       .parquet(base))


def _select_schema(df: DataFrame, schema: T.StructType) -> DataFrame:
    return df.select([F.col(f.name).cast(f.dataType).alias(f.name) for f in schema.fields])


def _int(value) -> int:
    return int(value or 0)


# ---------------------------------------------------------------------------------------------- reading


def read_lines(spark: SparkSession, paths: Sequence[str]) -> DataFrame:
    """Non-blank lines of every processed object under `paths`, with the object's path."""
    if not paths:
        schema = T.StructType([T.StructField("line", T.StringType()), T.StructField("source_file", T.StringType())])
        return spark.createDataFrame([], schema)
    df = (spark.read
          .option("recursiveFileLookup", "true")   # also turns off partition discovery of event_type=/dt=/hr=
          .option("pathGlobFilter", INPUT_GLOB)
          .text(list(paths)))
    return (df.select(F.col("value").alias("line"), F.col("_metadata.file_path").alias("source_file"))
              .where(F.col("line").rlike(r"\S")))


def classify(lines: DataFrame) -> DataFrame:
    """Parses each line and marks it malformed or ranks it among the lines with the same event_id.

    A line is malformed when it is not a JSON object, or lacks a non-empty `event_id`, a valid `event_type`
    or a usable event time (`event_time_ms`, else the ISO-8601 `event_time`). Among valid lines with the same
    event_id, rank 1 is the survivor."""
    m = F.col("m")
    ms_text = F.trim(m.getItem("event_time_ms"))
    parsed = (lines
              .select("line", "source_file", F.from_json("line", MAP_OF_TEXT).alias("m"))
              .select("line", "source_file", "m",
                      F.when(ms_text.rlike(r"^-?[0-9]{1,15}$"), ms_text.cast("long")).alias("_ms"),
                      m.getItem("event_time").cast("timestamp").alias("_ts_text")))
    event_time_ms = F.coalesce(F.col("_ms"), F.unix_millis(F.col("_ts_text")))
    version_text = F.trim(m.getItem("schema_version"))
    events = parsed.select(
        "line", "source_file",
        m.isNull().alias("_not_object"),
        m.getItem("event_id").alias("event_id"),
        m.getItem("event_type").alias("event_type"),
        event_time_ms.alias("event_time_ms"),
        m.getItem("source").alias("source"),
        F.when(version_text.rlike(r"^[0-9]{1,9}$"), version_text.cast("int")).alias("schema_version"),
        m.getItem("payload").alias("payload"),
        F.map_filter(m, lambda k, v: ~k.isin(*schemas.ENVELOPE_KEYS)).alias("extra"),
    )
    malformed = (F.col("_not_object")
                 | F.col("event_id").isNull() | (F.length("event_id") == 0)
                 | F.col("event_type").isNull() | ~F.col("event_type").rlike(schemas.EVENT_TYPE_PATTERN)
                 | F.col("event_time_ms").isNull())
    events = (events.withColumn("is_malformed", F.coalesce(malformed, F.lit(True)))
                    .withColumn("event_time", F.timestamp_millis(F.col("event_time_ms"))))
    survivor_order = Window.partitionBy("event_id").orderBy(
        F.col("is_malformed").asc(), F.col("event_time_ms").asc_nulls_last(),
        F.col("source_file").asc_nulls_last(), F.col("line").asc())
    return events.select(
        "event_id", "event_type", "event_time", "event_time_ms", "source", "schema_version", "payload", "extra",
        "source_file", "is_malformed",
        F.date_format("event_time", "yyyy-MM-dd").alias("dt"),
        F.row_number().over(survivor_order).alias("rank"),
        F.when(F.col("is_malformed"), F.col("line")).alias("malformed_line"),
    )


def to_curated(events: DataFrame, event_type: str, window_id: str) -> DataFrame:
    """The window's events of one type in that type's curated schema (payload fields flattened)."""
    with_payload = events.withColumn("_p", F.from_json(F.col("payload"), MAP_OF_TEXT))
    payload = F.col("_p")
    columns = [F.col(f.name) for f in schemas.COMMON_HEAD]
    columns += [c.column(payload) for c in schemas.payload_columns(event_type)]
    columns += [F.col("payload").alias("payload_json"), F.col("extra"), F.lit(window_id).alias("window_id"),
                F.col("source_file"), F.lit(event_type).alias("event_type"), F.col("dt")]
    return _select_schema(with_payload.select(*columns), schemas.curated_schema(event_type))


def read_curated(spark: SparkSession, curated_path: str, schema: T.StructType, paths: Sequence[str]) -> DataFrame:
    return spark.read.schema(schema).option("basePath", curated_path.rstrip("/")).parquet(*paths)


# ---------------------------------------------------------------------------------------------- curating


def curate_event_type(spark: SparkSession, cfg: JobConfig, events: DataFrame, event_type: str,
                      dts: Sequence[str]) -> Dict[str, int]:
    """Merges the window's surviving events of one type into curated output; returns counts by outcome:
    `new` (written now), `rewritten` (already curated by an earlier attempt of this same window) and
    `duplicate` (already curated by another window: dropped)."""
    schema = schemas.curated_schema(event_type)
    incoming = to_curated(events, event_type, cfg.window_id)
    existing_paths = [p for p in (partition_path(cfg.curated_path, event_type, d) for d in dts)
                      if path_exists(spark, p)]
    neighbours = sorted({_shift_day(d, k) for d in dts for k in range(-cfg.dedupe_lookback_days,
                                                                       cfg.dedupe_lookback_days + 1)} - set(dts))
    lookback_paths = [p for p in (partition_path(cfg.curated_path, event_type, d) for d in neighbours)
                      if path_exists(spark, p)]
    existing = read_curated(spark, cfg.curated_path, schema, existing_paths) if existing_paths else None

    known: List[DataFrame] = []
    if existing is not None:
        known.append(existing.select("event_id", "window_id"))
    if lookback_paths:
        known.append(read_curated(spark, cfg.curated_path, schema, lookback_paths).select("event_id", "window_id"))
    if known:
        ids = (reduce(DataFrame.unionByName, known)
               .groupBy("event_id")
               .agg(F.max(F.when(F.col("window_id") == cfg.window_id, 1).otherwise(0)).alias("_same_window")))
        outcome = (F.when(F.col("_same_window").isNull(), "new")
                    .when(F.col("_same_window") == 1, "rewritten").otherwise("duplicate"))
        judged = incoming.join(ids, "event_id", "left").withColumn("_outcome", outcome)
    else:
        judged = incoming.withColumn("_outcome", F.lit("new"))

    counts = {"new": 0, "rewritten": 0, "duplicate": 0}
    counts.update({row["_outcome"]: row["count"] for row in judged.groupBy("_outcome").count().collect()})
    LOG.info("%s: %d new, %d already curated by this window, %d already curated by other windows; "
             "%d existing partition(s), %d neighbouring partition(s) checked", event_type, counts["new"],
             counts["rewritten"], counts["duplicate"], len(existing_paths), len(lookback_paths))
    if counts["new"]:
        new_rows = _select_schema(judged.where(F.col("_outcome") == "new"), schema)
        merged = new_rows if existing is None else existing.unionByName(new_rows)
        write_partitions(merged, cfg.curated_path, ["event_type", "dt"], ["event_time_ms", "event_id"])
    return counts


# ---------------------------------------------------------------------------------------------- aggregates


def _aggregate_frames(spark: SparkSession, cfg: JobConfig, partitions: Dict[str, List[str]]) -> Dict[str, DataFrame]:
    """Each aggregate over the complete curated partitions the window touched (not just the window's rows),
    so overwriting their partitions is correct however often the window runs."""
    def read(event_type: Optional[str], fields: Sequence[str]) -> Optional[DataFrame]:
        types = [event_type] if event_type else sorted(partitions)
        paths = [partition_path(cfg.curated_path, t, d) for t in types for d in partitions.get(t, [])]
        if not paths:
            return None
        full = schemas.curated_schema(event_type or "_any")
        wanted = T.StructType([full[name] for name in list(fields) + ["event_type", "dt"]])
        return read_curated(spark, cfg.curated_path, wanted, paths)

    frames: Dict[str, DataFrame] = {}
    everything = read(None, ["event_time"])
    if everything is not None:
        frames["event_counts_hourly"] = (everything
            .groupBy("event_type", "dt", F.date_format("event_time", "HH").alias("hr"))
            .agg(F.count(F.lit(1)).alias("event_count")))

    page_views = read("page_view", ["page_url", "tti_ms", "ttar_ms"])
    if page_views is not None:
        frames["page_view_performance"] = (page_views
            .groupBy("dt", "page_url")
            .agg(F.count(F.lit(1)).alias("view_count"),
                 F.avg("tti_ms").alias("tti_avg_ms"),
                 F.percentile(F.col("tti_ms"), [0.5, 0.95]).alias("_tti"),
                 F.avg("ttar_ms").alias("ttar_avg_ms"),
                 F.percentile(F.col("ttar_ms"), [0.5, 0.95]).alias("_ttar"))
            .select("dt", "page_url", "view_count", "tti_avg_ms",
                    F.col("_tti")[0].alias("tti_p50_ms"), F.col("_tti")[1].alias("tti_p95_ms"), "ttar_avg_ms",
                    F.col("_ttar")[0].alias("ttar_p50_ms"), F.col("_ttar")[1].alias("ttar_p95_ms")))

    readings = read("sensor_reading", ["device_id", "metric", "value"])
    if readings is not None:
        frames["sensor_reading_stats"] = (readings
            .groupBy("dt", "device_id", "metric")
            .agg(F.count(F.lit(1)).alias("reading_count"), F.min("value").alias("value_min"),
                 F.max("value").alias("value_max"), F.avg("value").alias("value_avg")))

    payments = read("payment", ["amount", "currency", "status"])
    if payments is not None:
        frames["payment_totals"] = (payments
            .groupBy("dt", "currency", "status")
            .agg(F.count(F.lit(1)).alias("payment_count"),
                 F.sum("amount").cast(schemas.AMOUNT_TYPE).alias("total_amount"),
                 F.sum(F.when(F.col("amount").isNull(), 1).otherwise(0)).alias("invalid_amount_count")))
    return frames


def write_aggregates(spark: SparkSession, cfg: JobConfig, partitions: Dict[str, List[str]]) -> List[str]:
    written = []
    for name, frame in _aggregate_frames(spark, cfg, partitions).items():
        schema, partition_cols = schemas.AGGREGATES[name]
        full = T.StructType(schema.fields + [T.StructField(c, T.StringType(), False) for c in partition_cols])
        target = f"{cfg.aggregates_path.rstrip('/')}/{name}"
        write_partitions(_select_schema(frame, full), target, partition_cols, [schema.fields[0].name])
        written.append(name)
    return written


# ---------------------------------------------------------------------------------------------- the run


def run(spark: SparkSession, cfg: JobConfig) -> Dict[str, object]:
    """Runs one window end to end and returns (and writes) its summary."""
    started = _dt.datetime.now(_dt.timezone.utc)
    configure_spark(spark)
    LOG.info("window %s: %d input path(s)", cfg.window_id, len(cfg.input_paths))

    classified = classify(read_lines(spark, cfg.input_paths)).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        totals = classified.agg(
            F.count(F.lit(1)).alias("records_in"),
            F.sum(F.when(F.col("is_malformed"), 1).otherwise(0)).alias("malformed"),
            F.sum(F.when(~F.col("is_malformed") & (F.col("rank") > 1), 1).otherwise(0)).alias("in_window"),
        ).first()
        records_in, malformed, in_window = _int(totals["records_in"]), _int(totals["malformed"]), _int(totals["in_window"])
        if malformed:
            samples = (classified.where("is_malformed").select("source_file", "malformed_line")
                       .limit(MALFORMED_SAMPLES).collect())
            LOG.warning("window %s: skipped %d malformed line(s) of %d; e.g. %s", cfg.window_id, malformed,
                        records_in, "; ".join(f"{r['source_file']}: {(r['malformed_line'] or '')[:200]!r}"
                                              for r in samples))

        survivors = classified.where(~F.col("is_malformed") & (F.col("rank") == 1))
        partitions: Dict[str, List[str]] = {}
        for row in survivors.select("event_type", "dt").distinct().collect():
            partitions.setdefault(row["event_type"], []).append(row["dt"])
        partitions = {t: sorted(d) for t, d in sorted(partitions.items())}

        outcome = {"new": 0, "rewritten": 0, "duplicate": 0}
        for event_type, dts in partitions.items():
            counts = curate_event_type(spark, cfg, survivors.where(F.col("event_type") == event_type),
                                       event_type, dts)
            for key in outcome:
                outcome[key] += counts[key]
    finally:
        classified.unpersist()

    # Partitions that hold the window's events (a partition whose every event was a duplicate of one curated
    # in a neighbouring day was never created).
    present = {t: [d for d in dts if path_exists(spark, partition_path(cfg.curated_path, t, d))]
               for t, dts in partitions.items()}
    present = {t: dts for t, dts in present.items() if dts}
    aggregates = write_aggregates(spark, cfg, present) if present else []

    summary = {
        "window_id": cfg.window_id,
        "status": "SUCCEEDED",
        "records_in": records_in,
        "records_out": outcome["new"] + outcome["rewritten"],
        "duplicates": in_window + outcome["duplicate"],
        "duplicates_in_window": in_window,
        "duplicates_already_curated": outcome["duplicate"],
        "malformed": malformed,
        "records_new": outcome["new"],
        "curated_partitions": [f"event_type={t}/dt={d}" for t, dts in present.items() for d in dts],
        "aggregates": aggregates,
        "input_paths": len(cfg.input_paths),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    storage.write_text(cfg.summary_uri, json.dumps(summary, indent=2, sort_keys=True) + "\n")
    LOG.info("window %s done: %s", cfg.window_id, json.dumps(summary, sort_keys=True))
    return summary


def _configure_logging() -> None:
    if not LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False


def main(argv: Optional[Sequence[str]] = None, spark: Optional[SparkSession] = None) -> Dict[str, object]:
    """Entry point for Glue and spark-submit: `--window_id W --input_paths P[,P...] | --manifest_uri U
    --curated_path C --aggregates_path A --summary_uri S [--dedupe_lookback_days N]`."""
    _configure_logging()
    host = runtime.start(list(argv if argv is not None else sys.argv), REQUIRED_ARGS, OPTIONAL_ARGS, spark=spark)
    cfg = load_config(host.args)
    summary = run(host.spark, cfg)
    host.commit()
    return summary

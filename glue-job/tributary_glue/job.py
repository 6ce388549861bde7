"""The curation job: processed JSON Lines of one window -> de-duplicated curated Iceberg tables + aggregates + summary.

Steps (see docs/glue-job.md for the why):
1. read every non-blank line under the window's input paths; count lines that are not a usable event as
   `malformed` (logged with samples, skipped);
2. de-duplicate by `event_id` inside the window: the survivor is the earliest `event_time_ms`, then the
   lexicographically smallest source file, then the smallest line text, so every rerun picks the same one;
3. per event type, look the window's ids up in that type's Iceberg table (only the days the window touches and the
   dedupe look-back: partition pruning), and append the events not found: one atomic commit per table (what an
   insert-only MERGE commits, without reading the day's ids twice), nothing committed when nothing is new;
4. merge what the window added into the aggregates of the (type, day, hour) groups it touched and replace the
   touched day partitions of the aggregate tables, one commit each (aggregates.py: the window's own rows, not the
   touched hours' curated rows, except on a retry);
5. write the run summary last, so its presence means the whole run finished.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from . import aggregates, rawjson, runtime, schemas, storage, tables

LOG = logging.getLogger("tributary.glue")

REQUIRED_ARGS = ("curated_path", "aggregates_path", "summary_uri", "database")
OPTIONAL_ARGS = ("window_id", "input_paths", "manifest_uri", "dedupe_lookback_days", "catalog")

INPUT_GLOB = "*.{jsonl,jsonl.gz}"   # processed objects are *.jsonl.gz; plain *.jsonl is accepted too
MAP_OF_TEXT = T.MapType(T.StringType(), T.StringType())
# A Python UDF: one pass of Python's JSON scanner per line; the price of a payload_json that keeps every digit.
_EXACT_PAYLOAD = F.udf(lambda line: rawjson.member_text(line, "payload"), T.StringType())
MALFORMED_SAMPLES = 5
# Up to this many ids a window's id lookup broadcasts them to the scan of the table (≈ 50 MB of ids); more, and Spark
# joins by shuffling both sides.
BROADCAST_IDS = 1_000_000

SPARK_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",                      # dt / hr are UTC, as everywhere in Tributary
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
    database: str
    dedupe_lookback_days: int = 0
    catalog: str = tables.DEFAULT_CATALOG


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
    database = (args.get("database") or "").strip()
    if not database:
        raise JobError("--database (the Glue Data Catalog database of the curated tables) is required")
    catalog = (args.get("catalog") or tables.DEFAULT_CATALOG).strip()
    return JobConfig(window_id, unique_paths, args["curated_path"], args["aggregates_path"],
                     args["summary_uri"], database, lookback, catalog)


# ---------------------------------------------------------------------------------------------- helpers


def configure_spark(spark: SparkSession, catalog: str) -> None:
    for key, value in {**SPARK_SETTINGS, **tables.SESSION_SETTINGS}.items():
        spark.conf.set(key, value)
    if not tables.catalog_configured(spark, catalog):
        raise JobError(f"Spark catalog {catalog!r} is not configured: the job needs the Iceberg catalog settings "
                       f"(spark.sql.catalog.{catalog}=org.apache.iceberg.spark.SparkCatalog, ...) from the job's "
                       f"--conf (infra/template.yaml) or the session")


def _shift_day(dt: str, days: int) -> str:
    return (_dt.date.fromisoformat(dt) + _dt.timedelta(days=days)).isoformat()


def _sql_list(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


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
        # Cut from the line, not taken from `m`: Spark re-serialises nested values through doubles (rawjson).
        _EXACT_PAYLOAD(F.col("line")).alias("payload"),
        m.getItem("payload").isNotNull().alias("_spark_saw_payload"),
        F.map_filter(m, lambda k, v: ~k.isin(*schemas.ENVELOPE_KEYS)).alias("extra"),
    )
    # A payload Spark's parser found but the exact cut could not (a line only Spark's lenient parser accepts, e.g.
    # single quotes): quarantined as malformed rather than curated without its payload.
    payload_lost = F.col("_spark_saw_payload") & F.col("payload").isNull()
    malformed = (F.col("_not_object") | payload_lost
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
    return tables.select_schema(with_payload.select(*columns), schemas.curated_schema(event_type))


# ---------------------------------------------------------------------------------------------- curating


def curated_table(cfg: JobConfig, spark: SparkSession, event_type: str) -> str:
    """The type's curated table (created when missing), fully qualified."""
    table = tables.curated_table_name(event_type)
    tables.ensure_table(spark, cfg.catalog, cfg.database, table, tables.curated_table_schema(event_type), ["dt"],
                        f"{cfg.curated_path.rstrip('/')}/{event_type}", ["event_time_ms", "event_id"])
    return tables.qualified(cfg.catalog, cfg.database, table)


def curate_event_type(spark: SparkSession, cfg: JobConfig, events: DataFrame, event_type: str,
                      dts: Sequence[str]) -> Tuple[Dict[str, int], List[Tuple[str, str]]]:
    """Merges the window's surviving events of one type into the type's Iceberg table; returns counts by outcome:
    `new` (committed now), `rewritten` (already curated by an earlier attempt of this same window) and
    `duplicate` (already curated by another window: dropped, the first copy stays untouched), and the (dt, hr)
    hours that hold the window's events in the table (new or rewritten)."""
    name = curated_table(cfg, spark, event_type)
    schema = tables.curated_table_schema(event_type)
    incoming = to_curated(events, event_type, cfg.window_id)
    lookback = range(-cfg.dedupe_lookback_days, cfg.dedupe_lookback_days + 1)
    days = sorted({_shift_day(d, k) for d in dts for k in lookback})
    # Only the touched days (and the look-back) are read, and only two columns: dt is the partition column, so
    # Iceberg plans just those partitions' files. The window's ids are broadcast to that scan (a semi-join, no
    # shuffle of the day's ids), then only the matches are grouped.
    window_ids = incoming.select("event_id")
    if incoming.count() <= BROADCAST_IDS:
        window_ids = F.broadcast(window_ids)
    ids = (spark.table(name).where(F.col("dt").isin(days)).select("event_id", "window_id")
           .join(window_ids, "event_id", "left_semi")
           .groupBy("event_id")
           .agg(F.max(F.when(F.col("window_id") == cfg.window_id, 1).otherwise(0)).alias("_same_window")))
    outcome = (F.when(F.col("_same_window").isNull(), "new")
                .when(F.col("_same_window") == 1, "rewritten").otherwise("duplicate"))
    judged = incoming.join(ids, "event_id", "left").withColumn("_outcome", outcome).persist(
        StorageLevel.MEMORY_AND_DISK)
    try:
        counts = {"new": 0, "rewritten": 0, "duplicate": 0}
        hours: Set[Tuple[str, str]] = set()
        for row in (judged.groupBy("_outcome", "dt", F.date_format("event_time", "HH").alias("hr")).count()
                    .collect()):
            counts[row["_outcome"]] += row["count"]
            if row["_outcome"] != "duplicate":
                hours.add((row["dt"], row["hr"]))
        LOG.info("%s: %d new, %d already curated by this window, %d already curated by other windows; "
                 "%d day partition(s) looked up", event_type, counts["new"], counts["rewritten"],
                 counts["duplicate"], len(days))
        if counts["new"]:
            # The lookup above is the guard: only ids absent from the looked-up days are appended, one atomic
            # append snapshot. An insert-only `MERGE INTO ... WHEN NOT MATCHED THEN INSERT` is the same thing: Spark
            # plans it as an anti-join against the table plus an append (its snapshot's operation is `append`), and
            # Iceberg commits an append without re-checking the table, so the MERGE's guarantee is this one; it read
            # the day's ids a second time, with a shuffle of all of them (docs/glue-job.md "What a run does").
            (tables.select_schema(judged.where(F.col("_outcome") == "new"), schema)
             .writeTo(name).option(f"snapshot-property.{aggregates.WINDOW_PROPERTY}", cfg.window_id).append())
    finally:
        judged.unpersist()
    return counts, sorted(hours)


# ---------------------------------------------------------------------------------------------- the run


def run(spark: SparkSession, cfg: JobConfig) -> Dict[str, object]:
    """Runs one window end to end and returns (and writes) its summary."""
    started = _dt.datetime.now(_dt.timezone.utc)
    configure_spark(spark, cfg.catalog)
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
        days: Dict[str, Set[str]] = {}
        for row in survivors.select("event_type", "dt").distinct().collect():
            days.setdefault(row["event_type"], set()).add(row["dt"])

        outcome = {"new": 0, "rewritten": 0, "duplicate": 0}
        hours: Dict[str, List[Tuple[str, str]]] = {}
        for event_type in sorted(days):
            phase = time.monotonic()
            counts, type_hours = curate_event_type(spark, cfg, survivors.where(F.col("event_type") == event_type),
                                                   event_type, sorted(days[event_type]))
            LOG.info("window %s: %s curated in %.1f s", cfg.window_id, event_type, time.monotonic() - phase)
            for key in outcome:
                outcome[key] += counts[key]
            if type_hours:
                hours[event_type] = type_hours
    finally:
        classified.unpersist()

    # Merged incrementally when this attempt committed every curated row of the window (no aggregate can hold any
    # of them); a retry after an attempt that died between the curated merge and the aggregates repairs them.
    mode = aggregates.INCREMENTAL if outcome["rewritten"] == 0 else aggregates.RETRY
    phase = time.monotonic()
    written = aggregates.write_aggregates(spark, cfg, hours, mode) if hours else []
    LOG.info("window %s: aggregates (%s) %.1f s, committed %s", cfg.window_id, mode, time.monotonic() - phase,
             written)

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
        "curated_partitions": sorted({f"event_type={t}/dt={d}" for t, hs in hours.items() for d, _ in hs}),
        "aggregates": written,
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
    --curated_path C --aggregates_path A --summary_uri S --database D [--catalog C] [--dedupe_lookback_days N]`."""
    _configure_logging()
    host = runtime.start(list(argv if argv is not None else sys.argv), REQUIRED_ARGS, OPTIONAL_ARGS, spark=spark)
    cfg = load_config(host.args)
    summary = run(host.spark, cfg)
    host.commit()
    return summary

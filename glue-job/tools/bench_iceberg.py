"""Scale benchmark of the curation job on Iceberg: W windows of one day through the real job, per window the
bytes it wrote (new S3 objects under the tables), the bytes its Spark stages read, its seconds and its CPU seconds,
then a linear fit of each against the window index.

    python bench_iceberg.py --endpoint http://127.0.0.1:PORT [--windows 48] [--events 1500] [--seed 7] [--late-hours H]

Run by scripts/bench-iceberg.sh (a moto server of its own, the Iceberg jars, local[2] Spark). Each window holds
`--events` events of three types spread over its half hour of the day, plus 2% late events of earlier half hours
(anywhere earlier in the day, or within `--late-hours`)
and 1% producer retries of events an earlier window curated, like the issue's experiment.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import re
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

GLUE_JOB = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(GLUE_JOB))
sys.path.insert(0, str(GLUE_JOB / "tests"))
# Spark's Python workers import the job's UDFs (tributary_glue.rawjson) too; they inherit this environment.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GLUE_JOB), os.environ.get("PYTHONPATH")]))

DAY = "2026-11-22"


def fit(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    intercept = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys))
    return intercept, slope, (1 - ss_res / ss_tot) if ss_tot else 1.0


def fit_ratio(xs, ys):
    """The fitted line's value at the last window over its value at the first, with an interval of two standard
    errors (delta method over the intercept's and slope's covariance): the issue's "last window <= 1.3x the first"
    measured on the trend, not on two noisy single windows."""
    n = len(xs)
    intercept, slope, _ = fit(xs, ys)
    mx = sum(xs) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    s2 = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys)) / (n - 2)
    var_a, var_b, cov_ab = s2 * (1 / n + mx * mx / sxx), s2 / sxx, -s2 * mx / sxx
    first, last = xs[0], xs[-1]
    lo_value, hi_value = intercept + slope * first, intercept + slope * last
    ratio = hi_value / lo_value
    # d ratio / d intercept and d ratio / d slope
    ga = (lo_value - hi_value) / lo_value ** 2
    gb = (last * lo_value - first * hi_value) / lo_value ** 2
    se = math.sqrt(max(0.0, ga * ga * var_a + gb * gb * var_b + 2 * ga * gb * cov_ab))
    return ratio, ratio - 2 * se, ratio + 2 * se


def _bytes(value) -> int:
    """A Spark SQL metric value: a plain number, or a size with a unit ("total (min, med, max)\n1.2 MiB (...)")."""
    text = str(value).strip()
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    match = re.search(r"([0-9.]+)\s*(B|KiB|MiB|GiB)", text)
    if not match:
        return 0
    return int(float(match.group(1)) * {"B": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3}[match.group(2)])


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of `root` and every live descendant (Spark's JVM, its Python workers), from /proc.

    Each process counts its own time and that of its children it has waited for (cutime/cstime), so a worker that
    exited is still counted, once, in its parent. On a machine others share, CPU seconds move much less with the load
    than wall seconds: they are the per-window trend that load cannot fake."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        # after "pid (comm)": state ppid ... utime(12) stime(13) cutime(14) cstime(15), 0-based from state
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = sum(int(f) for f in fields[11:15]) / ticks
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(cpu.get(pid, 0.0) for pid in tree)


def make_event(rng, event_id, when):
    kind = rng.choice(["page_view", "sensor_reading", "payment"])
    payload = {
        "page_view": lambda: {"page_url": f"https://shop.example/p/{rng.randint(1, 40)}", "tti_ms": rng.randint(80, 6000),
                              "ttar_ms": rng.randint(5, 900)},
        "sensor_reading": lambda: {"device_id": f"dev-{rng.randint(1, 30)}", "metric": "temperature",
                                   "value": round(rng.uniform(-20, 40), 2)},
        "payment": lambda: {"transaction_id": event_id, "amount": f"{rng.randint(1, 50000) / 100:.2f}",
                            "currency": rng.choice(["EUR", "USD"]), "status": "captured"},
    }[kind]()
    ms = int(time.mktime(time.strptime(when, "%Y-%m-%dT%H:%M:%S")) * 1000)
    return {"event_id": event_id, "event_type": kind, "event_time": when + "Z", "event_time_ms": ms,
            "source": "bench", "schema_version": 1, "payload": payload}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--windows", type=int, default=48)
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget-minutes", type=float, default=0,
                        help="stop after the window that crosses this many minutes and fit what ran (0: no limit)")
    parser.add_argument("--late-hours", type=int, default=0,
                        help="late events come from at most this many hours before their window (0: anywhere earlier "
                             "in the day, the issue's experiment); each hour a window touches is re-aggregated whole")
    parser.add_argument("--property", action="append", default=[], metavar="KEY=VALUE",
                        help="override one of tributary_glue.tables.TABLE_PROPERTIES for this run (repeatable), to "
                             "compare table settings on the same events (same --seed)")
    args = parser.parse_args(argv)

    import boto3
    from pyspark.sql import SparkSession

    from conftest import BUCKET, REGION, iceberg_settings
    from tributary_glue import job, tables

    for override in args.property:
        key, _, value = override.partition("=")
        tables.TABLE_PROPERTIES[key.strip()] = value.strip()

    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION=REGION)
    s3 = boto3.client("s3", endpoint_url=args.endpoint, region_name=REGION)
    glue = boto3.client("glue", endpoint_url=args.endpoint, region_name=REGION)
    try:
        s3.create_bucket(Bucket=BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    database = "bench_" + uuid.uuid4().hex[:8]
    glue.create_database(DatabaseInput={"Name": database})
    builder = SparkSession.builder.master("local[2]").appName("bench-iceberg")
    for key, value in {**iceberg_settings(args.endpoint), "spark.sql.shuffle.partitions": "2",
                       # the UI's REST API serves the SQL metrics bytes read are taken from
                       "spark.ui.enabled": "true", "spark.ui.port": "0", "spark.driver.memory": "2g",
                       "spark.sql.session.timeZone": "UTC"}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    api = f"{spark.sparkContext.uiWebUrl}/api/v1/applications/{spark.sparkContext.applicationId}"

    def object_sizes():
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=database + "/")
        return {o["Key"]: o["Size"] for page in pages for o in page.get("Contents", [])}

    def table_bytes_planned():
        """Per SQL execution, the bytes of the Iceberg data files its scans planned (Iceberg's `total file size`
        scan metric "total data file size (bytes)", an upper bound of what was read: only the projected columns' pages are fetched)."""
        with urllib.request.urlopen(f"{api}/sql?details=true&length=100000") as response:
            executions = json.load(response)
        planned = {}
        for execution in executions:
            total = 0
            for node in execution.get("nodes", []):
                for metric in node.get("metrics", []):
                    if "total data file size" in metric.get("name", "").lower():
                        total += _bytes(metric.get("value", "0"))
            planned[execution["id"]] = total
        return planned

    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="bench-iceberg-"))
    curated_ids, rows, total_events = [], [], 0
    step_minutes = 24 * 60 // args.windows
    print(f"bench: {args.windows} windows of {args.events} events, database {database}, table properties "
          f"{json.dumps(tables.TABLE_PROPERTIES, sort_keys=True)} (tables with window_id also "
          f"{json.dumps(tables.WINDOW_ID_PROPERTIES, sort_keys=True)})", flush=True)
    bench_started = time.monotonic()
    for w in range(args.windows):
        if args.budget_minutes and time.monotonic() - bench_started > args.budget_minutes * 60:
            print(f"budget of {args.budget_minutes} min used: stopping after {w} of {args.windows} windows", flush=True)
            break
        start = w * step_minutes
        events = []
        for i in range(args.events):
            minute = start + rng.randrange(step_minutes)
            if w and rng.random() < 0.02:            # late: an earlier part of the day (or of its last hours)
                minute = rng.randrange(max(0, start - args.late_hours * 60) if args.late_hours else 0, start)
            when = f"{DAY}T{minute // 60:02d}:{minute % 60:02d}:{rng.randrange(60):02d}"
            events.append(make_event(rng, f"w{w}-{i}", when))
        retries = [dict(e) for e in rng.sample(curated_ids, min(len(curated_ids), args.events // 100))]
        prefix = work / "processed" / f"w{w}"
        prefix.mkdir(parents=True)
        with gzip.open(prefix / "part.jsonl.gz", "wt", encoding="utf-8") as out:
            for record in events + retries:
                out.write(json.dumps(record) + "\n")
        before_objects, before_planned = object_sizes(), table_bytes_planned()
        started, cpu_started = time.monotonic(), tree_cpu_seconds(os.getpid())
        summary = job.main(["bench", "--window_id", f"w-{w:03d}", "--input_paths", str(prefix),
                            "--curated_path", f"s3://{BUCKET}/{database}/curated",
                            "--aggregates_path", f"s3://{BUCKET}/{database}/aggregates",
                            "--database", database, "--summary_uri", str(work / f"summary-{w}.json")], spark=spark)
        seconds = time.monotonic() - started
        cpu_seconds = tree_cpu_seconds(os.getpid()) - cpu_started
        after_objects, after_planned = object_sizes(), table_bytes_planned()
        written = sum(size for key, size in after_objects.items() if key not in before_objects)
        read = sum(b for eid, b in after_planned.items() if eid not in before_planned)
        assert summary["records_new"] == len(events) and summary["duplicates_already_curated"] == len(retries), summary
        curated_ids += events
        total_events += len(events)
        rows.append((w, written, read, seconds, cpu_seconds))
        print(f"window {w:3d}: wrote {written / 1e6:8.3f} MB, read {read / 1e6:8.3f} MB, {seconds:6.1f} s, "
              f"{cpu_seconds:6.1f} CPU-s, load {os.getloadavg()[0]:4.1f}, "
              f"+{summary['records_new']} new, {summary['duplicates_already_curated']} retries dropped", flush=True)

    counted = spark.sql(f"SELECT count(*) n, count(DISTINCT event_id) d FROM (SELECT event_id FROM "
                        f"glue_catalog.{database}.curated_page_view UNION ALL SELECT event_id FROM "
                        f"glue_catalog.{database}.curated_sensor_reading UNION ALL SELECT event_id FROM "
                        f"glue_catalog.{database}.curated_payment)").first()
    assert counted["n"] == counted["d"] == total_events, (counted, total_events)
    xs = [r[0] for r in rows]
    print(f"\nexactly once: {counted['n']:,} rows = {total_events:,} distinct events")
    for label, index, unit, scale in (("bytes written", 1, "MB", 1e6), ("bytes read", 2, "MB", 1e6),
                                      ("seconds", 3, "s", 1.0), ("CPU seconds", 4, "s", 1.0)):
        ys = [r[index] / scale for r in rows]
        # window 0 also creates the seven tables: the fit is over the steady state, windows 1..W-1
        intercept, slope, r2 = fit(xs[1:], ys[1:]) if len(xs) > 2 else fit(xs, ys)
        ratio = slope / intercept * 100 if intercept else float("nan")
        print(f"{label:14s} per window = {intercept:.3f} {unit} + {slope:.4f} {unit} x window  "
              f"(slope {ratio:+.2f}% of intercept, r2 {r2:.3f}); first {ys[0]:.3f}, last {ys[-1]:.3f} "
              f"(last/second {ys[-1] / ys[1] if len(ys) > 1 and ys[1] else float('nan'):.2f})")
        if len(xs) > 4:
            by_fit, low, high = fit_ratio(xs[1:], ys[1:])
            print(f"{'':14s} fitted window {xs[-1]} / fitted window {xs[1]} = {by_fit:.2f} (2 s.e.: {low:.2f}-{high:.2f})")
    final = sum(object_sizes().values())
    new_bytes = sum(r[1] for r in rows)
    data = sum(s for k, s in object_sizes().items() if "/data/" in k and "/curated/" in k)
    # The measure (its 12.6x for the old design is sum of what each window wrote / what the day holds at its
    # end), and a stricter one that counts metadata and aggregates as overhead on the curated data alone.
    print(f"write amplification (all bytes written / all bytes the tables hold at the end): {new_bytes / final:.2f}; "
          f"(all bytes written / curated data bytes): {new_bytes / data:.2f}; stored {final / 1e6:.1f} MB")
    kinds = {}
    for key, size in object_sizes().items():
        area = "curated" if "/curated/" in key else "aggregates"
        name = key.rsplit("/", 1)[-1]
        kind = ("data" if "/data/" in key else "metadata.json" if name.endswith("metadata.json")
                else "manifest list" if name.startswith("snap-") else "manifest")
        kinds[f"{area} {kind}"] = kinds.get(f"{area} {kind}", 0) + size
    print("stored by kind: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sorted(kinds.items())))
    spark.stop()


if __name__ == "__main__":
    main()

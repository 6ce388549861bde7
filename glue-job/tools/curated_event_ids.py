"""Lists every event_id in a curated Parquet table, one line per row, for Tributary's conservation checker.

    python curated_event_ids.py CURATED_DIR OUTPUT_FILE

Reads the table the way Athena or the next Glue run would (Spark, partition discovery, hidden files skipped) and
deliberately not through tributary_glue: the checker must not trust the job's own code to judge the job.
Prints the row count on stdout.
"""
import sys

from pyspark.sql import SparkSession


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    curated_dir, output = argv[1], argv[2]
    spark = (SparkSession.builder.master("local[1]").appName("curated-event-ids")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        ids = [row.event_id for row in spark.read.parquet(curated_dir).select("event_id").collect()]
    finally:
        spark.stop()
    with open(output, "w", encoding="utf-8") as out:
        for event_id in ids:
            out.write(f"{event_id}\n")
    print(len(ids))


if __name__ == "__main__":
    main(sys.argv)

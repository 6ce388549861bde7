"""One-off upgrade of a stack's pre-Iceberg Parquet curated data into the curated Iceberg tables (a Glue job run or
spark-submit with the curation job's --conf; docs/glue-job.md "Migrating a stack with Parquet curated data").

    migrate_parquet.py --old_curated_path s3://c/curated --curated_path s3://c/curated \
        --aggregates_path s3://c/aggregates --database tributary
"""
import sys

from tributary_glue.migrate import main

if __name__ == "__main__":
    main(sys.argv)

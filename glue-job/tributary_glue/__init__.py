"""Tributary's curation Glue job: processed JSON Lines -> de-duplicated curated Parquet + aggregates.

Only :mod:`tributary_glue.runtime` knows about AWS Glue; only :mod:`tributary_glue.storage` knows about boto3.
Everything else is plain PySpark, so the job runs unchanged under ``spark-submit`` and in the tests.
"""

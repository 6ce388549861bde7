"""AWS Glue (and spark-submit) entry script of Tributary's curation job.

Glue: ScriptLocation = this file, --extra-py-files = a zip of the tributary_glue package.
Locally: spark-submit --py-files tributary_glue.zip curate_events.py --window_id ... (see docs/glue-job.md).
"""
import sys

from tributary_glue.job import main

if __name__ == "__main__":
    main(sys.argv)

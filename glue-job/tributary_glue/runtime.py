"""The thin adapter between the job and its host: AWS Glue or plain PySpark.

Under Glue, arguments come from ``awsglue.utils.getResolvedOptions`` and the session from a ``GlueContext``;
under plain PySpark (``spark-submit``, tests) the same ``--name value`` arguments are parsed with argparse and
the session comes from ``SparkSession.builder``. Nothing outside this module imports ``awsglue``.
"""
from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence

LOG = logging.getLogger("tributary.glue")


def glue_available() -> bool:
    """True when the AWS Glue libraries are importable (i.e. we run inside a Glue job)."""
    try:
        import awsglue  # noqa: F401  (only probing)
    except ImportError:
        return False
    return True


def parse_plain_args(argv: Sequence[str], required: Sequence[str], optional: Sequence[str]) -> Dict[str, Any]:
    """Parses ``--name value`` pairs like Glue does. Unknown arguments (Glue passes its own, e.g.
    ``--job-bookmark-option``) are ignored; a missing required one is an error."""
    parser = argparse.ArgumentParser(prog="tributary-curate", allow_abbrev=False)
    for name in required:
        parser.add_argument(f"--{name}", required=True)
    for name in optional:
        parser.add_argument(f"--{name}", default=None)
    known, unknown = parser.parse_known_args(list(argv)[1:])
    if unknown:
        LOG.info("ignoring arguments the job does not use: %s", " ".join(unknown))
    return {k: v for k, v in vars(known).items() if v is not None}


def resolve_glue_args(argv: Sequence[str], required: Sequence[str], optional: Sequence[str]) -> Dict[str, Any]:
    """Glue's getResolvedOptions fails on any listed option that is absent, so optional ones are only asked
    for when present on the command line."""
    from awsglue.utils import getResolvedOptions

    present = [name for name in optional if f"--{name}" in argv]
    return dict(getResolvedOptions(list(argv), list(required) + present))


@dataclass
class JobRuntime:
    """What the job needs from its host: a SparkSession, its arguments and a commit hook."""

    spark: Any
    args: Dict[str, Any]
    glue_job: Optional[Any] = None

    def commit(self) -> None:
        if self.glue_job is not None:
            self.glue_job.commit()


def start(argv: Sequence[str], required: Sequence[str], optional: Sequence[str], spark: Any = None) -> JobRuntime:
    """Resolves the arguments and a SparkSession for the current host.

    ``spark`` may be passed in (tests); otherwise Glue's session or ``SparkSession.builder.getOrCreate()``."""
    optional = list(optional) + (["JOB_NAME"] if "JOB_NAME" not in optional else [])
    if glue_available():
        from awsglue.context import GlueContext
        from awsglue.job import Job
        from pyspark.context import SparkContext

        args = resolve_glue_args(argv, required, optional)
        glue_context = GlueContext(SparkContext.getOrCreate())
        session = spark or glue_context.spark_session
        job = Job(glue_context)
        job.init(args.get("JOB_NAME", "tributary-curate"), args)
        LOG.info("running under AWS Glue")
        return JobRuntime(session, args, job)

    from pyspark.sql import SparkSession

    args = parse_plain_args(argv, required, optional)
    session = spark or SparkSession.builder.appName(args.get("JOB_NAME", "tributary-curate")).getOrCreate()
    LOG.info("running under plain PySpark %s", session.version)
    return JobRuntime(session, args, None)

"""Small-object I/O for the manifest and the run summary, for ``s3://`` URIs (boto3, imported lazily so that
local runs need no AWS SDK) and local paths (plain or ``file://``). Bulk data goes through Spark, not here."""
from __future__ import annotations

import os
import tempfile
from typing import Tuple
from urllib.parse import unquote, urlparse


def is_s3(uri: str) -> bool:
    return uri.startswith(("s3://", "s3a://", "s3n://"))


def split_s3(uri: str) -> Tuple[str, str]:
    parsed = urlparse(uri)
    if not parsed.netloc or not parsed.path.strip("/"):
        raise ValueError(f"not an s3 object URI: {uri!r}")
    return parsed.netloc, parsed.path.lstrip("/")


def local_path(uri: str) -> str:
    if uri.startswith("file:"):
        return unquote(urlparse(uri).path)
    return uri


def _s3_client():
    import boto3  # lazily: only s3:// URIs need the AWS SDK (Glue ships it)

    return boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)


def read_text(uri: str) -> str:
    if is_s3(uri):
        bucket, key = split_s3(uri)
        return _s3_client().get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    with open(local_path(uri), "r", encoding="utf-8") as handle:
        return handle.read()


def write_text(uri: str, text: str, content_type: str = "application/json") -> None:
    """Writes the whole object at once: an S3 PUT, or locally a temp file renamed into place, so a reader
    never sees half a summary."""
    data = text.encode("utf-8")
    if is_s3(uri):
        bucket, key = split_s3(uri)
        _s3_client().put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
        return
    path = local_path(uri)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

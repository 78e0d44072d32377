"""JSON objects in S3 (the mail bucket's run reports, draws, selections): written and
read one way everywhere."""

from __future__ import annotations

import json
from typing import Any


def put_json(s3: Any, bucket: str, key: str, body: Any, *, indent: int = 1) -> str:
    """Writes `body` as JSON (dates and other values by `str`); returns the key."""
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=json.dumps(body, indent=indent, default=str).encode(),
        ContentType="application/json",
    )
    return key


def get_json(s3: Any, bucket: str, key: str) -> Any | None:
    """The object at `key` read as JSON; None when there is none."""
    try:
        answer = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    return json.loads(answer["Body"].read())

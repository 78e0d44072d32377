"""Post a letter: hand its PDF to the print house through the mail bucket.

Convention (read back by the sandbox and the print-house manifest):
`s3://$MAIL_BUCKET/letters/<key>.pdf`, ContentType `application/pdf`, metadata
`kind` and `address` (the address lines as URL-quoted JSON: S3 metadata is
ASCII only).

Idempotent by key: the same key is the same letter, so a retried or replayed
step writes the same object again instead of posting a second letter. Choose
keys from the business identity of the notice (certification, year, step).
"""

from __future__ import annotations

import json
import os
import urllib.parse
from typing import Any

LETTERS_PREFIX = "letters/"


def _s3() -> Any:
    from staycertified import aws

    return aws.s3()


def letter_key(key: str) -> str:
    """The object key of the letter with business key `key`."""
    return f"{LETTERS_PREFIX}{key.strip('/')}.pdf"


def post_letter(*, address_lines: list[str], kind: str, pdf: bytes, key: str) -> str:
    """Store the letter for printing; returns its object key."""
    object_key = letter_key(key)
    _s3().put_object(
        Bucket=os.environ["MAIL_BUCKET"],
        Key=object_key,
        Body=pdf,
        ContentType="application/pdf",
        Metadata={"kind": kind, "address": urllib.parse.quote(json.dumps(address_lines))},
    )
    return object_key

"""The functions' environment, validated on first use (STYLE §2).

Cached per environment value, not once per process, so that several sandboxes
(or tests) in one process each see their own table.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

_VARS = ("TABLE_NAME", "BODY_TIME_ZONE", "DOCUMENTS_BUCKET", "MAIL_BUCKET", "SENDER_EMAIL")


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str
    body_time_zone: str = "America/Chicago"
    documents_bucket: str = ""
    mail_bucket: str = ""
    sender_email: str = ""


def settings() -> Settings:
    return _settings(tuple(os.environ.get(name, "") for name in _VARS))


@functools.cache
def _settings(values: tuple[str, ...]) -> Settings:
    env = dict(zip(_VARS, values, strict=True))
    if not env["TABLE_NAME"]:
        raise RuntimeError("TABLE_NAME is not set")
    return Settings(
        table_name=env["TABLE_NAME"],
        body_time_zone=env["BODY_TIME_ZONE"] or "America/Chicago",
        documents_bucket=env["DOCUMENTS_BUCKET"],
        mail_bucket=env["MAIL_BUCKET"],
        sender_email=env["SENDER_EMAIL"],
    )


def table() -> Table:
    """The deployed table named by TABLE_NAME (one resource per name, built on first use)."""
    return _table(settings().table_name)


@functools.cache
def _table(name: str) -> Table:
    import boto3

    return boto3.resource("dynamodb").Table(name)

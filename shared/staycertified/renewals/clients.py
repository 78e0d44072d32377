"""AWS clients of the renewal, billing and payment paths, built on first use, with retries.

Every client retries throttling with backoff (botocore "standard" mode), so a
throttled SES or DynamoDB call is repeated rather than failing a batch.
"""

from __future__ import annotations

import functools
from typing import Any

RETRIES = {"mode": "standard", "max_attempts": 8}


def retry_config() -> Any:
    from botocore.config import Config

    return Config(retries=RETRIES)  # type: ignore[arg-type]


@functools.cache
def secretsmanager() -> Any:
    import boto3

    return boto3.client("secretsmanager", config=retry_config())


@functools.cache
def dynamodb_resource() -> Any:
    import boto3

    return boto3.resource("dynamodb", config=retry_config())


@functools.cache
def s3() -> Any:
    import boto3

    return boto3.client("s3", config=retry_config())


@functools.cache
def stepfunctions() -> Any:
    import boto3

    return boto3.client("stepfunctions", config=retry_config())


def table(name: str) -> Any:
    """The DynamoDB table `name` on the retrying resource."""
    return dynamodb_resource().Table(name)


def reset() -> None:
    """Forget every client (a new sandbox, a new region)."""
    for factory in (secretsmanager, dynamodb_resource, s3, stepfunctions):
        factory.cache_clear()

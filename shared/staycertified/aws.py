"""The AWS clients every function uses: one place, built once per process on first use.

A warm Lambda container reuses them. Retries are configured in one place, the
environment: botocore reads AWS_RETRY_MODE and AWS_MAX_ATTEMPTS, which the
template's Globals set for every function, so no client here passes a retry
`Config` (STYLE 16: one configuration).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


@functools.cache
def client(service: str) -> Any:
    """The boto3 client of `service` ("s3", "sesv2", "stepfunctions", "events"...)."""
    import boto3

    return boto3.client(service)  # type: ignore[call-overload]


def s3() -> Any:
    return client("s3")


def sesv2() -> Any:
    return client("sesv2")


def stepfunctions() -> Any:
    return client("stepfunctions")


def events() -> Any:
    return client("events")


def secretsmanager() -> Any:
    return client("secretsmanager")


@functools.cache
def dynamodb() -> Any:
    import boto3

    return boto3.resource("dynamodb")


@functools.cache
def table(name: str) -> Table:
    """The DynamoDB table `name` (one resource per name)."""
    return dynamodb().Table(name)  # type: ignore[no-any-return]


def reset() -> None:
    """Forget every client (a benchmark that changes the region or the endpoint)."""
    for factory in (client, dynamodb, table):
        factory.cache_clear()

"""Moto tables built from template.yaml's own key schema (never by hand), a
botocore call counter, and HTTP API v2 events like API Gateway sends them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from staycertified_sandbox import moto_fixes
from staycertified_sandbox.template import load_template

ROOT = Path(__file__).resolve().parents[3]
TABLE_NAME = "StayCertifiedTable"
OUTBOX_TABLE_NAME = "StayCertifiedOutbox"


def _table_spec(logical_id: str = "Table") -> dict[str, Any]:
    props = load_template(ROOT / "template.yaml")["Resources"][logical_id]["Properties"]
    return {
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "GlobalSecondaryIndexes": props["GlobalSecondaryIndexes"],
        "BillingMode": props["BillingMode"],
    }


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("TABLE_NAME", TABLE_NAME)
    monkeypatch.setenv("OUTBOX_TABLE_NAME", OUTBOX_TABLE_NAME)
    monkeypatch.setenv("BODY_TIME_ZONE", "America/Chicago")
    with mock_aws(), moto_fixes.corrections():  # the sandbox's corrections of moto
        yield


@pytest.fixture
def table(aws: None) -> Any:
    resource = boto3.resource("dynamodb", region_name="us-east-1")
    resource.create_table(TableName=OUTBOX_TABLE_NAME, **_table_spec("OutboxTable"))
    return resource.create_table(TableName=TABLE_NAME, **_table_spec())


class CallCounter:
    """Counts DynamoDB API calls by operation name (botocore before-call hook)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)

    def count(self, operation: str) -> int:
        return self.calls.count(operation)


@pytest.fixture
def dynamodb_calls(table: Any) -> Iterator[CallCounter]:
    counter = CallCounter()
    events = table.meta.client.meta.events
    events.register("before-call.dynamodb", counter)
    yield counter
    events.unregister("before-call.dynamodb", counter)

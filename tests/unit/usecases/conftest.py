"""The use-cases called directly (no API event, no HTTP status): a moto table built
from template.yaml's own key schema and member M1 imported like the lead's CSV."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from staycertified_sandbox import moto_fixes
from staycertified_sandbox.template import load_template

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 1, 20)


def _spec(logical_id: str) -> dict[str, Any]:
    props = load_template(ROOT / "template.yaml")["Resources"][logical_id]["Properties"]
    keys = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
    return {key: props[key] for key in keys}


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "TABLE_NAME": "StayCertifiedTable",
        "OUTBOX_TABLE_NAME": "StayCertifiedOutbox",
        "BODY_TIME_ZONE": "America/Chicago",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws(), moto_fixes.corrections():
        resource = boto3.resource("dynamodb", region_name="us-east-1")
        resource.create_table(TableName="StayCertifiedOutbox", **_spec("OutboxTable"))
        yield resource.create_table(TableName="StayCertifiedTable", **_spec("Table"))


@pytest.fixture
def member(table: Any) -> str:
    """M1, Ada O'Neil, RMA-M1 certified 2024-03-15 (cycle to 2027-03-14), 12 points."""
    from staycertified.store.importer import import_members

    row = dict.fromkeys(("address_line2", "recertified_on", "paid_through"), "")
    row |= {
        "member_id": "M1",
        "first_name": "Ada",
        "last_name": "O'Neil",
        "email": "m1@example.org",
        "address_line1": "1 Main St",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "country": "US",
        "certification_type": "RMA",
        "certificate_number": "RMA-M1",
        "certified_on": "2024-03-15",
        "cycle_points": "12",
    }
    report = import_members([row], table=table, today=TODAY)
    assert not report.errors, report.errors
    return "M1"


@pytest.fixture
def policy() -> Any:
    from staycertified.policy import load_policy

    return load_policy()

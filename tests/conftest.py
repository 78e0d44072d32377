"""Fixtures shared by every test folder.

`ddb_tables`: the DynamoDB tables of template.yaml, created in moto from the
template's own `AWS::DynamoDB::Table` resources (key schema, indexes), so the
store is tested against the keys that will be deployed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = REPO_ROOT / "template.yaml"

_TABLE_PROPERTIES = (
    "KeySchema",
    "AttributeDefinitions",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
    "StreamSpecification",
)


def tables_from_template(template: Path = TEMPLATE, region: str = "us-east-1") -> dict[str, Any]:
    """Create every AWS::DynamoDB::Table of `template` (inside an active moto mock).

    Tables are named after their logical id (or their TableName if the template
    sets one); returns logical id -> boto3 Table resource.
    """
    import boto3

    from staycertified_sandbox.template import load_template

    dynamodb = boto3.resource("dynamodb", region_name=region)
    tables = {}
    for logical_id, resource in load_template(template)["Resources"].items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        name = props.get("TableName") if isinstance(props.get("TableName"), str) else logical_id
        spec = {key: props[key] for key in _TABLE_PROPERTIES if key in props}
        if "StreamSpecification" in spec:  # CloudFormation's form has no StreamEnabled
            spec["StreamSpecification"] = {"StreamEnabled": True, **spec["StreamSpecification"]}
        if spec.get("BillingMode", "PROVISIONED") == "PROVISIONED":
            spec.setdefault(
                "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
            )
        tables[logical_id] = dynamodb.create_table(TableName=name, **spec)
    return tables


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and a region, so no test can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def ddb_tables(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The template's tables in moto: logical id -> boto3 Table (the outbox of domain
    events named in OUTBOX_TABLE_NAME, as the functions see it)."""
    from moto import mock_aws

    monkeypatch.setenv("OUTBOX_TABLE_NAME", "OutboxTable")
    with mock_aws():
        yield tables_from_template()


def pytest_configure(config: pytest.Config) -> None:
    # moto warns about each resource type its CloudFormation skips, each time it
    # reads the stack; the sandbox emulates those types (see LOCAL_AWS.md).
    config.addinivalue_line("filterwarnings", "ignore:Tried to parse .* not supported by moto")


ORGANISATION_PARAMETERS = {
    "ORGANISATION_NAME": "OrganisationName",
    "ORGANISATION_POSTAL_ADDRESS": "OrganisationPostalAddress",
    "ORGANISATION_EMAIL": "OrganisationEmail",
    "PORTAL_URL": "PortalUrl",
    "PAY_URL": "PayUrl",
}


@functools.cache
def template_parameter_defaults(template: Path = TEMPLATE) -> dict[str, str]:
    from staycertified_sandbox.template import load_template

    parameters = load_template(template)["Parameters"]
    return {name: str(spec.get("Default", "")) for name, spec in parameters.items()}


@pytest.fixture(autouse=True)
def organisation_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """The organisation profile a deployed function gets from the template's parameter
    defaults (R43), for tests that call code outside a sandbox function."""
    import os

    defaults = template_parameter_defaults()
    for variable, parameter in ORGANISATION_PARAMETERS.items():
        if not os.environ.get(variable):
            monkeypatch.setenv(variable, defaults[parameter])


@pytest.fixture(autouse=True)
def fresh_aws_clients() -> Iterator[None]:
    """Each test builds its own AWS clients: a client cached by an earlier test (another
    mock, another sandbox's credentials) must not answer for this one (the sweep's unit
    tests met NoSuchBucket after an earlier test had built `aws.s3()`)."""
    from staycertified import aws

    aws.reset()
    yield
    aws.reset()

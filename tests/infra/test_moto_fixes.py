"""The sandbox's corrections to moto change speed or match AWS, never results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from staycertified_sandbox import moto_fixes


@pytest.fixture
def table(ddb_tables: dict[str, Any]) -> Iterator[Any]:
    moto_fixes.install()
    table = ddb_tables["Table"]
    with table.batch_writer() as batch:
        for member in range(30):
            for n in range(5):
                batch.put_item(
                    Item={
                        "PK": f"MEMBER#{member:03d}",
                        "SK": f"ITEM#{n}",
                        "GSI1PK": f"DUE#{n % 2}",
                        "GSI1SK": f"2026-{(member % 12) + 1:02d}#{member:03d}#{n}",
                    }
                )
    yield table


def test_a_base_table_query_returns_the_partition_in_range_key_order(table: Any) -> None:
    items = table.query(KeyConditionExpression=Key("PK").eq("MEMBER#007"))["Items"]
    assert [item["SK"] for item in items] == [f"ITEM#{n}" for n in range(5)]
    descending = table.query(
        KeyConditionExpression=Key("PK").eq("MEMBER#007") & Key("SK").gte("ITEM#3"),
        ScanIndexForward=False,
    )["Items"]
    assert [item["SK"] for item in descending] == ["ITEM#4", "ITEM#3"]
    assert table.query(KeyConditionExpression=Key("PK").eq("MEMBER#999"))["Items"] == []


def test_a_gsi_query_returns_every_match_in_index_order_across_pages(table: Any) -> None:
    expected = sorted(
        f"2026-{(member % 12) + 1:02d}#{member:03d}#{n}"
        for member in range(30)
        for n in range(5)
        if n % 2 == 1
    )
    found, start = [], None
    while True:
        page = table.query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq("DUE#1"),
            Limit=7,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        found += [item["GSI1SK"] for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert found == expected

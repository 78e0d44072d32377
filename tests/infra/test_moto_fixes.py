"""The sandbox's corrections to moto change speed or match AWS, never results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from staycertified_sandbox import moto_fixes


@pytest.fixture
def table(ddb_tables: dict[str, Any]) -> Iterator[Any]:
    with moto_fixes.corrections():
        yield _filled(ddb_tables["Table"])


def _filled(table: Any) -> Any:
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
    return table


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


def test_a_gsi_query_sees_only_its_partition_with_range_conditions(table: Any) -> None:
    table.put_item(Item={"PK": "MEMBER#100", "SK": "NOT-INDEXED"})  # no GSI1PK at all
    table.put_item(Item={"PK": "MEMBER#101", "SK": "X", "GSI1PK": "DUE#10", "GSI1SK": "2026-03"})
    items = table.query(
        IndexName="GSI1",
        KeyConditionExpression=Key("GSI1PK").eq("DUE#1") & Key("GSI1SK").begins_with("2026-03"),
    )["Items"]
    expected = [f"2026-03#{member:03d}#{n}" for member in (2, 14, 26) for n in (1, 3)]
    assert sorted(item["GSI1SK"] for item in items) == expected
    assert (
        table.query(IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq("DUE#9"))["Items"]
        == []
    )


def test_a_gsi_query_sees_every_put_update_and_delete_made_since_the_last(table: Any) -> None:
    def due(partition: str) -> list[str]:
        query = table.query(IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(partition))
        return sorted(item["PK"] + "/" + item["SK"] for item in query["Items"])

    assert due("DUE#7") == []
    table.put_item(Item={"PK": "MEMBER#900", "SK": "A", "GSI1PK": "DUE#7", "GSI1SK": "1"})
    assert due("DUE#7") == ["MEMBER#900/A"]
    table.update_item(
        Key={"PK": "MEMBER#900", "SK": "A"},
        UpdateExpression="SET GSI1PK = :p",
        ExpressionAttributeValues={":p": "DUE#8"},
    )
    assert (due("DUE#7"), due("DUE#8")) == ([], ["MEMBER#900/A"])
    with table.batch_writer() as batch:
        batch.put_item(Item={"PK": "MEMBER#901", "SK": "B", "GSI1PK": "DUE#8", "GSI1SK": "2"})
    assert due("DUE#8") == ["MEMBER#900/A", "MEMBER#901/B"]
    table.delete_item(Key={"PK": "MEMBER#900", "SK": "A"})
    assert due("DUE#8") == ["MEMBER#901/B"]


def test_a_cancelled_transaction_leaves_every_item_as_it_was(table: Any) -> None:
    client = table.meta.client
    before = table.get_item(Key={"PK": "MEMBER#001", "SK": "ITEM#1"})["Item"]
    with pytest.raises(client.exceptions.TransactionCanceledException):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table.name, "Item": {"PK": "NEW", "SK": "X"}}},
                {
                    "Update": {
                        "TableName": table.name,
                        "Key": {"PK": "MEMBER#001", "SK": "ITEM#1"},
                        "UpdateExpression": "SET GSI1PK = :v",
                        "ExpressionAttributeValues": {":v": "CHANGED"},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table.name,
                        "Key": {"PK": "MEMBER#002", "SK": "ITEM#0"},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )
    assert table.get_item(Key={"PK": "MEMBER#001", "SK": "ITEM#1"})["Item"] == before
    assert "Item" not in table.get_item(Key={"PK": "NEW", "SK": "X"})


def test_a_successful_transaction_writes_every_item(table: Any) -> None:
    table.meta.client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table.name, "Item": {"PK": "T1", "SK": "A"}}},
            {"Put": {"TableName": table.name, "Item": {"PK": "T2", "SK": "B"}}},
        ]
    )
    assert table.get_item(Key={"PK": "T2", "SK": "B"})["Item"] == {"PK": "T2", "SK": "B"}


def _moto_size_check(attrs: dict[str, Any]) -> bool:
    """moto's own check (`LimitedSizeDict.__setitem__`, one attribute at a time)."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict

    limited = LimitedSizeDict()
    try:
        for key, value in attrs.items():
            limited[key] = DynamoType(value)
    except ItemSizeTooLarge:
        return False
    return True


# The item below measures 23 bytes plus the filler: moto's limit is 405,000.
@pytest.mark.parametrize(
    ("filler", "accepted"), [(404_000, True), (404_977, True), (404_978, False)]
)
def test_an_item_is_refused_for_size_exactly_where_moto_refuses_it(
    table: Any, filler: int, accepted: bool
) -> None:
    wire = {
        "PK": {"S": "BIG"},
        "SK": {"S": "ONE"},
        "n": {"N": "12"},
        "tags": {"L": [{"S": "a"}, {"S": "b"}]},
        "blob": {"S": "x" * filler},
    }
    assert _moto_size_check(wire) is accepted
    item = {"PK": "BIG", "SK": "ONE", "n": 12, "tags": ["a", "b"], "blob": "x" * filler}
    if accepted:
        table.put_item(Item=item)
        assert table.get_item(Key={"PK": "BIG", "SK": "ONE"})["Item"] == item
    else:
        with pytest.raises(table.meta.client.exceptions.ClientError, match="size"):
            table.put_item(Item=item)
        assert "Item" not in table.get_item(Key={"PK": "BIG", "SK": "ONE"})


def test_the_corrections_refuse_a_moto_release_they_were_not_written_for() -> None:
    import moto

    moto_fixes.check_moto_version()  # the locked release
    assert moto.__version__ == moto_fixes.WRITTEN_FOR
    with pytest.raises(moto_fixes.MotoVersionMismatch):
        moto_fixes.check_moto_version("5.3.0")


def test_the_corrections_last_as_long_as_they_are_installed() -> None:
    from moto.awslambda.models import LambdaFunction
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import StreamShard, Table
    from moto.s3 import notifications

    from staycertified_sandbox import runtime

    originals = (Table.query, Item.__init__, StreamShard.add, notifications.quote_plus)
    invoke = LambdaFunction._invoke_lambda
    with moto_fixes.corrections():
        runtime.install()
        try:
            assert Table.query is not originals[0] and Item.__init__ is not originals[1]
            assert StreamShard.add is not originals[2]
            assert LambdaFunction._invoke_lambda is not invoke
            with pytest.raises(RuntimeError, match="already installed"):
                moto_fixes.install()
        finally:
            runtime.uninstall()
    assert (Table.query, Item.__init__, StreamShard.add, notifications.quote_plus) == originals
    assert LambdaFunction._invoke_lambda is invoke


def test_parity_and_speed_corrections_are_told_apart() -> None:
    assert set(moto_fixes.PARITY).isdisjoint(moto_fixes.SPEED)
    assert moto_fixes._transactions_without_copying_tables in moto_fixes.SPEED
    assert moto_fixes._name_unnamed_executions in moto_fixes.PARITY

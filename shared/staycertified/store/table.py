"""The table handle and the item <-> entity mapping shared by the repositories.

Entities are stored as their JSON form (dates ISO, money and points as decimal
strings: lossless, and nothing here needs numeric comparisons in DynamoDB),
next to the key attributes and an `entity` discriminator.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

KEY_ATTRIBUTES = ("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK", "entity")

M = TypeVar("M", bound=BaseModel)


def default_table() -> Table:
    """The deployed table, named by the function's environment (built on first use)."""
    from staycertified import config

    return config.table()


def to_item(entity: BaseModel, kind: str, **keys: str) -> dict[str, Any]:
    """An entity as a DynamoDB item with its keys; `None` fields are left out."""
    item: dict[str, Any] = {
        k: v for k, v in entity.model_dump(mode="json").items() if v is not None
    }
    item.update(keys)
    item["entity"] = kind
    return item


def from_item(model: type[M], item: Mapping[str, Any]) -> M:
    return model.model_validate({k: v for k, v in item.items() if k not in KEY_ATTRIBUTES})


def query_all(table: Table, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item of a Query, following pagination."""
    while True:
        page = table.query(**kwargs)
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return
        kwargs["ExclusiveStartKey"] = start


def new_item_put(table_name: str, item: dict[str, Any]) -> dict[str, Any]:
    """A transaction's Put of an item that must not exist yet."""
    return {
        "Put": {
            "TableName": table_name,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }


def put_all_new(table: Table, items: list[dict[str, Any]]) -> None:
    """Writes the items in one transaction, each only if none with its key exists
    (raises the client's TransactionCanceledException otherwise: nothing written)."""
    table.meta.client.transact_write_items(
        TransactItems=[new_item_put(table.name, item) for item in items]
    )


def put_once(table: Table, item: dict[str, Any]) -> bool:
    """Puts the item unless one with its key exists; False when it did."""
    try:
        table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def is_conditional_check_failure(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    code = response.get("Error", {}).get("Code")
    return code in ("ConditionalCheckFailedException", "TransactionCanceledException")

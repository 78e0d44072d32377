"""The transactional outbox: an event is written with the change it reports, in one
DynamoDB transaction, then relayed to the bus (docs/events.md).

How a workflow publishes (the only way to):

    from staycertified.events import catalog, outbox

    event = catalog.audit_failed(member_id=..., certificate_number=..., case_id=..., ...)
    outbox.transact(table, [your_update, ...], [event])        # or:
    client.transact_write_items(TransactItems=[*yours, outbox.entry(event)])

`entry` is a conditional Put (`attribute_not_exists(id)`) into the outbox table
(`OUTBOX_TABLE_NAME`): the event exists if and only if the change committed, and
an event id is written once. The function needs `DynamoDBWritePolicy` on
`OutboxTable` (template.yaml). Put the outbox entries LAST in the transaction.

Delivery (EventRelayFunction):

1. the outbox table's stream (NEW_IMAGE) runs the relay on each INSERT: it puts
   the event on the bus (`DOMAIN_EVENT_BUS_NAME`) and then clears its `pending`
   attribute;
2. a scheduled run of the same relay republishes every item still `pending`
   (sparse index `Pending`), so a relay killed between the put and the mark, or a
   stream batch that failed for good, loses nothing.

Delivery is at least once; consumers are idempotent on `detail.eventId`.

| access pattern                  | key                                                |
|---------------------------------|----------------------------------------------------|
| an event, once                  | id = <eventId> (condition attribute_not_exists)     |
| events not yet published        | index Pending: pending = PENDING, pending_key = <occurredOn>#<eventId> |
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from staycertified.events.catalog import SOURCE, DomainEvent, parse_detail

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

OUTBOX_TABLE_ENV = "OUTBOX_TABLE_NAME"
BUS_ENV = "DOMAIN_EVENT_BUS_NAME"
PENDING = "PENDING"
PENDING_INDEX = "Pending"
RETENTION_DAYS = 400  # events are kept (TTL `expires_at`) for replays and audits
PUT_EVENTS_BATCH = 10  # EventBridge PutEvents takes at most 10 entries


def outbox_table_name() -> str:
    name = os.environ.get(OUTBOX_TABLE_ENV, "")
    if not name:
        raise RuntimeError(f"{OUTBOX_TABLE_ENV} is not set")
    return name


def default_table() -> Table:
    """The outbox table named by OUTBOX_TABLE_NAME (one resource per name)."""
    from staycertified import aws

    return aws.table(outbox_table_name())


def item(event: DomainEvent) -> dict[str, Any]:
    """The outbox item of an event (pending until the relay has published it)."""
    occurred_on: date = event.detail.occurred_on
    expires = occurred_on + timedelta(days=RETENTION_DAYS)
    return {
        "id": event.event_id,
        "source": SOURCE,
        "detail_type": event.detail_type.value,
        "detail": json.dumps(event.detail_json(), sort_keys=True),
        "certificate_number": event.detail.certificate_number,
        "occurred_on": occurred_on.isoformat(),
        "pending": PENDING,
        "pending_key": f"{occurred_on.isoformat()}#{event.event_id}",
        # TTL in epoch seconds of the retention day (no clock read: R40)
        "expires_at": (expires - date(1970, 1, 1)).days * 86400,
    }


def entry(event: DomainEvent, table_name: str | None = None) -> dict[str, Any]:
    """The TransactWriteItems entry that writes `event` with your change (put it last)."""
    return {
        "Put": {
            "TableName": table_name or outbox_table_name(),
            "Item": item(event),
            "ConditionExpression": "attribute_not_exists(id)",
        }
    }


def transact(
    table: Table,
    items: Sequence[Mapping[str, Any]],
    events: Iterable[DomainEvent],
    *,
    outbox_table: str | None = None,
) -> None:
    """One TransactWriteItems: your items, then the events' outbox entries.

    Raises what the client raises (TransactionCanceledException when a condition
    fails: then nothing, events included, was written)."""
    transact_items = [*items, *(entry(event, outbox_table) for event in events)]
    table.meta.client.transact_write_items(TransactItems=transact_items)


# ---------------------------------------------------------------- relay


class RelayReport(BaseModel):
    model_config = ConfigDict(defer_build=True)

    published: int = 0
    failed: int = 0
    skipped: int = 0


def from_stream(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The outbox items a DynamoDB stream batch inserted (other records are skipped)."""
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    items = []
    for record in records:
        image = (record.get("dynamodb") or {}).get("NewImage")
        if record.get("eventName") != "INSERT" or not image:
            continue
        items.append({name: deserializer.deserialize(value) for name, value in image.items()})
    return items


def pending_items(outbox: Table) -> Iterator[dict[str, Any]]:
    """Every event not yet published, oldest first (sparse index: no Scan), page by
    page (the outbox reads its own table; it needs nothing of `store`)."""
    from boto3.dynamodb.conditions import Key

    query: dict[str, Any] = {
        "IndexName": PENDING_INDEX,
        "KeyConditionExpression": Key("pending").eq(PENDING),
    }
    while True:
        page = outbox.query(**query)
        yield from page.get("Items", [])
        if not page.get("LastEvaluatedKey"):
            return
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def put_events_entry(outbox_item: Mapping[str, Any], bus_name: str) -> dict[str, Any]:
    detail = json.loads(str(outbox_item["detail"]))
    parse_detail(str(outbox_item["detail_type"]), detail)  # only documented events leave
    return {
        "Source": str(outbox_item.get("source") or SOURCE),
        "DetailType": str(outbox_item["detail_type"]),
        "Detail": json.dumps(detail, sort_keys=True),
        "EventBusName": bus_name,
    }


def publish(
    outbox_items: Iterable[Mapping[str, Any]],
    *,
    outbox: Table,
    events_client: Any,
    bus_name: str,
    published_on: date | None = None,
) -> RelayReport:
    """Put each pending item on the bus, then mark it published (at least once).

    `published_on`: the run's day; None (the stream) stamps the event's own day."""
    report = RelayReport()
    batch: list[Mapping[str, Any]] = []
    for outbox_item in outbox_items:
        if outbox_item.get("pending") != PENDING:
            report.skipped += 1
            continue
        batch.append(outbox_item)
        if len(batch) == PUT_EVENTS_BATCH:
            _publish_batch(batch, outbox, events_client, bus_name, published_on, report)
            batch = []
    if batch:
        _publish_batch(batch, outbox, events_client, bus_name, published_on, report)
    return report


def _publish_batch(
    batch: list[Mapping[str, Any]],
    outbox: Table,
    events_client: Any,
    bus_name: str,
    published_on: date | None,
    report: RelayReport,
) -> None:
    answer = events_client.put_events(Entries=[put_events_entry(i, bus_name) for i in batch])
    for outbox_item, result in zip(batch, answer.get("Entries", []), strict=False):
        if result.get("ErrorCode") or not result.get("EventId"):
            report.failed += 1  # stays pending: the next run publishes it
            continue
        day = published_on or date.fromisoformat(str(outbox_item["occurred_on"]))
        mark_published(outbox, str(outbox_item["id"]), day)
        report.published += 1


def mark_published(outbox: Table, event_id: str, published_on: date) -> None:
    outbox.update_item(
        Key={"id": event_id},
        UpdateExpression="REMOVE pending, pending_key SET published_on = :on",
        ConditionExpression="attribute_exists(id)",
        ExpressionAttributeValues={":on": published_on.isoformat()},
    )

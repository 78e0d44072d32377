"""Recertification applications in the table (R28-R33).

| access pattern                                   | key                                                        |
|--------------------------------------------------|------------------------------------------------------------|
| the application (in the member's partition)      | PK = MEMBER#<memberId>, SK = RECERT#<applicationId>         |
| application by id (staff routes, workflow)       | GSI2: GSI2PK = RECERTAPP#<applicationId>, GSI2SK = RECERTAPP |
| applications by status, oldest first (staff)     | GSI3: GSI3PK = RECERTSTATUS#<status>, GSI3SK = <submittedOn or createdOn>#<id> |
| applications by status (felony reviews, sweep)   | the GSI3 partition RECERTSTATUS#FELONY_REVIEW (a Query)    |
| open applications by validity (daily sweep)      | GSI1: GSI1PK = RECERTOPEN, GSI1SK = <validUntil>#<id> (only while open) |
| one open application per certification           | PK = MEMBER#<memberId>, SK = CERT#<certNo>#RECERTOPEN (condition) |
| its fee invoice, created with it (R29)           | SK = CERT#<certNo>#RECERTFEE#<applicationId> (store.invoices) |
| exam authorisation -> application (webhook, R31) | PK = EXAMAUTH#<authorizationId>, SK = EXAMAUTH             |
| an exam attempt, recorded once (R31)             | PK = EXAMATTEMPT#<attemptId>, SK = EXAMATTEMPT (condition) |

Every write of the application is a Put conditioned on the `version` read, so two
writers never overwrite each other (`StaleApplication`); the creation is one
transaction (application + open marker + fee invoice), refused as a whole.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key

from staycertified.domain.application import ApplicationRecord, AppStatus
from staycertified.domain.model import Invoice
from staycertified.store import keys
from staycertified.store.invoices import invoice_item
from staycertified.store.table import from_item, put_all_new, to_item

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

APPLICATION = "RecertApplication"  # = store.members.RECERT_APPLICATION
OPEN_MARKER = "RecertOpen"
EXAM_AUTH = "ExamAuthorization"
EXAM_ATTEMPT = "ExamAttempt"
BY_ID = "RECERTAPP"
OPEN_INDEX_PK = "RECERTOPEN"


class ApplicationConflict(Exception):
    """Creation refused: `open_exists` when the certification already has one open."""

    def __init__(self, open_exists: bool) -> None:
        super().__init__("application not created")
        self.open_exists = open_exists


class StaleApplication(Exception):
    """The application changed since it was read (another writer came first)."""


def application_key(member_id: str, application_id: str) -> dict[str, str]:
    return {"PK": keys.member_pk(member_id), "SK": f"RECERT#{application_id}"}


def open_marker_key(member_id: str, certificate_number: str) -> dict[str, str]:
    return {"PK": keys.member_pk(member_id), "SK": f"CERT#{certificate_number}#RECERTOPEN"}


def application_item(record: ApplicationRecord) -> dict[str, Any]:
    listed_on = record.submitted_on or record.created_on
    extra = {
        "GSI2PK": f"RECERTAPP#{record.application_id}",
        "GSI2SK": BY_ID,
        "GSI3PK": f"RECERTSTATUS#{record.status.value}",
        "GSI3SK": f"{listed_on.isoformat()}#{record.application_id}",
    }
    if record.is_open:
        extra |= {
            "GSI1PK": OPEN_INDEX_PK,
            "GSI1SK": f"{record.valid_until.isoformat()}#{record.application_id}",
        }
    return to_item(
        record, APPLICATION, **application_key(record.member_id, record.application_id), **extra
    )


def _record(item: dict[str, Any]) -> ApplicationRecord:
    return from_item(ApplicationRecord, item)


def create_application(table: Table, record: ApplicationRecord, fee: Invoice) -> None:
    """Application, open marker and fee invoice in one transaction (R28, R29)."""
    client = table.meta.client
    marker = {
        **open_marker_key(record.member_id, record.certificate_number),
        "entity": OPEN_MARKER,
        "application_id": record.application_id,
    }
    try:
        put_all_new(table, [marker, application_item(record), invoice_item(fee)])
    except client.exceptions.TransactionCanceledException as error:
        reasons = error.response.get("CancellationReasons", [])
        open_exists = bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"
        raise ApplicationConflict(open_exists) from error


def get_application(table: Table, member_id: str, application_id: str) -> ApplicationRecord | None:
    item = table.get_item(Key=application_key(member_id, application_id), ConsistentRead=True).get(
        "Item"
    )
    return _record(item) if item and item.get("entity") == APPLICATION else None


def find_application(table: Table, application_id: str) -> ApplicationRecord | None:
    """By id (GSI2), then read again from its key (GSI2 is eventually consistent)."""
    page = table.query(
        IndexName="GSI2",
        KeyConditionExpression=Key("GSI2PK").eq(f"RECERTAPP#{application_id}")
        & Key("GSI2SK").eq(BY_ID),
    )
    items = page.get("Items", [])
    if not items:
        return None
    return get_application(table, str(items[0]["member_id"]), application_id)


def member_applications(items: list[dict[str, Any]]) -> list[ApplicationRecord]:
    """The applications among the items of a member's partition (one Query, R37)."""
    return [_record(i) for i in items if i.get("entity") == APPLICATION]


def save(
    table: Table, record: ApplicationRecord, *, release_open: bool = False
) -> ApplicationRecord:
    """Writes `record` if nobody wrote since it was read (its `version`); returns it
    with the next version. `release_open` also deletes the open marker (closed: R29)."""
    saved = record.model_copy(update={"version": record.version + 1})
    put = {
        "TableName": table.name,
        "Item": application_item(saved),
        "ConditionExpression": "attribute_exists(PK) AND version = :v",
        "ExpressionAttributeValues": {":v": record.version},
    }
    client = table.meta.client
    transact: list[dict[str, Any]] = [{"Put": put}]
    if release_open:
        transact.append(
            {
                "Delete": {
                    "TableName": table.name,
                    "Key": open_marker_key(record.member_id, record.certificate_number),
                    "ConditionExpression": "application_id = :id",
                    "ExpressionAttributeValues": {":id": record.application_id},
                }
            }
        )
    try:
        client.transact_write_items(TransactItems=transact)
    except client.exceptions.TransactionCanceledException as error:
        raise StaleApplication(record.application_id) from error
    return saved


def by_status(
    table: Table, status: AppStatus, limit: int, start: str | None
) -> tuple[list[ApplicationRecord], str | None]:
    """A page of applications in `status`, oldest first (GSI3); the next page's cursor."""
    kwargs: dict[str, Any] = {
        "IndexName": "GSI3",
        "KeyConditionExpression": Key("GSI3PK").eq(f"RECERTSTATUS#{status.value}"),
        "Limit": limit,
    }
    if start:
        kwargs["ExclusiveStartKey"] = _start_key(start, f"RECERTSTATUS#{status.value}")
    page = table.query(**kwargs)
    cursor = page.get("LastEvaluatedKey")
    records = [_record(i) for i in page.get("Items", [])]
    return records, json.dumps(cursor, sort_keys=True) if cursor else None


_CURSOR_KEYS = {"PK", "SK", "GSI3PK", "GSI3SK"}


def _start_key(cursor: str, partition: str) -> dict[str, str]:
    """A page cursor given back by a client: a key `by_status` answered for this
    listing, or ValueError (bounded JSON: `staycertified.body`), never a 500."""
    from staycertified.body import loads

    key = loads(cursor)
    if not (
        isinstance(key, dict)
        and set(key) == _CURSOR_KEYS
        and all(isinstance(value, str) for value in key.values())
        and key["GSI3PK"] == partition
    ):
        raise ValueError("not a cursor of this listing")
    return key


def open_expiring_before(table: Table, day: str) -> list[ApplicationRecord]:
    """Open applications whose validity ended before `day` (GSI1; never a Scan)."""
    from staycertified.store.table import query_all

    items = query_all(
        table,
        IndexName="GSI1",
        KeyConditionExpression=Key("GSI1PK").eq(OPEN_INDEX_PK) & Key("GSI1SK").lt(day),
    )
    found = []
    for item in items:
        record = get_application(table, str(item["member_id"]), str(item["application_id"]))
        if record is not None and record.is_open:
            found.append(record)
    return found


def in_status(table: Table, status: AppStatus) -> list[ApplicationRecord]:
    """Every application in `status` (its GSI3 partition, every page; never a Scan),
    each read again from its key (GSI3 is eventually consistent)."""
    from staycertified.store.table import query_all

    items = query_all(
        table,
        IndexName="GSI3",
        KeyConditionExpression=Key("GSI3PK").eq(f"RECERTSTATUS#{status.value}"),
    )
    found = (
        get_application(table, str(item["member_id"]), str(item["application_id"]))
        for item in items
    )
    return [record for record in found if record is not None and record.status == status]


def put_exam_authorization(table: Table, record: ApplicationRecord, authorization_id: str) -> None:
    table.put_item(
        Item={
            "PK": f"EXAMAUTH#{authorization_id}",
            "SK": "EXAMAUTH",
            "entity": EXAM_AUTH,
            "member_id": record.member_id,
            "application_id": record.application_id,
        }
    )


def application_of_authorization(table: Table, authorization_id: str) -> ApplicationRecord | None:
    item = table.get_item(
        Key={"PK": f"EXAMAUTH#{authorization_id}", "SK": "EXAMAUTH"}, ConsistentRead=True
    ).get("Item")
    if not item:
        return None
    return get_application(table, str(item["member_id"]), str(item["application_id"]))


def attempt_key(attempt_id: str) -> dict[str, str]:
    return {"PK": f"EXAMATTEMPT#{attempt_id}", "SK": "EXAMATTEMPT"}


def get_attempt(table: Table, attempt_id: str) -> dict[str, Any] | None:
    item = table.get_item(Key=attempt_key(attempt_id), ConsistentRead=True).get("Item")
    return dict(item) if item else None


def record_attempt(
    table: Table, record: ApplicationRecord, attempt: dict[str, Any]
) -> ApplicationRecord:
    """The attempt once (condition on its id) with the application updated, together."""
    saved = record.model_copy(update={"version": record.version + 1})
    client = table.meta.client
    try:
        client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table.name,
                        "Item": {**attempt_key(attempt["attempt_id"]), "entity": EXAM_ATTEMPT}
                        | attempt,
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {
                    "Put": {
                        "TableName": table.name,
                        "Item": application_item(saved),
                        "ConditionExpression": "attribute_exists(PK) AND version = :v",
                        "ExpressionAttributeValues": {":v": record.version},
                    }
                },
            ]
        )
    except client.exceptions.TransactionCanceledException as error:
        raise StaleApplication(record.application_id) from error
    return saved


def recertify(
    table: Table,
    record: ApplicationRecord,
    *,
    certification: Any,
    last_name: str,
    cycle: Any,
    extra: list[dict[str, Any]] | None = None,
) -> ApplicationRecord:
    """R33 in one transaction: the application RECERTIFIED (its open marker released),
    the certification with its new anchor (anniversary index moves), the new cycle."""
    from staycertified.store.members import certification_item, cycle_item

    saved = record.model_copy(update={"version": record.version + 1})
    client = table.meta.client
    items: list[dict[str, Any]] = [
        {
            "Put": {
                "TableName": table.name,
                "Item": application_item(saved),
                "ConditionExpression": "attribute_exists(PK) AND version = :v",
                "ExpressionAttributeValues": {":v": record.version},
            }
        },
        {
            "Delete": {
                "TableName": table.name,
                "Key": open_marker_key(record.member_id, record.certificate_number),
            }
        },
        {
            "Put": {
                "TableName": table.name,
                "Item": certification_item(certification, last_name),
                "ConditionExpression": "attribute_exists(PK)",
            }
        },
        {"Put": {"TableName": table.name, "Item": cycle_item(record.member_id, cycle)}},
        *(extra or []),
    ]
    try:
        client.transact_write_items(TransactItems=items)
    except client.exceptions.TransactionCanceledException as error:
        raise StaleApplication(record.application_id) from error
    return saved

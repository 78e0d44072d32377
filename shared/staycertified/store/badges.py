"""A certification's Credly badge and the ledger of badge calls, once per event (R36).

| access pattern                              | key or index                                           |
|---------------------------------------------|--------------------------------------------------------|
| the certification's badge (Credly ids)      | PK = MEMBER#<memberId>, SK = CERT#<certNo>#BADGE       |
| a badge call, once per (certification, event) | SK = CERT#<certNo>#BADGECALL#<eventId> (condition)   |
| badge calls not done (failed, or stuck)     | GSI1: GSI1PK = BADGECALL#OPEN, GSI1SK = <claimedOn>#<certNo>#<eventId> |

A call is claimed (PENDING, in the open index) before Credly is called, and
marked DONE (out of the index) with its outcome after; a failure is FAILED with
its error code and attempt count, still in the index, where staff see it and the
daily retry finds it. A DONE call is never made again: replays change nothing.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from pydantic import BaseModel, ConfigDict, Field

from staycertified.store import keys
from staycertified.store.table import from_item, is_conditional_check_failure, query_all, to_item

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

BADGE = "Badge"
BADGE_CALL = "BadgeCall"
OPEN_CALLS = "BADGECALL#OPEN"


class BadgeState(StrEnum):
    ISSUED = "ISSUED"
    REVOKED = "REVOKED"


class CallState(StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"
    FAILED = "FAILED"


class Badge(BaseModel):
    """The certification's current Credly badge (R36), with Credly's own ids."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    certificate_number: str
    state: BadgeState
    credly_badge_id: str
    expires_on: date | None = None
    url: str | None = None
    issued_on: date
    revoke_reason: str | None = None
    previous_badge_ids: list[str] = Field(default_factory=list)


class BadgeCall(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    member_id: str
    certificate_number: str
    event_id: str
    detail_type: str
    detail: str  # the event's detail, JSON (a retry replays it)
    state: CallState
    attempts: int = 0
    claimed_on: date
    outcome: str | None = None
    error: str | None = None


def badge_key(member_id: str, certificate_number: str) -> dict[str, str]:
    return {"PK": keys.member_pk(member_id), "SK": f"{keys.cert_prefix(certificate_number)}BADGE"}


def call_key(member_id: str, certificate_number: str, event_id: str) -> dict[str, str]:
    return {
        "PK": keys.member_pk(member_id),
        "SK": f"{keys.cert_prefix(certificate_number)}BADGECALL#{event_id}",
    }


def get_badge(table: Table, member_id: str, certificate_number: str) -> Badge | None:
    item = table.get_item(Key=badge_key(member_id, certificate_number), ConsistentRead=True).get(
        "Item"
    )
    return from_item(Badge, item) if item else None


def put_badge(table: Table, member_id: str, badge: Badge) -> None:
    table.put_item(Item=to_item(badge, BADGE, **badge_key(member_id, badge.certificate_number)))


def claim_call(
    table: Table,
    *,
    member_id: str,
    certificate_number: str,
    event_id: str,
    detail_type: str,
    detail: dict[str, Any],
    today: date,
) -> BadgeCall | None:
    """Claims the call for (certification, event); None when it is DONE already."""
    key = call_key(member_id, certificate_number, event_id)
    try:
        answer = table.update_item(
            Key=key,
            UpdateExpression=(
                "SET #s = :pending, entity = :entity, member_id = :m, certificate_number = :c, "
                "event_id = :e, detail_type = :t, detail = :d, "
                "claimed_on = if_not_exists(claimed_on, :today), "
                "attempts = if_not_exists(attempts, :zero), GSI1PK = :open, "
                "GSI1SK = :sk"
            ),
            ConditionExpression="attribute_not_exists(PK) OR #s <> :done",
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={
                ":pending": CallState.PENDING.value,
                ":done": CallState.DONE.value,
                ":entity": BADGE_CALL,
                ":m": member_id,
                ":c": certificate_number,
                ":e": event_id,
                ":t": detail_type,
                ":d": json.dumps(detail, sort_keys=True),
                ":today": today.isoformat(),
                ":zero": 0,
                ":open": OPEN_CALLS,
                ":sk": f"{today.isoformat()}#{certificate_number}#{event_id}",
            },
            ReturnValues="ALL_NEW",
        )
    except Exception as error:
        if is_conditional_check_failure(error):
            return None
        raise
    return from_item(BadgeCall, answer["Attributes"])


def finish_call(table: Table, call: BadgeCall, outcome: str, badge: Badge | None = None) -> None:
    """DONE with its outcome (out of the open index), with the badge it produced."""
    update = {
        "TableName": table.name,
        "Key": call_key(call.member_id, call.certificate_number, call.event_id),
        "UpdateExpression": "SET #s = :done, outcome = :o, attempts = attempts + :one "
        "REMOVE GSI1PK, GSI1SK, #err",
        "ExpressionAttributeNames": {"#s": "state", "#err": "error"},
        "ExpressionAttributeValues": {":done": CallState.DONE.value, ":o": outcome, ":one": 1},
    }
    items: list[dict[str, Any]] = [{"Update": update}]
    if badge is not None:
        item = to_item(badge, BADGE, **badge_key(call.member_id, badge.certificate_number))
        items.append({"Put": {"TableName": table.name, "Item": item}})
    table.meta.client.transact_write_items(TransactItems=items)


def fail_call(table: Table, call: BadgeCall, error: str) -> None:
    """FAILED with its error code (stays in the open index: staff see it, a retry takes it)."""
    table.update_item(
        Key=call_key(call.member_id, call.certificate_number, call.event_id),
        UpdateExpression="SET #s = :failed, #err = :error, attempts = attempts + :one",
        ExpressionAttributeNames={"#s": "state", "#err": "error"},
        ExpressionAttributeValues={":failed": CallState.FAILED.value, ":error": error, ":one": 1},
    )


def open_calls(table: Table) -> list[BadgeCall]:
    """Every badge call not DONE (failed, or claimed and never finished), oldest first."""
    items = query_all(table, IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(OPEN_CALLS))
    return [from_item(BadgeCall, item) for item in items]

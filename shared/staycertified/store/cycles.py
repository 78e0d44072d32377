"""CCP cycles: materialised items the daily sweep reads by end month (R9, R16).

| access pattern                          | key or index                                         |
|-----------------------------------------|------------------------------------------------------|
| a certification's cycles                | PK = MEMBER#<memberId>, SK = CERT#<certNo>#CYCLE#<start> |
| cycles ending on a day / in a range     | GSI1: GSI1PK = CYCLEEND#<YYYY-MM>, GSI1SK between <from> and <to>~ |
| rollovers of a year (audit pool, R25)   | GSI3: GSI3PK = ROLLOVER#<YYYY>, GSI3SK = <advancedOn>#<certNo> |

The importer writes each certification's current cycle; the sweep writes the
next one when a cycle ends (`advance`) and stamps `advanced_on` on a compliant
one (R16). Both writes are conditional, so a re-run of a day changes nothing.
A rollover, a lapse for points and the R22 transition are written with their
domain event (CycleRolledOver, CertificationLapsed, RecertificationRequired) in
one transaction (staycertified.events.outbox).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

from boto3.dynamodb.conditions import Key
from pydantic import BaseModel, ConfigDict

from staycertified.domain.model import Cycle
from staycertified.events import catalog, outbox
from staycertified.events.catalog import DomainEvent
from staycertified.store import keys
from staycertified.store.members import cycle_item
from staycertified.store.table import from_item, is_conditional_check_failure, query_all

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


class MemberCycle(BaseModel):
    """A cycle with the member it belongs to (the index gives both)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    member_id: str
    cycle: Cycle


def _month_starts(first: date, last: date) -> Iterator[date]:
    day = date(first.year, first.month, 1)
    while day <= last:
        yield day
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def cycles_ending_between(table: Table, first: date, last: date) -> Iterator[MemberCycle]:
    """Cycles whose end falls in [first, last]: one GSI1 Query per month, never a Scan."""
    for month in _month_starts(first, last):
        for item in query_all(
            table,
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.cycle_end_gsi1pk(month))
            & Key("GSI1SK").between(first.isoformat(), last.isoformat() + "~"),
        ):
            member_id = str(item["PK"]).removeprefix("MEMBER#")
            yield MemberCycle(member_id=member_id, cycle=from_item(Cycle, item))


def cycles_rolled_over_in(table: Table, year: int) -> Iterator[MemberCycle]:
    """Cycles that rolled over (`advanced_on`) during `year`: one GSI3 Query (R25's pool)."""
    for item in query_all(
        table,
        IndexName="GSI3",
        KeyConditionExpression=Key("GSI3PK").eq(keys.rollover_gsi3pk(year)),
    ):
        member_id = str(item["PK"]).removeprefix("MEMBER#")
        yield MemberCycle(member_id=member_id, cycle=from_item(Cycle, item))


def put_cycle(
    table: Table, member_id: str, cycle: Cycle, events: Sequence[DomainEvent] = ()
) -> bool:
    """Writes a cycle once; False when a cycle with that start already exists.
    `events` (a CertificationLapsed, R21) are written with it, in one transaction."""
    put = {
        "TableName": table.name,
        "Item": cycle_item(member_id, cycle),
        "ConditionExpression": "attribute_not_exists(PK)",
    }
    try:
        if events:
            outbox.transact(table, [{"Put": put}], events)
        else:
            table.put_item(Item=put["Item"], ConditionExpression=put["ConditionExpression"])
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def mark_advanced(table: Table, member_id: str, cycle: Cycle, advanced_on: date) -> bool:
    """Stamps the rollover date (R16) and indexes it for the audit pool (R25), once,
    with the CycleRolledOver event (one transaction)."""
    update = {
        "TableName": table.name,
        "Key": {
            "PK": keys.member_pk(member_id),
            "SK": keys.cycle_sk(cycle.certificate_number, cycle.start),
        },
        "UpdateExpression": "SET advanced_on = :on, GSI3PK = :pk, GSI3SK = :sk",
        "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(advanced_on)",
        "ExpressionAttributeValues": {
            ":on": advanced_on.isoformat(),
            ":pk": keys.rollover_gsi3pk(advanced_on.year),
            ":sk": keys.rollover_gsi3sk(advanced_on, cycle.certificate_number),
        },
    }
    event = catalog.cycle_rolled_over(
        member_id=member_id,
        certificate_number=cycle.certificate_number,
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        advanced_on=advanced_on,
    )
    try:
        outbox.transact(table, [{"Update": update}], [event])
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def record_recertification_required(
    table: Table,
    member_id: str,
    certificate_number: str,
    since: date,
    *,
    event: DomainEvent | None = None,
) -> bool:
    """Records the R22 transition on the certification once (the badge and status read
    it), with its RecertificationRequired event (one transaction), and the R42 notice
    marked due (sparse GSI3, see `recertification_notices_due`)."""
    update = {
        "TableName": table.name,
        "Key": {"PK": keys.member_pk(member_id), "SK": keys.cert_sk(certificate_number)},
        "UpdateExpression": (
            "SET recertification_required_since = :since, GSI3PK = :due, GSI3SK = :sk"
        ),
        "ConditionExpression": (
            "attribute_exists(PK) AND attribute_not_exists(recertification_required_since)"
        ),
        "ExpressionAttributeValues": {
            ":since": since.isoformat(),
            ":due": keys.RECERT_NOTICE_DUE_GSI3PK,
            ":sk": keys.recert_notice_due_gsi3sk(since, certificate_number),
        },
    }
    try:
        outbox.transact(table, [{"Update": update}], [event] if event else [])
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def recertification_notices_due(table: Table) -> list[tuple[str, str]]:
    """(member id, certificate number) of every certification whose recertification-required
    notice (R42) is still to send: GSI3 NOTICEDUE#RECERTIFICATION_REQUIRED, never a Scan."""
    from boto3.dynamodb.conditions import Key

    from staycertified.store.table import query_all

    found = query_all(
        table,
        IndexName="GSI3",
        KeyConditionExpression=Key("GSI3PK").eq(keys.RECERT_NOTICE_DUE_GSI3PK),
    )
    return [(str(i["member_id"]), str(i["certificate_number"])) for i in found]


def recertification_notice_sent(table: Table, member_id: str, certificate_number: str) -> None:
    """Removes the R42 notice marker once the notice went (the ledger keeps it once)."""
    table.update_item(
        Key={"PK": keys.member_pk(member_id), "SK": keys.cert_sk(certificate_number)},
        UpdateExpression="REMOVE GSI3PK, GSI3SK",
        ConditionExpression="attribute_exists(PK)",
    )


# The sweep's watermark: the last day a daily run completed (one item).
SWEEP_KEY = {"PK": "LIFECYCLE", "SK": "LAST_SWEEP"}


def last_sweep_day(table: Table) -> date | None:
    """The last day the daily sweep completed, None before the first run."""
    item = table.get_item(Key=SWEEP_KEY, ConsistentRead=True).get("Item")
    return date.fromisoformat(str(item["day"])) if item else None


def record_sweep_day(table: Table, day: date) -> bool:
    """Moves the watermark forward to `day` (never back); False if it already was there."""
    try:
        table.put_item(
            Item={**SWEEP_KEY, "day": day.isoformat(), "entity": "SweepWatermark"},
            ConditionExpression="attribute_not_exists(PK) OR #day < :day",
            ExpressionAttributeNames={"#day": "day"},
            ExpressionAttributeValues={":day": day.isoformat()},
        )
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True

"""Lapses the daily sweep records (R21), each once, with its CertificationLapsed event.

| access pattern              | key                                                        |
|-----------------------------|------------------------------------------------------------|
| a lapse, once               | PK = MEMBER#<memberId>, SK = CERT#<certNo>#LAPSE#<since>#<reason> (condition) |

A fee unpaid after its due month and grace lapses the certification (R21): the
standing shows it from that day by itself; the sweep writes the lapse item (what
lapsed it, since when) and the CertificationLapsed event in ONE transaction
(staycertified.events.outbox), so the event exists if and only if the lapse is
recorded, and a re-run of the day writes neither again. A lapse for points
(CCP_POINTS_MISSING) is written with the next cycle instead (store.cycles.put_cycle).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from staycertified.events import outbox
from staycertified.events.catalog import DomainEvent
from staycertified.store import keys
from staycertified.store.table import is_conditional_check_failure

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

LAPSE = "Lapse"


def record_lapse(
    table: Table,
    member_id: str,
    certificate_number: str,
    *,
    since: date,
    reason: str,
    event: DomainEvent,
    invoice_id: str | None = None,
    membership_year: int | None = None,
) -> bool:
    """Writes the lapse and its event once; False when this lapse is already recorded."""
    item: dict[str, str | int] = {
        "PK": keys.member_pk(member_id),
        "SK": keys.lapse_sk(certificate_number, since, reason),
        "entity": LAPSE,
        "certificate_number": certificate_number,
        "since": since.isoformat(),
        "reason": reason,
        "recorded_on": event.detail.occurred_on.isoformat(),
        "event_id": event.event_id,
    }
    if invoice_id is not None:
        item["invoice_id"] = invoice_id
    if membership_year is not None:
        item["membership_year"] = membership_year
    put = {
        "TableName": table.name,
        "Item": item,
        "ConditionExpression": "attribute_not_exists(PK)",
    }
    try:
        outbox.transact(table, [{"Put": put}], [event])
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True

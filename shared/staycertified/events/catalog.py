"""The domain events Stay Certified publishes on its own bus (docs/events.md).

Every event is `DomainEvent(detail_type, detail)`; `detail` is one of the models
below (camelCase on the wire, `extra="forbid"`, so a published event is exactly
its documented schema). Every detail carries:

- `eventId`: derived from the change's business key (`event_id`), so the same
  change (a retried sweep, a replayed webhook) always gives the same id: consumers
  are idempotent on it, and the outbox writes an id once;
- `occurredOn`: the body-time date of the change ("today" of the run that made it, R40);
- `memberId`, `certificateNumber`.

Build events with the functions at the end of this module, never by hand.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

SOURCE = "staycertified.certifications"
_NAMESPACE = uuid.UUID("6f1c7d0e-6a52-4d8e-9f43-0b7d6c1f2a13")


class DetailType(StrEnum):
    CERTIFICATION_ACTIVATED = "CertificationActivated"
    FEE_PAID = "FeePaid"
    CYCLE_ROLLED_OVER = "CycleRolledOver"
    CERTIFICATION_LAPSED = "CertificationLapsed"
    RECERTIFICATION_REQUIRED = "RecertificationRequired"
    AUDIT_FAILED = "AuditFailed"


RecertificationReason = Literal["OBLIGATION_UNMET_3_YEARS", "AUDIT_FAILED"]
LapseReason = Literal["FEE_UNPAID", "CCP_POINTS_MISSING"]
MANDATORY_FROM = date(2006, 1, 1)  # R22.1 / R22.2 split (R8's date)


class ActivationReason(StrEnum):
    INITIAL = "INITIAL"
    IMPORTED = "IMPORTED"
    RECERTIFIED = "RECERTIFIED"


class Detail(BaseModel):
    """What every event's detail carries."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        defer_build=True,
    )

    event_id: str
    occurred_on: date
    member_id: str
    certificate_number: str


class CertificationActivated(Detail):
    """A certification became ACTIVE: first certified, imported active, or recertified (R33, R36)."""

    reason: ActivationReason
    activated_on: date  # the certification or recertification date


class FeePaid(Detail):
    """An annual fee was paid; `paidThrough` moved forward (R7)."""

    payment_id: str
    invoice_id: str
    membership_year: int
    paid_through: date


class CycleRolledOver(Detail):
    """A compliant cycle rolled over into the next one (R16), or a cured one did (R21)."""

    cycle_start: date
    cycle_end: date
    advanced_on: date


class CertificationLapsed(Detail):
    """The certification became LAPSED (R21): a fee unpaid after its due month or a
    mandatory cycle ended non-compliant. `since` is the first day it is lapsed."""

    reason: LapseReason
    since: date


class RecertificationRequired(Detail):
    """R22: the certification must recertify; `since` is the day the 3 years ran out
    (R22.1 certified since 2006, R22.2 before 2006: fees only) or the audit failed (R22.3)."""

    reason: RecertificationReason
    rule: Literal["R22.1", "R22.2", "R22.3"]
    since: date


class AuditFailed(Detail):
    """R27: an audit case FAILED (deadline passed, or verified points short)."""

    case_id: str
    cycle_start: date
    cycle_end: date
    reason: Literal["DEADLINE_PASSED", "POINTS_SHORT"]


SCHEMAS: dict[DetailType, type[Detail]] = {
    DetailType.CERTIFICATION_ACTIVATED: CertificationActivated,
    DetailType.FEE_PAID: FeePaid,
    DetailType.CYCLE_ROLLED_OVER: CycleRolledOver,
    DetailType.CERTIFICATION_LAPSED: CertificationLapsed,
    DetailType.RECERTIFICATION_REQUIRED: RecertificationRequired,
    DetailType.AUDIT_FAILED: AuditFailed,
}


class DomainEvent(BaseModel):
    """One event as the outbox keeps it and the bus carries it."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    detail_type: DetailType
    detail: Detail

    @property
    def event_id(self) -> str:
        return self.detail.event_id

    def detail_json(self) -> dict[str, Any]:
        return self.detail.model_dump(mode="json", by_alias=True)


def parse_detail(detail_type: str, detail: dict[str, Any]) -> Detail:
    """The detail of a received event, validated against its schema (ValueError if unknown)."""
    return SCHEMAS[DetailType(detail_type)].model_validate(detail)


def event_id(detail_type: DetailType, *business_key: object) -> str:
    """Stable id of one change: the same business key always gives the same id."""
    key = "|".join([detail_type.value, *(str(part) for part in business_key)])
    return str(uuid.uuid5(_NAMESPACE, key))


def _event(detail_type: DetailType, key: tuple[object, ...], **fields: Any) -> DomainEvent:
    model = SCHEMAS[detail_type]
    detail = model(event_id=event_id(detail_type, *key), **fields)
    return DomainEvent(detail_type=detail_type, detail=detail)


# ---------------------------------------------------------------- builders


def certification_activated(
    *,
    member_id: str,
    certificate_number: str,
    reason: ActivationReason | str,
    activated_on: date,
    occurred_on: date,
) -> DomainEvent:
    """Key: (certificate, reason, activation date): one event per activation."""
    reason = ActivationReason(reason)
    return _event(
        DetailType.CERTIFICATION_ACTIVATED,
        (certificate_number, reason.value, activated_on.isoformat()),
        member_id=member_id,
        certificate_number=certificate_number,
        reason=reason,
        activated_on=activated_on,
        occurred_on=occurred_on,
    )


def fee_paid(
    *,
    member_id: str,
    certificate_number: str,
    payment_id: str,
    invoice_id: str,
    membership_year: int,
    paid_through: date,
    occurred_on: date,
) -> DomainEvent:
    """Key: the payment id (a payment is recorded once, R7)."""
    return _event(
        DetailType.FEE_PAID,
        (payment_id,),
        member_id=member_id,
        certificate_number=certificate_number,
        payment_id=payment_id,
        invoice_id=invoice_id,
        membership_year=membership_year,
        paid_through=paid_through,
        occurred_on=occurred_on,
    )


def cycle_rolled_over(
    *,
    member_id: str,
    certificate_number: str,
    cycle_start: date,
    cycle_end: date,
    advanced_on: date,
) -> DomainEvent:
    """Key: (certificate, cycle start): a cycle rolls over once."""
    return _event(
        DetailType.CYCLE_ROLLED_OVER,
        (certificate_number, cycle_start.isoformat()),
        member_id=member_id,
        certificate_number=certificate_number,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        advanced_on=advanced_on,
        occurred_on=advanced_on,
    )


def certification_lapsed(
    *,
    member_id: str,
    certificate_number: str,
    reason: LapseReason,
    since: date,
    occurred_on: date,
) -> DomainEvent:
    """Key: (certificate, reason, since): one event per lapse."""
    return _event(
        DetailType.CERTIFICATION_LAPSED,
        (certificate_number, reason, since.isoformat()),
        member_id=member_id,
        certificate_number=certificate_number,
        reason=reason,
        since=since,
        occurred_on=occurred_on,
    )


def recertification_required(
    *,
    member_id: str,
    certificate_number: str,
    reason: RecertificationReason,
    certified_on: date,
    since: date,
    occurred_on: date,
) -> DomainEvent:
    """Key: (certificate, since): the R22 transition is recorded once.
    `certified_on`: the initial certification date (R22.1 vs R22.2)."""
    if reason == "AUDIT_FAILED":
        rule = "R22.3"
    else:
        rule = "R22.1" if certified_on >= MANDATORY_FROM else "R22.2"
    return _event(
        DetailType.RECERTIFICATION_REQUIRED,
        (certificate_number, since.isoformat()),
        member_id=member_id,
        certificate_number=certificate_number,
        reason=reason,
        rule=rule,
        since=since,
        occurred_on=occurred_on,
    )


def audit_failed(
    *,
    member_id: str,
    certificate_number: str,
    case_id: str,
    cycle_start: date,
    cycle_end: date,
    reason: Literal["DEADLINE_PASSED", "POINTS_SHORT"],
    occurred_on: date,
) -> DomainEvent:
    """Key: the audit case id (a case fails once)."""
    return _event(
        DetailType.AUDIT_FAILED,
        (case_id,),
        member_id=member_id,
        certificate_number=certificate_number,
        case_id=case_id,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        reason=reason,
        occurred_on=occurred_on,
    )

"""Shapes domain decisions into API answers (R37, R38) and asks the domain the
questions the routes need. Pure: takes the member record and "today".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from staycertified.api import errors
from staycertified.api.schemas import (
    ActivityOut,
    AttestationIn,
    CertificationStatus,
    CycleOut,
    MemberStatus,
    NextAction,
    NextInvoice,
    Reason,
    VerificationOut,
    money,
)
from staycertified.domain import compliance, member_support
from staycertified.domain.model import Activity, Attestation, Category, Cycle, Member

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.policy.model import Policy
    from staycertified.store.members import CertificationRecord


def current_cycle(cert: CertificationRecord, today: date, policy: Policy) -> Cycle:
    return member_support.current_cycle(cert.certification, cert.cycles, today, policy)


def recording_cycle(
    cert: CertificationRecord, day: date | None, today: date, policy: Policy
) -> Cycle:
    return member_support.recording_cycle(
        cert.certification,
        cert.cycles,
        cert.activities,
        cert.attestations,
        cert.invoices,
        day,
        today,
        policy,
    )


def _cycle_of(cert: CertificationRecord, day: date, today: date, policy: Policy) -> Cycle | None:
    every = member_support.cycles_of(cert.certification, cert.cycles, today, policy)
    return next((c for c in every if c.start <= day <= c.end), None)


def activity_out(
    cert: CertificationRecord, activity: Activity, today: date, policy: Policy
) -> ActivityOut:
    """The activity with the points it counts in its cycle (R11 caps, R12)."""
    cycle = _cycle_of(cert, activity.effective_date, max(today, activity.effective_date), policy)
    counted, capped = Decimal(0), False
    if cycle is not None:
        tally = compliance.tally_points(cycle, cert.activities, policy)
        mine = next((a for a in tally.activities if a.activity_id == activity.activity_id), None)
        if mine is not None:
            counted, capped = mine.counted, mine.capped
    return ActivityOut(
        activity_id=activity.activity_id,
        certificate_number=activity.certificate_number,
        category=activity.category.value,
        title=activity.title,
        provider=activity.provider,
        completed_on=activity.completed_on,
        period_start=activity.period_start,
        period_end=activity.period_end,
        quantity=float(activity.quantity),
        unit=activity.unit.value,
        qualifies=activity.qualifies.value,
        source=activity.source.value,
        verified=activity.verified,
        points=float(activity.points),
        points_counted=float(counted),
        capped=capped,
        cycle_start=cycle.start if cycle else None,
        cycle_end=cycle.end if cycle else None,
        flags=["CAPPED"] if capped else [],
    )


def cured_cycle(
    cert: CertificationRecord, cycle: Cycle, today: date, policy: Policy
) -> Cycle | None:
    """R16/R21: an ended cycle that is compliant now rolls over today (its stamped value)."""
    if today <= cycle.end or cycle.advanced_on is not None:
        return None
    decision = member_support.cycle_compliance_on(
        cert.certification, cycle, cert.activities, cert.attestations, cert.invoices, policy, today
    )
    rollover = compliance.decide_rollover(cert.certification, decision, today, policy)
    return None if rollover is None else rollover.ended


def attest(
    cert: CertificationRecord, body: AttestationIn, member: Member, today: date, policy: Policy
) -> tuple[Attestation, Cycle]:
    """R18: an attestation for the current cycle, checked by the domain."""
    from staycertified.domain.errors import DomainError, RuleViolations

    cycle = current_cycle(cert, today, policy)
    found: list[DomainError] = []
    points: dict[Category, Decimal] = {}
    for name, value in body.points_by_category.items():
        try:
            points[Category(name)] = value
        except ValueError:
            found.append(DomainError("INVALID_CATEGORY", f"{name!r} is not a CCP category", "R10"))
    if not body.affirmed:
        found.append(
            DomainError("ATTESTATION_NOT_AFFIRMED", "the member must affirm the attestation", "R18")
        )
    if found:
        raise RuleViolations(found)
    attestation = Attestation(
        certificate_number=cert.certification.certificate_number,
        cycle_start=cycle.start,
        points_by_category=points,
        signed_by=body.signed_by,
        signed_on=today,
    )
    compliance.check_attestation(attestation, cycle, today)
    shortfall = member_support.attestation_shortfall(attestation, cycle)
    if shortfall is not None:
        raise shortfall
    return attestation, cycle


def _unused(*_: object) -> None:  # keeps imports referenced until the standing mapping lands
    _ = (
        errors,
        CertificationStatus,
        CycleOut,
        MemberStatus,
        NextAction,
        NextInvoice,
        Reason,
        VerificationOut,
        money,
    )

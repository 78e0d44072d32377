"""Shapes domain decisions into API answers (R37, R38) and asks the domain the
questions the routes need. Pure: takes the member record and "today".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from staycertified.api import errors
from staycertified.api.schemas import (
    ActivityOut,
    AttestationIn,
    AuditOut,
    BadgeOut,
    CertificationStatus,
    CycleOut,
    MemberStatus,
    NextAction,
    NextInvoice,
    Reason,
    RecertificationOut,
    VerificationOut,
    money,
)
from staycertified.domain import compliance, recording
from staycertified.domain.model import (
    Activity,
    Attestation,
    AuditCase,
    Category,
    Cycle,
    Member,
    Standing,
)

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.decisions import NextAction as DomainNextAction
    from staycertified.domain.decisions import Reason as DomainReason
    from staycertified.domain.policy import Policy
    from staycertified.domain.standing import StandingDecision
    from staycertified.store.documents import StoredDocument
    from staycertified.store.members import CertificationRecord, MemberRecord


def activity_out(
    cert: CertificationRecord,
    activity: Activity,
    today: date,
    policy: Policy,
    warnings: Sequence[DomainReason] = (),
) -> ActivityOut:
    """The activity with the points it counts in its cycle (R11 caps, R12)."""
    cycle = cert.cycle_containing(
        activity.effective_date, max(today, activity.effective_date), policy
    )
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
        warnings=_reasons(warnings),
    )


def _reasons(found: Sequence[DomainReason]) -> list[Reason]:
    return [Reason(rule=r.rule, code=r.code, message=r.message, since=r.since) for r in found]


def attest(
    cert: CertificationRecord, body: AttestationIn, member: Member, today: date, policy: Policy
) -> tuple[Attestation, Cycle]:
    """R18: an attestation for the current cycle, or (R21) for the ended non-compliant
    cycle of a LAPSED certification, which it cures; checked by the domain."""
    from staycertified.domain.errors import DomainError, RuleViolations

    cycle, cures = recording.attestation_cycle(cert, today, policy)
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
        cures=cures,
    )
    compliance.check_attestation(attestation, cycle, today)
    shortfall = recording.attestation_shortfall(attestation, cycle)
    if shortfall is not None:
        raise shortfall
    return attestation, cycle


def _shown_audit(cert: CertificationRecord, today: date) -> AuditCase | None:
    """R37: the open case, else this year's decided one (its outcome)."""
    open_case = cert.open_audit_case
    if open_case is not None:
        return open_case
    this_year = [c for c in cert.audit_cases if c.audit_year == today.year]
    return max(this_year, key=lambda c: c.opened_on, default=None)


def _audit_out(
    cert: CertificationRecord, case: AuditCase, documents: Sequence[StoredDocument]
) -> AuditOut:
    """R27, R37: the case, a link to it, and what is left for the member to do."""
    from staycertified.audits.case import next_step, review_from

    review = review_from(cert, case, [d for d in documents if d.owner_id == case.case_id])
    step = next_step(review)
    member_id = cert.certification.member_id
    return AuditOut(
        case_id=case.case_id,
        audit_year=case.audit_year,
        cycle_start=case.cycle_start,
        cycle_end=case.cycle_end,
        status=case.status.value,  # type: ignore[arg-type]
        respond_by=case.deadline,
        href=f"/members/{member_id}/audits/{case.case_id}",
        next_action=step[1] if step else None,
        points_required=float(review.points_required),
        points_verified=float(review.points_verified),
    )


def _audit_actions(
    actions: list[NextAction], cert: CertificationRecord, documents: Sequence[StoredDocument]
) -> list[NextAction]:
    """R24, R27: the audit's next action says what is left (upload, submit, nothing)."""
    from staycertified.audits.case import next_step, review_from

    result = []
    for action in actions:
        if action.action != "UPLOAD_AUDIT_DOCUMENTS" or action.case_id is None:
            result.append(action)
            continue
        case = next((c for c in cert.audit_cases if c.case_id == action.case_id), None)
        if case is None:
            result.append(action)
            continue
        review = review_from(cert, case, [d for d in documents if d.owner_id == case.case_id])
        step = next_step(review)
        if step is not None:
            kind, message = step
            result.append(
                action.model_copy(
                    update={"action": kind, "message": message, "due_by": case.deadline}
                )
            )
    return result


def _next_invoice(cert: CertificationRecord, decision: StandingDecision) -> NextInvoice | None:
    planned = decision.next_invoice
    issued = next((i for i in cert.invoices if i.invoice_id == planned.invoice_id), None)
    amount = issued.amount if issued is not None else planned.amount
    if amount is None:  # R1: fee not configured for this type
        return None
    return NextInvoice(
        invoice_id=planned.invoice_id,
        membership_year=planned.membership_year,
        amount=money(amount),
        currency=issued.currency if issued is not None else "USD",
        due_date=planned.due_date,
        status=issued.status.value if issued is not None else "NOT_ISSUED",
    )


def _action(action: DomainNextAction) -> NextAction:
    return NextAction(
        action=action.kind.value,  # type: ignore[arg-type]
        rule=action.rule,
        message=action.message,
        invoice_id=action.invoice_id,
        amount=money(action.amount) if action.amount is not None else None,
        points=float(action.points) if action.points is not None else None,
        due_by=action.by,
        routes=list(action.routes) or None,  # type: ignore[arg-type]
        case_id=action.case_id,
    )


def certification_status(
    cert: CertificationRecord,
    today: date,
    policy: Policy,
    documents: Sequence[StoredDocument] = (),
) -> CertificationStatus:
    """R37 for one certification, from the domain's standing decision (R20-R24)."""
    from staycertified.domain.standing import evaluate_standing

    decision = evaluate_standing(cert, today, policy)
    current = decision.current_cycle
    compliant = recording.cycle_compliance_on(cert, current, today, policy).compliant
    audit = _shown_audit(cert, today)
    recertification = None
    application_actions: list[NextAction] = []
    if decision.status == Standing.RECERTIFICATION_REQUIRED:
        from staycertified.recertification.service import open_application_status

        recertification = RecertificationOut(
            routes=list(decision.recertification_routes),  # type: ignore[arg-type]
            required_since=decision.required_since,  # R22: the day the 3 years ran out
        )
        recertification, application_actions = open_application_status(cert, recertification)
    return CertificationStatus(
        certificate_number=decision.certificate_number,
        type=decision.certification_type,
        status=decision.status.value,  # type: ignore[arg-type]
        ccp=decision.ccp_duty.value,  # type: ignore[arg-type]
        reasons=_reasons(decision.reasons),
        paid_through=decision.paid_through,
        next_invoice=_next_invoice(cert, decision),
        cycle=CycleOut(
            start=current.start,
            end=current.end,
            points_required=float(decision.points_required),
            points_counted=float(decision.points_counted),
            points_outstanding=float(decision.points_outstanding),
            points_attested=None
            if decision.points_attested is None
            else float(decision.points_attested),
            days_left=decision.days_left,
            compliant=compliant,
        ),
        audit=None if audit is None else _audit_out(cert, audit, documents),
        recertification=recertification,
        next_actions=_audit_actions([_action(a) for a in decision.next_actions], cert, documents)
        + application_actions,
        badge=_badge_out(cert),
    )


def _badge_out(cert: CertificationRecord) -> BadgeOut:
    """R37: the badge as the Credly calls left it (store.badges)."""
    if not cert.badges:
        return BadgeOut(state="NONE")
    badge = cert.badges[0]
    return BadgeOut(state=badge.state.value, expires_at=badge.expires_on, url=badge.url)  # type: ignore[arg-type]


def member_status(record: MemberRecord, today: date, policy: Policy) -> MemberStatus:
    return MemberStatus(
        member_id=record.member.member_id,
        as_of=today,
        certifications=[
            certification_status(c, today, policy, record.documents) for c in record.certifications
        ],
    )


def verification(
    record: MemberRecord,
    cert: CertificationRecord,
    certificate_number: str,
    last_name: str,
    today: date,
    policy: Policy,
) -> VerificationOut:
    """R38 from the domain's public verification value; None → the same 404 as unknown."""
    from staycertified.domain.standing import evaluate_standing, public_verification

    decision = evaluate_standing(cert, today, policy)
    public = public_verification(
        certificate_number, last_name, (record.member, cert.certification, decision)
    )
    if public is None:
        raise errors.not_found("certification")
    return VerificationOut(
        name=public.name,
        type=public.certification_type,
        status=public.status,
        original_certification_date=public.original_certification_date,
        valid_through=public.valid_through,
    )

"""The status and activity answers (R37): domain values
(`staycertified.standing`, `staycertified.activities`) shaped into the API's wire
schemas, the open recertification application included (R28-R31). Pure: takes the
member record and "today"; decides nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from staycertified.api.schemas import (
    ActivityOut,
    AuditOut,
    BadgeOut,
    CertificationStatus,
    CycleOut,
    ErrorItem,
    MemberStatus,
    NextAction,
    NextInvoice,
    Reason,
    RecertificationOut,
    money,
)
from staycertified.domain import compliance
from staycertified.domain.application import AppStatus
from staycertified.domain.model import Activity, AuditCase, Standing

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.decisions import NextAction as DomainNextAction
    from staycertified.domain.decisions import Reason as DomainReason
    from staycertified.domain.policy import Policy
    from staycertified.domain.standing import StandingDecision
    from staycertified.standing import CertificationStanding
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
    standing: CertificationStanding, documents: Sequence[StoredDocument] = ()
) -> CertificationStatus:
    """R37 for one certification, from the domain's standing decision (R20-R24)."""
    cert, decision, audit = standing.certification, standing.decision, standing.audit
    current = decision.current_cycle
    recertification = None
    application_actions: list[NextAction] = []
    if decision.status == Standing.RECERTIFICATION_REQUIRED:
        recertification = RecertificationOut(
            routes=list(decision.recertification_routes),  # type: ignore[arg-type]
            required_since=decision.required_since,  # R22: the day the 3 years ran out
        )
        recertification, application_actions = _open_application(cert, recertification)
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
            compliant=standing.compliant,
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


def member_status(
    record: MemberRecord, standings: Sequence[CertificationStanding], today: date
) -> MemberStatus:
    return MemberStatus(
        member_id=record.member.member_id,
        as_of=today,
        certifications=[certification_status(s, record.documents) for s in standings],
    )


_NEXT = {
    AppStatus.DRAFT: ("SUBMIT_APPLICATION", "submit the application"),
    AppStatus.FELONY_REVIEW: ("WAIT_FOR_REVIEW", "the felony answer is being reviewed (R30)"),
    AppStatus.AWAITING_STAFF_REVIEW: ("WAIT_FOR_REVIEW", "the application is being reviewed"),
    AppStatus.APPROVED: ("WAIT_FOR_REVIEW", "approved: recertification is being recorded"),
    AppStatus.AUTHORIZED_TO_TEST: ("SCHEDULE_EXAM", "schedule the exam with the exam vendor"),
}


def _open_application(
    cert: CertificationRecord, shown: RecertificationOut
) -> tuple[RecertificationOut, list[NextAction]]:
    """R37: the open application of a certification (status, what is missing) and the
    member's next actions for it (pay the fee, upload a proof, wait, schedule the exam)."""
    open_ones = [a for a in cert.applications if a.is_open]
    if not open_ones:
        return shown, []
    application = max(open_ones, key=lambda a: (a.created_on, a.application_id))
    missing = [ErrorItem(rule=m.rule, code=m.code, message=m.message) for m in application.missing]
    shown = shown.model_copy(
        update={
            "application_id": application.application_id,
            "application_status": application.status.value,
            "application_valid_until": application.valid_until,
            "missing": missing,
        }
    )
    ident = application.application_id
    actions = []
    codes = {m.code for m in application.missing}
    fee = next((i for i in cert.invoices if i.invoice_id == application.fee_invoice_id), None)
    if fee is not None and not fee.is_paid:
        actions.append(
            NextAction(
                action="PAY_APPLICATION_FEE",
                rule="R29",
                message=f"pay the application fee (invoice {fee.invoice_id})",
                invoice_id=fee.invoice_id,
                amount=f"{fee.amount.quantize(Decimal('0.01'))}",
                application_id=ident,
            )
        )
    if codes & {"PROOF_DOCUMENT_MISSING", "EMPLOYMENT_VERIFICATION_FORM_MISSING"}:
        actions.append(
            NextAction(
                action="UPLOAD_RECERTIFICATION_DOCUMENTS",
                rule="R29",
                message="upload a proof for each activity, then submit again",
                due_by=application.valid_until,
                application_id=ident,
            )
        )
    if application.status == AppStatus.INCOMPLETE:
        actions.append(
            NextAction(
                action="SUBMIT_APPLICATION",
                rule="R29",
                message="submit the application again once complete",
                due_by=application.valid_until,
                application_id=ident,
            )
        )
    elif application.status in _NEXT:
        action, message = _NEXT[application.status]
        actions.append(
            NextAction(
                action=action,
                rule="R29" if action != "SCHEDULE_EXAM" else "R31",
                message=message,
                due_by=application.valid_until,
                application_id=ident,
            )
        )
    return shown, actions

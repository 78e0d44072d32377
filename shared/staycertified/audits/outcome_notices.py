"""The audit's later notices (R26, R27, R43): reminder (email + mail), passed (email),
failed (email + mail); and what a failure sets off (R22.3, R42, the domain event).

Each goes through the one notice pipeline (`staycertified.notify`: catalogue kinds
AUDIT_REMINDER, AUDIT_PASSED, AUDIT_FAILED and their templates), once per case and
channel (R5: period = the audit year, step = the kind). The words promise only what
the system does: the portal link (the organisation profile), the deadline; no
internal paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from staycertified.audits.notify import NoticePorts
from staycertified.domain.model import Channel

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.audits.case import LoadedCase

REMINDER, PASSED, FAILED = "AUDIT_REMINDER", "AUDIT_PASSED", "AUDIT_FAILED"


@dataclass(frozen=True)
class Ports(NoticePorts):
    today: date | None = None  # the notice's date: the case's decision day, the sweep's day
    run_id: str = "audit-case"


def context(loaded: LoadedCase, ports: Ports) -> dict[str, Any]:
    """The values the audit templates read (notify/templates/audit_*)."""
    member, case, review = loaded.record.member, loaded.case, loaded.review
    certification_type = loaded.certification.certification.type
    return {
        "first_name": member.first_name,
        "certification_name": ports.policy.certification_type(certification_type).name,
        "certificate_number": case.certificate_number,
        "case_id": case.case_id,
        "audit_year": case.audit_year,
        "cycle_start": case.cycle_start.isoformat(),
        "cycle_end": case.cycle_end.isoformat(),
        "respond_by": case.deadline.isoformat(),
        "items_missing": len(review.missing_proof),
        "points_required": f"{review.points_required.normalize():f}",
        "points_verified": f"{review.points_verified.normalize():f}",
        "outcome_reason": case.outcome_reason or "the verified points fall short",
    }


def _send(kind: str, loaded: LoadedCase, ports: Ports) -> dict[str, str]:
    from staycertified.notify.outbox import Notice, Outbox

    member, case = loaded.record.member, loaded.case
    day = _day(ports).isoformat()
    transports = {Channel.EMAIL: ports.send_email, Channel.MAIL: ports.post_letter}
    with Outbox(
        ports.table,
        claimant=f"{ports.run_id}#{case.case_id}",
        run_id=ports.run_id,
        sent_on=day,
        transports=transports,
    ) as outbox:
        deliveries = outbox.send(
            Notice(
                kind=kind,
                member=member,
                certificate_number=case.certificate_number,
                period=f"{case.audit_year:04d}",
                context=context(loaded, ports),
                letter_key=f"{kind.lower()}/{case.audit_year:04d}/{case.certificate_number}",
                letter_date=day,
            )
        )
    return {d.channel.value: d.outcome for d in deliveries}


def _day(ports: Ports) -> date:
    if ports.today is None:
        raise ValueError("a notice needs its date")
    return ports.today


def send_reminder(loaded: LoadedCase, ports: Ports) -> dict[str, str]:
    return _send(REMINDER, loaded, ports)


def send_outcome(loaded: LoadedCase, ports: Ports) -> dict[str, str]:
    kind = PASSED if loaded.case.status.value == "PASSED" else FAILED
    return _send(kind, loaded, ports)


def recertification_required(loaded: LoadedCase, ports: Ports) -> dict[str, Any]:
    """What a failed case sets off after its notice, for the execution's output. Nothing
    is done here: R22.3 and the domain events (AuditFailed, RecertificationRequired) are
    recorded with the failure itself (`audits.review.apply_outcome`), and
    `store.cycles.record_recertification_required` marks the certification's R42 work
    due (sparse GSI3 NOTICEDUE#RECERTIFICATION_REQUIRED) in that same step; the next
    daily sweep (`lifecycle.sweep`, step 4) voids its open renewal invoices and sends
    the recertification-required notice by email and mail
    (tests/integration/test_audit_failure_voids_invoices.py)."""
    return {"recertificationRequired": loaded.case.certificate_number}

"""The audit notice to one selected member (R26), each channel exactly once (R5).

Input: one item of `audits/<year>/selected.json`. The member record is read in
one Query (it carries the audit cases); the notice goes by email **and** postal
mail, through the one notice pipeline (`notify.outbox`: catalogue kind
`AUDIT_NOTICE`, templates `notify/templates/audit_notice/`, ledger claim,
send, mark per message; period = the audit year), so a retried
item, a second run of the year or a replay sends nothing twice. No email or no
address: the other channel still goes, and the ledger records the channel as
`UNDELIVERABLE` with its flag (R4's rule, applied to every notice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from staycertified.domain.model import Channel
from staycertified.notify.outbox import Notice, Outbox
from staycertified.store.members import load_member

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.model import AuditCase, Member
    from staycertified.policy.model import Policy
    from staycertified.store.members import CertificationRecord


KIND = "AUDIT_NOTICE"


class AuditItem(BaseModel):
    """One selected certification (an item of selected.json)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    run_id: str = Field(alias="runId")
    as_of: date = Field(alias="asOf")
    audit_year: int = Field(alias="auditYear")
    member_id: str = Field(alias="memberId")
    certificate_number: str = Field(alias="certificateNumber")
    case_id: str = Field(alias="caseId")


@dataclass(frozen=True)
class Ports:
    table: Any
    send_email: Callable[..., str]
    post_letter: Callable[..., str]
    policy: Policy
    s3: Any = None  # with mail_bucket: the case's letter row for the run's manifest
    mail_bucket: str = ""


def notify_case(item: AuditItem, ports: Ports) -> dict[str, Any]:
    """Sends the case's notice on each channel once; counts only in the answer."""
    result: dict[str, Any] = {
        "caseId": item.case_id,
        "certificateNumber": item.certificate_number,
        "outcomes": {},
        "flags": [],
    }
    record = load_member(ports.table, item.member_id)
    cert = record.certification(item.certificate_number) if record else None
    case = next((c for c in cert.audit_cases if c.case_id == item.case_id), None) if cert else None
    if record is None or cert is None or case is None:
        result["skipped"] = "CASE_NOT_FOUND"
        return result
    if not case.is_open:
        result["skipped"] = "CASE_CLOSED"
        return result
    notice = Notice(
        kind=KIND,
        member=record.member,
        certificate_number=case.certificate_number,
        period=f"{case.audit_year:04d}",
        context=content_for(record.member, cert, case, item.as_of, ports.policy),
        letter_key=letter_key(case),
        letter_date=item.as_of.isoformat(),
    )
    transports = {Channel.EMAIL: ports.send_email, Channel.MAIL: ports.post_letter}
    claimant = f"{item.run_id}#{item.case_id}"
    with Outbox(
        ports.table,
        claimant=claimant,
        run_id=item.run_id,
        sent_on=item.as_of.isoformat(),
        transports=transports,
    ) as outbox:
        for delivery in outbox.send(notice):
            result["outcomes"][delivery.channel.value] = delivery.outcome
            result["flags"].extend(delivery.notes)
    if outbox.letters and ports.s3 is not None and ports.mail_bucket:
        from staycertified.notify.manifest import put_letter_row

        [row] = outbox.letters
        put_letter_row(ports.s3, ports.mail_bucket, item.run_id, item.case_id, row)
    return result


def content_for(
    member: Member, cert: CertificationRecord, case: AuditCase, today: date, policy: Policy
) -> dict[str, Any]:
    """The audit notice's template values (`notify/templates/audit_notice/`)."""
    cycle = next((c for c in cert.cycles if c.start == case.cycle_start), None)
    required = (
        cycle.points_required
        if cycle is not None
        else policy.certification_type(cert.certification.type).points_per_cycle.at(
            case.cycle_start
        )
    )
    return {
        "first_name": member.first_name,
        "certification_name": policy.certification_type(cert.certification.type).name,
        "certificate_number": case.certificate_number,
        "case_id": case.case_id,
        "audit_year": case.audit_year,
        "cycle_start": case.cycle_start.isoformat(),
        "cycle_end": case.cycle_end.isoformat(),
        "points_required": f"{required.normalize():f}",
        "respond_by": case.respond_by.isoformat(),
        "reminder_on": case.reminder_on.isoformat(),
    }


def letter_key(case: AuditCase) -> str:
    """One letter per case: writing it again replaces the same object."""
    return f"audit/{case.audit_year:04d}/{case.certificate_number}"

"""The audit notice to one selected member (R26), each channel exactly once (R5).

Input: one item of `audits/<year>/selected.json`. The member record is read in
one Query (it carries the audit cases); the notice goes by email **and** postal
mail, each claimed in the notice ledger first (`store.notices`: claim PENDING,
send, mark SENT; period = the audit year, step `AUDIT_NOTICE`), so a retried
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

from staycertified.audits import notice
from staycertified.domain import notices
from staycertified.domain.model import Channel
from staycertified.store import notices as ledger
from staycertified.store.members import load_member

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.model import AuditCase, Member
    from staycertified.policy.model import Policy
    from staycertified.store.members import CertificationRecord


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
    for delivery in notices.deliveries(record.member, (Channel.EMAIL, Channel.MAIL)):
        outcome, flags = _send_once(item, record.member, cert, case, delivery, ports)
        result["outcomes"][delivery.channel.value] = outcome
        result["flags"].extend(flags)
    return result


def _send_once(
    item: AuditItem,
    member: Member,
    cert: CertificationRecord,
    case: AuditCase,
    delivery: notices.ChannelDelivery,
    ports: Ports,
) -> tuple[str, list[str]]:
    entry = ledger.LedgerEntry(
        member_id=member.member_id,
        certificate_number=case.certificate_number,
        period=f"{case.audit_year:04d}",
        step=notice.STEP,
        channel=delivery.channel.value,
        sent_on=item.as_of.isoformat(),
        run_id=item.run_id,
        flags=[delivery.note] if delivery.note else [],
    )
    return ledger.send_once(
        ports.table,
        entry,
        deliverable=delivery.deliver,
        deliver=lambda: _deliver(item, member, cert, case, delivery.channel, ports),
    )


def content_for(
    member: Member, cert: CertificationRecord, case: AuditCase, today: date, policy: Policy
) -> notice.AuditNoticeContent:
    cycle = next((c for c in cert.cycles if c.start == case.cycle_start), None)
    required = (
        cycle.points_required
        if cycle is not None
        else policy.certification_type(cert.certification.type).points_per_cycle.at(
            case.cycle_start
        )
    )
    return notice.AuditNoticeContent(
        first_name=member.first_name,
        member_id=member.member_id,
        certification_name=policy.certification_type(cert.certification.type).name,
        certificate_number=case.certificate_number,
        case_id=case.case_id,
        audit_year=case.audit_year,
        cycle_start=case.cycle_start.isoformat(),
        cycle_end=case.cycle_end.isoformat(),
        points_required=required,
        respond_by=case.respond_by.isoformat(),
        reminder_on=case.reminder_on.isoformat(),
        letter_date=today.isoformat(),
    )


def letter_key(case: AuditCase) -> str:
    """One letter per case: writing it again replaces the same object."""
    return f"audit/{case.audit_year:04d}/{case.certificate_number}"


def _deliver(
    item: AuditItem,
    member: Member,
    cert: CertificationRecord,
    case: AuditCase,
    channel: Channel,
    ports: Ports,
) -> dict[str, Any]:
    content = content_for(member, cert, case, item.as_of, ports.policy)
    if channel == Channel.EMAIL:
        subject, text, markup = notice.email_parts(content)
        assert member.email is not None
        message_id = ports.send_email(
            to=member.email, subject=subject, text=text, html=markup, kind=notice.KIND
        )
        return {"message_id": message_id}
    assert member.address is not None
    lines = member.address.lines(member.full_name)
    pdf, pages = notice.render_pdf(content, lines)
    key = ports.post_letter(address_lines=lines, kind=notice.KIND, pdf=pdf, key=letter_key(case))
    return {"letter_key": key, "pages": pages}

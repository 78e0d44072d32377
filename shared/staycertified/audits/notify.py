"""The audit notice to one selected member (R26), each channel exactly once (R5).

Input: one item of `audits/<year>/selected.json`. The member record is read in
one Query (it carries the audit cases); the notice goes by email **and** postal
mail, through the one notice pipeline (`notify.outbox`: catalogue kind
`AUDIT_NOTICE`, templates `notify/templates/audit_notice/`, ledger claim,
send, mark per message; period = the audit year), so a retried
item, a second run of the year or a replay sends nothing twice. No email or no
address: the other channel still goes, and the ledger records the channel as
`UNDELIVERABLE` with its flag (R4's rule, applied to every notice).

Payload bounded by design (STYLE 14): what the case's notice did (outcome per
channel, flags, its letter's manifest row) goes to the case's part in the mail
bucket (`runs/<runId>/cases/<caseId>.json`); the Map iteration returns only
`CaseOutcome` (counts and the part's key), and the summary reads the parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from staycertified.domain.model import Channel
from staycertified.notify.manifest import ManifestRow
from staycertified.notify.outbox import Notice, Outbox
from staycertified.store.members import load_member

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.model import AuditCase, Member
    from staycertified.domain.policy import Policy
    from staycertified.store.members import CertificationRecord


KIND = "AUDIT_NOTICE"


class AuditItem(BaseModel):
    """One selected certification (an item of selected.json)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)

    run_id: str = Field(alias="runId")
    as_of: date = Field(alias="asOf")
    audit_year: int = Field(alias="auditYear")
    member_id: str = Field(alias="memberId")
    certificate_number: str = Field(alias="certificateNumber")
    case_id: str = Field(alias="caseId")


@dataclass(frozen=True)
class NoticePorts:
    """What an audit notice step is handed: the table, the two transports, the policy
    (the audit notice here; reminders and outcomes in `audits.outcome_notices`)."""

    table: Any
    send_email: Callable[..., str]
    post_letter: Callable[..., str]
    policy: Policy


@dataclass(frozen=True)
class Ports(NoticePorts):
    s3: Any = None  # with mail_bucket: the case's part (outcomes, letter row for the manifest)
    mail_bucket: str = ""


def case_part_key(run_id: str, case_id: str) -> str:
    """Where one case's notice result lives for the run's summary."""
    return f"runs/{run_id}/cases/{case_id}.json"


class CasePart(BaseModel):
    """What one case's notice did, in the mail bucket (the summary's source)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", defer_build=True)

    case_id: str = Field(alias="caseId")
    outcomes: dict[str, str] = Field(default_factory=dict)  # channel -> outcome
    flags: list[str] = Field(default_factory=list)
    skipped: str | None = None
    letter: ManifestRow | None = None


class CaseOutcome(BaseModel):
    """The Map iteration's whole result: counts and the part's key, never the data."""

    model_config = ConfigDict(populate_by_name=True, defer_build=True)

    sent: int
    not_sent: int = Field(alias="notSent")  # channels ALREADY_SENT, UNDELIVERABLE, ...
    skipped: int
    part_key: str | None = Field(default=None, alias="partKey")

    @classmethod
    def of(cls, result: dict[str, Any]) -> CaseOutcome:
        outcomes = list(result["outcomes"].values())
        sent = sum(1 for outcome in outcomes if outcome == "SENT")
        return cls(
            sent=sent,
            not_sent=len(outcomes) - sent,
            skipped=int(bool(result.get("skipped"))),
            part_key=result.get("partKey"),
        )


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
        return _with_part(item, result, None, ports)
    if not case.is_open:
        result["skipped"] = "CASE_CLOSED"
        return _with_part(item, result, None, ports)
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
    return _with_part(item, result, outbox.letters[0] if outbox.letters else None, ports)


def _with_part(
    item: AuditItem, result: dict[str, Any], letter: ManifestRow | None, ports: Ports
) -> dict[str, Any]:
    """Writes the case's part (when the ports have the mail bucket); its key in the result."""
    if ports.s3 is None or not ports.mail_bucket:
        return result
    part = CasePart(
        case_id=item.case_id,
        outcomes=result["outcomes"],
        flags=result["flags"],
        skipped=result.get("skipped"),
        letter=letter,
    )
    key = case_part_key(item.run_id, item.case_id)
    ports.s3.put_object(
        Bucket=ports.mail_bucket,
        Key=key,
        Body=part.model_dump_json(by_alias=True).encode(),
        ContentType="application/json",
    )
    result["partKey"] = key
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

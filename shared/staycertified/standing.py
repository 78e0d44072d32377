"""A certification's standing, as the member, staff, the dashboard and an employer ask
for it (R20-R24, R37, R38).

`certification_standing` is the domain's decision for one certification on a day
(`domain.standing.evaluate_standing`) with what the status answer shows beside it:
whether the current cycle is compliant today and the audit case shown (R37: the open
one, else this year's decided one). `member_standing` reads the member's record in
one Query (R37). `verify` is the public verification (R38): an unknown number and a
wrong last name are refused alike (`refusals.Unknown`), and only the public value
leaves (`domain.standing.PublicVerification`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from staycertified.refusals import Unknown

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.model import AuditCase
    from staycertified.domain.policy import Policy
    from staycertified.domain.standing import PublicVerification, StandingDecision
    from staycertified.store.members import CertificationRecord, MemberRecord


@dataclass(frozen=True)
class CertificationStanding:
    certification: CertificationRecord
    decision: StandingDecision
    compliant: bool  # the current cycle, on the day asked (R16)
    audit: AuditCase | None  # the case the status shows (R37)


def shown_audit(cert: CertificationRecord, today: date) -> AuditCase | None:
    """R37: the open case, else this year's decided one (its outcome)."""
    open_case = cert.open_audit_case
    if open_case is not None:
        return open_case
    this_year = [c for c in cert.audit_cases if c.audit_year == today.year]
    return max(this_year, key=lambda c: c.opened_on, default=None)


def certification_standing(
    cert: CertificationRecord, today: date, policy: Policy
) -> CertificationStanding:
    from staycertified.domain import recording
    from staycertified.domain.standing import evaluate_standing

    decision = evaluate_standing(cert, today, policy)
    compliant = recording.cycle_compliance_on(cert, decision.current_cycle, today, policy)
    return CertificationStanding(cert, decision, compliant.compliant, shown_audit(cert, today))


def member_standing(
    table: Table, member_id: str, today: date, policy: Policy
) -> tuple[MemberRecord, list[CertificationStanding]]:
    """R37 in exactly one DynamoDB Query (the member's partition)."""
    from staycertified import members

    record = members.member_record(table, member_id)
    return record, [certification_standing(c, today, policy) for c in record.certifications]


def verify(
    table: Table, certificate_number: str, last_name: str, today: date, policy: Policy
) -> PublicVerification:
    """R38: only name, type, Active / Not active, original date, valid-through."""
    from staycertified.domain.standing import evaluate_standing, public_verification
    from staycertified.store import members as member_store

    found = member_store.find_certification(table, certificate_number)
    if found is None or found[1].strip().casefold() != last_name.strip().casefold():
        raise Unknown("certification")
    record = member_store.load_member(table, found[0].member_id)
    cert = record.certification(found[0].certificate_number) if record else None
    if record is None or cert is None:
        raise Unknown("certification")
    decision = evaluate_standing(cert, today, policy)
    public = public_verification(
        certificate_number, last_name, (record.member, cert.certification, decision)
    )
    if public is None:
        raise Unknown("certification")
    return public

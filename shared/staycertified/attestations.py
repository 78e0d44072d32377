"""Filing a CCP attestation (R18, R21), whoever files it.

An attestation is for the certification's current cycle, or (R21) for the ended
non-compliant cycle of a LAPSED certification, which it cures; it claims every point
the cycle requires and is filed once per cycle (a conditional Put). A cure rolls the
cycle over now (`staycertified.recording`, R16).

Returns the domain's `Attestation` and its `Cycle`; refuses with the domain's
`RuleViolations` (every broken rule at once) or `refusals.Refused`
(`ATTESTATION_ALREADY_FILED`, an unknown member or certification).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from staycertified import members
from staycertified import recording as credit
from staycertified.domain.errors import DomainError
from staycertified.refusals import ATTESTATION_ALREADY_FILED, Refused

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.model import Attestation, Cycle
    from staycertified.domain.policy import Policy
    from staycertified.store.members import CertificationRecord


@dataclass(frozen=True)
class Claim:
    """What the member signs: points by category name (R10), affirmed true and complete."""

    points_by_category: Mapping[str, Decimal]
    signed_by: str
    affirmed: bool


def attest(
    cert: CertificationRecord, claim: Claim, today: date, policy: Policy
) -> tuple[Attestation, Cycle]:
    """R18: the attestation the member signs today and the cycle it is for, checked by
    the domain (R10 categories, R18 affirmed, within the cycle, every point claimed)."""
    from staycertified.domain import compliance, recording
    from staycertified.domain.errors import RuleViolations
    from staycertified.domain.model import Attestation, Category

    cycle, cures = recording.attestation_cycle(cert, today, policy)
    found: list[DomainError] = []
    points: dict[Category, Decimal] = {}
    for name, value in claim.points_by_category.items():
        try:
            points[Category(name)] = value
        except ValueError:
            found.append(DomainError("INVALID_CATEGORY", f"{name!r} is not a CCP category", "R10"))
    if not claim.affirmed:
        found.append(
            DomainError("ATTESTATION_NOT_AFFIRMED", "the member must affirm the attestation", "R18")
        )
    if found:
        raise RuleViolations(found)
    attestation = Attestation(
        certificate_number=cert.certification.certificate_number,
        cycle_start=cycle.start,
        points_by_category=points,
        signed_by=claim.signed_by,
        signed_on=today,
        cures=cures,
    )
    compliance.check_attestation(attestation, cycle, today)
    shortfall = recording.attestation_shortfall(attestation, cycle)
    if shortfall is not None:
        raise shortfall
    return attestation, cycle


def file_attestation(
    table: Table,
    member_id: str,
    certificate_number: str | None,
    claim: Claim,
    today: date,
    policy: Policy,
) -> tuple[Attestation, Cycle]:
    """The attestation filed once for its cycle; a cure rolls the cycle over (R21, R16)."""
    from staycertified.store import attestations as attestation_store

    record = members.member_record(table, member_id)
    cert = members.certification_named(record, certificate_number)
    attestation, cycle = attest(cert, claim, today, policy)
    if not attestation_store.put_attestation(table, member_id, attestation):
        raise Refused(
            ATTESTATION_ALREADY_FILED,
            "An attestation was already filed for this cycle.",
            [DomainError(ATTESTATION_ALREADY_FILED, "one per cycle", "R18")],
        )
    if attestation.cures:  # R21: the ended cycle made compliant rolls over now (R16)
        updated = cert.model_copy(update={"attestations": (*cert.attestations, attestation)})
        credit.roll_over_if_cured(table, member_id, updated, cycle, today, policy)
    return attestation, cycle

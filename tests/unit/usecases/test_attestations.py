"""attestations.file_attestation called directly (R18, issue 8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from staycertified import attestations
from staycertified.domain.errors import DomainError
from staycertified.refusals import ATTESTATION_ALREADY_FILED, Refused

from .conftest import TODAY


def claim(**points: str) -> attestations.Claim:
    given = points or {"PROFESSIONAL_EDUCATION": "20", "EMPLOYMENT": "10"}
    return attestations.Claim(
        {name: Decimal(value) for name, value in given.items()}, "Ada O'Neil", affirmed=True
    )


def test_r18_an_attestation_is_filed_for_the_current_cycle(
    member: str, table: Any, policy: Any
) -> None:
    attestation, cycle = attestations.file_attestation(table, member, None, claim(), TODAY, policy)
    assert (cycle.start, cycle.end) == (date(2024, 3, 15), date(2027, 3, 14))
    assert attestation.cycle_start == cycle.start
    assert attestation.total_points == Decimal(30)
    assert attestation.signed_on == TODAY
    assert attestation.cures is False


def test_r18_one_point_short_is_refused_attestation_points_short(
    member: str, table: Any, policy: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        attestations.file_attestation(
            table, member, None, claim(PROFESSIONAL_EDUCATION="29"), TODAY, policy
        )
    assert (refused.value.code, refused.value.rule) == ("ATTESTATION_POINTS_SHORT", "R18")
    attestation, _ = attestations.file_attestation(table, member, None, claim(), TODAY, policy)
    assert attestation.total_points == Decimal(30)  # nothing was written by the refusal


def test_r18_a_second_attestation_for_the_cycle_is_refused(
    member: str, table: Any, policy: Any
) -> None:
    attestations.file_attestation(table, member, None, claim(), TODAY, policy)
    with pytest.raises(Refused) as refused:
        attestations.file_attestation(table, member, None, claim(), TODAY, policy)
    assert refused.value.code == ATTESTATION_ALREADY_FILED

"""standing.member_standing (R37) and standing.verify (R38) called directly (issue 8)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from staycertified import standing
from staycertified.domain.model import Standing
from staycertified.refusals import NOT_FOUND, Refused

from .conftest import TODAY


def test_r37_a_members_standing_per_certification(member: str, table: Any, policy: Any) -> None:
    record, standings = standing.member_standing(table, member, TODAY, policy)
    assert record.member.member_id == "M1"
    assert [s.decision.certificate_number for s in standings] == ["RMA-M1"]
    (only,) = standings
    assert only.decision.status == Standing.ACTIVE
    assert only.compliant is False  # 12 of 30 points in the cycle to 2027-03-14
    assert only.audit is None


def test_r37_an_unknown_member_has_no_standing(member: str, table: Any, policy: Any) -> None:
    with pytest.raises(Refused) as refused:
        standing.member_standing(table, "M404", TODAY, policy)
    assert refused.value.code == NOT_FOUND


def test_r38_verification_returns_only_the_public_fields(
    member: str, table: Any, policy: Any
) -> None:
    public = standing.verify(table, "RMA-M1", "  o'neil ", TODAY, policy)
    assert public.model_dump() == {
        "name": "Ada O'Neil",
        "certification_type": "RMA",
        "status": "Active",
        "original_certification_date": date(2024, 3, 15),
        "valid_through": public.valid_through,
    }
    assert public.valid_through is not None


@pytest.mark.parametrize(("number", "last_name"), [("RMA-NOPE", "O'Neil"), ("RMA-M1", "Smith")])
def test_r38_an_unknown_certificate_or_wrong_name_is_refused_alike(
    member: str, table: Any, policy: Any, number: str, last_name: str
) -> None:
    with pytest.raises(Refused) as refused:
        standing.verify(table, number, last_name, TODAY, policy)
    assert (refused.value.code, refused.value.message) == (NOT_FOUND, "No such certification.")

"""Finding 7 (R37): identity claims are parsed exactly, never trimmed or taken apart."""

from __future__ import annotations

from typing import Any

import pytest

from staycertified.api.auth import caller_from_event

from .support import http_event
from .test_status_api import TODAY


def caller(claims: dict[str, Any]) -> Any:
    return caller_from_event(http_event("GET", "/x", today=TODAY, claims=claims))


@pytest.mark.parametrize(
    "groups",
    [
        "[x,staff]",
        '["staff"]',
        '"staff"',
        "[ staff]",
        "[staff ]",
        "staff",
        "[Staff]",
        "[staff\t]",
        ["x,staff"],
        [" staff"],
        ['"staff"'],
        "[[staff]]",
        "[staff  other]",
    ],
)
def test_r37_only_the_exact_staff_group_is_staff(groups: Any) -> None:
    assert caller({"cognito:groups": groups}).is_staff is False


@pytest.mark.parametrize("groups", ["[staff]", "[readers staff]", ["staff"], ["readers", "staff"]])
def test_r37_the_staff_group_as_issued_is_staff(groups: Any) -> None:
    assert caller({"cognito:groups": groups}).is_staff is True


@pytest.mark.parametrize("member_id", [" MB ", "MB ", " MB", "MB\n", "M B", "", "M1,M2", 7, ["MB"]])
def test_r37_a_member_id_claim_is_taken_as_issued_or_not_at_all(member_id: Any) -> None:
    found = caller({"custom:member_id": member_id})
    assert found.member_id is None
    assert not found.may_read("MB")


def test_r37_a_well_formed_member_id_is_the_caller() -> None:
    assert caller({"custom:member_id": "MB"}).member_id == "MB"

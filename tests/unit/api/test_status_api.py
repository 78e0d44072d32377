"""GET /members/{id}/status (R37): shape, one Query, and who may read it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from .support import answer, function_module, http_event, load_rows, member_row

TODAY = date(2026, 1, 20)
api = function_module("api")


def get(table: Any, path: str, **kwargs: Any) -> tuple[int, Any]:
    kwargs.setdefault("today", TODAY)
    return answer(api.handle(http_event("GET", path, **kwargs), None, table=table))


@pytest.fixture
def members(table: Any) -> None:
    load_rows(table, [member_row("M1"), member_row("M2", last_name="Hopper")], TODAY)


def test_status_has_the_r37_shape(table: Any, members: None) -> None:
    status, body = get(table, "/members/M1/status", member="M1")
    assert status == 200, body
    assert body["memberId"] == "M1"
    [cert] = body["certifications"]
    assert cert["certificateNumber"] == "RMA-M1"
    assert cert["type"] == "RMA"
    assert cert["status"] == "ACTIVE"
    assert cert["ccp"] == "MANDATORY"
    assert all({"rule", "code", "message", "since"} <= set(r) for r in cert["reasons"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cert["paidThrough"])
    assert re.fullmatch(r"\d+\.\d{2}", cert["nextInvoice"]["amount"])
    assert cert["nextInvoice"]["currency"] == "USD"
    cycle = cert["cycle"]
    assert (cycle["start"], cycle["end"]) == ("2024-03-15", "2027-03-14")
    assert cycle["pointsRequired"] == 30
    assert cycle["pointsOutstanding"] == 30
    assert cycle["daysLeft"] == (date(2027, 3, 14) - TODAY).days
    assert cycle["compliant"] is False
    assert cert["audit"] is None
    assert cert["recertification"] is None
    assert "RECORD_POINTS" in [a["action"] for a in cert["nextActions"]]


def test_status_costs_exactly_one_dynamodb_query(
    table: Any, members: None, dynamodb_calls: Any
) -> None:
    status, _ = get(table, "/members/M1/status", member="M1")
    assert status == 200
    assert dynamodb_calls.calls == ["Query"]


def test_another_members_status_answers_exactly_like_an_unknown_one(
    table: Any, members: None
) -> None:
    theirs = get(table, "/members/M2/status", member="M1")
    unknown = get(table, "/members/NOPE/status", member="M1")
    assert theirs[0] == 404
    assert theirs == unknown


def test_staff_read_any_member(table: Any, members: None) -> None:
    status, body = get(table, "/members/M2/status", staff=True)
    assert status == 200
    assert body["memberId"] == "M2"


@pytest.mark.parametrize("groups", ["[staff]", ["staff"], "[readers staff]", ["readers", "staff"]])
def test_staff_group_claim_as_list_or_flattened_string(
    table: Any, members: None, groups: Any
) -> None:
    status, _ = get(table, "/members/M2/status", claims={"cognito:groups": groups})
    assert status == 200


def test_no_claims_is_401(table: Any, members: None) -> None:
    status, body = get(table, "/members/M1/status")
    assert status == 401
    assert body["code"] == "UNAUTHORIZED"


def test_a_group_that_only_contains_the_word_staff_is_not_staff(table: Any, members: None) -> None:
    status, _ = get(
        table,
        "/members/M2/status",
        claims={"cognito:groups": "[staffing]", "custom:member_id": "M1"},
    )
    assert status == 404


def test_an_unpaid_fee_lapses_with_a_pay_action_r21(table: Any) -> None:
    # paid_through 2024-05-31 = the 2023 fee paid; the 2024 fee (due 2024-05-31) is not.
    row = member_row("M3", certified_on="2022-05-17", paid_through="2024-05-31")
    load_rows(table, [row], TODAY)
    _, body = get(table, "/members/M3/status", member="M3")
    cert = body["certifications"][0]
    assert cert["status"] == "LAPSED"
    assert {"rule": "R21", "since": "2024-05-31"}.items() <= cert["reasons"][0].items()
    pays = [a for a in cert["nextActions"] if a["action"] == "PAY_INVOICE"]
    assert pays[0]["invoiceId"] == "INV-RMA-M3-2024"

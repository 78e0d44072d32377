"""POST /members/{id}/attestations (R18)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .support import answer, function_module, http_event, load_rows, member_row

TODAY = date(2026, 1, 20)
api = function_module("api")


def call(table: Any, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("member", "M1")
    return answer(api.handle(http_event(method, path, **kwargs), None, table=table))


def attestation(**overrides: Any) -> dict[str, Any]:
    body = {
        "pointsByCategory": {"PROFESSIONAL_EDUCATION": 20, "EMPLOYMENT": 10},
        "signedBy": "Ada Lovelace",
        "affirmed": True,
    }
    body.update(overrides)
    return body


@pytest.fixture(autouse=True)
def member(table: Any) -> None:
    load_rows(table, [member_row("M1")], TODAY)


def test_an_attestation_makes_the_cycle_compliant_r18(table: Any) -> None:
    status, body = call(table, "POST", "/members/M1/attestations", body=attestation())
    assert status == 201, body
    assert body["pointsClaimed"] == 30
    assert body["cycleEnd"] == "2027-03-14"
    _, status_body = call(table, "GET", "/members/M1/status")
    assert status_body["certifications"][0]["cycle"]["compliant"] is True


def test_an_attestation_short_of_the_requirement_is_refused(table: Any) -> None:
    status, body = call(
        table,
        "POST",
        "/members/M1/attestations",
        body=attestation(pointsByCategory={"PROFESSIONAL_EDUCATION": 5}),
    )
    assert status == 422
    assert [e["code"] for e in body["errors"]] == ["ATTESTATION_POINTS_SHORT"]


def test_unknown_category_and_no_affirmation_are_both_listed(table: Any) -> None:
    status, body = call(
        table,
        "POST",
        "/members/M1/attestations",
        body=attestation(pointsByCategory={"KNITTING": 30}, affirmed=False),
    )
    assert status == 422
    assert {e["code"] for e in body["errors"]} == {"INVALID_CATEGORY", "ATTESTATION_NOT_AFFIRMED"}


def test_one_attestation_per_cycle(table: Any) -> None:
    assert call(table, "POST", "/members/M1/attestations", body=attestation())[0] == 201
    status, body = call(table, "POST", "/members/M1/attestations", body=attestation())
    assert status == 409
    assert body["code"] == "ATTESTATION_ALREADY_FILED"


def test_r18_the_status_shows_an_attested_cycle_as_such(table: Any) -> None:
    """R18: points attested beside points recorded; nothing outstanding, no 'record N
    points' action once attested."""
    assert call(table, "POST", "/members/M1/attestations", body=attestation())[0] == 201
    _, body = call(table, "GET", "/members/M1/status")
    cert = body["certifications"][0]
    cycle = cert["cycle"]
    assert (cycle["pointsAttested"], cycle["pointsCounted"], cycle["pointsOutstanding"]) == (
        30,
        0,
        0,
    )
    assert cycle["compliant"] is True
    assert "RECORD_POINTS" not in [a["action"] for a in cert["nextActions"]]


def test_r18_a_lapsed_member_attests_the_ended_non_compliant_cycle_to_cure_it(
    table: Any,
) -> None:
    """R18/R21: the cycle 2023-01-10..2026-01-09 ended 20 points short: LAPSED; an
    attestation filed after its end is for that cycle and cures the lapse."""
    load_rows(
        table, [member_row("M2", certified_on="2023-01-10", cycle_points="10")], date(2025, 12, 1)
    )
    before = call(table, "GET", "/members/M2/status", member="M2")[1]["certifications"][0]
    assert before["status"] == "LAPSED"
    [action] = [a for a in before["nextActions"] if a["rule"] == "R21"]
    assert "lapsed until then" in action["message"] and "last day" in action["message"]
    status, body = call(table, "POST", "/members/M2/attestations", body=attestation(), member="M2")
    assert status == 201, body
    assert (body["cycleStart"], body["cycleEnd"]) == ("2023-01-10", "2026-01-09")
    after = call(table, "GET", "/members/M2/status", member="M2")[1]["certifications"][0]
    assert after["status"] == "ACTIVE", after["reasons"]

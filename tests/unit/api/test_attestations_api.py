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

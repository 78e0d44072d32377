"""GET /verify/{certificateNumber}?lastName= (R38): public, minimal, no oracle."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .support import answer, function_module, http_event, load_rows, member_row

TODAY = date(2026, 1, 20)
verify = function_module("verify")


def ask(table: Any, certno: str, last_name: str | None) -> tuple[int, Any]:
    query = None if last_name is None else {"lastName": last_name}
    event = http_event("GET", f"/verify/{certno}", today=TODAY, query=query)
    return answer(verify.handle(event, None, table=table))


@pytest.fixture
def member(table: Any) -> None:
    load_rows(table, [member_row("M1", last_name="O'Neil", cycle_points="12")], TODAY)


def test_verification_returns_only_the_r38_fields(table: Any, member: None) -> None:
    status, body = ask(table, "RMA-M1", "O'Neil")
    assert status == 200, body
    assert set(body) == {"name", "type", "status", "originalCertificationDate", "validThrough"}
    assert body["name"] == "Ada O'Neil"
    assert body["type"] == "RMA"
    assert body["status"] == "Active"
    assert body["originalCertificationDate"] == "2024-03-15"


def test_last_name_compare_ignores_case_and_spaces(table: Any, member: None) -> None:
    assert ask(table, "RMA-M1", "  o'neil ")[0] == 200


def test_wrong_last_name_answers_exactly_like_an_unknown_number(table: Any, member: None) -> None:
    wrong = ask(table, "RMA-M1", "Smith")
    unknown = ask(table, "RMA-NOPE", "O'Neil")
    assert wrong[0] == 404
    assert wrong == unknown


def test_last_name_is_required(table: Any, member: None) -> None:
    status, body = ask(table, "RMA-M1", None)
    assert status == 400
    assert body["code"] == "VALIDATION_FAILED"


def test_a_lapsed_certification_is_not_active(table: Any) -> None:
    load_rows(
        table, [member_row("M3", certified_on="2022-05-17", paid_through="2024-05-31")], TODAY
    )
    status, body = ask(table, "RMA-M3", "Lovelace")
    assert status == 200
    assert body["status"] == "Not active"

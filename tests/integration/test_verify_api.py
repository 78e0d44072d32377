"""Public employer verification through the deployed template (R38)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from staycertified_sandbox import Sandbox

from .scenario_support import row


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 5)) as sandbox:
        sandbox.load_members(
            [
                row("CAROL", "2024-03-15", last_name="de la Cruz", cycle_points=12),
                row("DAN", "2022-05-17", last_name="Okafor", paid_through="2024-05-31"),
            ]
        )
        yield sandbox


def test_verification_answers_only_the_public_fields(sb: Sandbox) -> None:
    status, body = sb.api("GET", "/verify/RMA-CAROL", query={"lastName": "DE LA CRUZ"})
    assert status == 200
    assert body == {
        "name": "Zebulon de la Cruz",
        "type": "RMA",
        "status": "Active",
        "originalCertificationDate": "2024-03-15",
        "validThrough": body["validThrough"],
    }


def test_wrong_last_name_and_unknown_number_answer_the_same(sb: Sandbox) -> None:
    wrong = sb.api("GET", "/verify/RMA-CAROL", query={"lastName": "Cruz"})
    unknown = sb.api("GET", "/verify/RMA-NOBODY", query={"lastName": "de la Cruz"})
    assert wrong[0] == 404
    assert wrong == unknown


def test_lapsed_is_not_active(sb: Sandbox) -> None:
    status, body = sb.api("GET", "/verify/RMA-DAN", query={"lastName": "okafor"})
    assert (status, body["status"]) == (200, "Not active")


def test_verification_needs_no_token(sb: Sandbox) -> None:
    assert sb.api("GET", "/verify/RMA-CAROL", query={"lastName": "de la Cruz"})[0] == 200

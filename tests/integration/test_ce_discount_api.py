"""The CE discount check (R41) through the deployed template: the learning platform
asks, machine to machine (IAM), whether a person holds an ACTIVE certification and
gets `eligible` and nothing else; members, staff, anonymous callers and any other
IAM principal are refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from staycertified_sandbox import Sandbox

from .scenario_support import row

ACTIVE, LAPSED, TWO = "CEACTIVE", "CELAPSED", "CETWO"
ROUTE = "/benefits/ce-discount"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 5)) as sandbox:
        sandbox.load_members(
            [
                row(ACTIVE, "2024-03-15", cycle_points=12),
                row(LAPSED, "2022-05-17", paid_through="2024-05-31"),
                # one person, a lapsed and an active certification
                row(TWO, "2022-05-17", paid_through="2024-05-31", certificate_number="RMA-CETWO1"),
                row(TWO, "2024-03-15", certificate_number="RPT-CETWO2", certification_type="RPT"),
            ]
        )
        yield sandbox


def email(member_id: str) -> str:
    return row(member_id, "2024-01-01")["email"]


def ask(sb: Sandbox, **query: str) -> tuple[int, object]:
    return sb.api("GET", ROUTE, query=query, as_platform=True)


def test_r41_platform_is_told_eligible_for_an_active_certification_and_nothing_else(
    sb: Sandbox,
) -> None:
    assert ask(sb, email=email(ACTIVE)) == (200, {"eligible": True})
    assert ask(sb, certificateNumber=f"RMA-{ACTIVE}") == (200, {"eligible": True})


def test_r41_email_is_matched_whatever_its_case(sb: Sandbox) -> None:
    assert ask(sb, email=email(ACTIVE).upper()) == (200, {"eligible": True})


def test_r41_a_lapsed_certification_is_not_eligible(sb: Sandbox) -> None:
    assert ask(sb, email=email(LAPSED)) == (200, {"eligible": False})
    assert ask(sb, certificateNumber=f"RMA-{LAPSED}") == (200, {"eligible": False})


def test_r41_one_active_certification_of_the_person_is_enough(sb: Sandbox) -> None:
    assert ask(sb, email=email(TWO)) == (200, {"eligible": True})
    # asked by the number of the lapsed one: the person still holds an active one
    assert ask(sb, certificateNumber="RMA-CETWO1") == (200, {"eligible": True})


def test_r41_an_unknown_person_is_not_eligible_and_answers_like_one(sb: Sandbox) -> None:
    assert ask(sb, email="nobody@members.example.org") == (200, {"eligible": False})
    assert ask(sb, certificateNumber="RMA-NOBODY") == (200, {"eligible": False})


def test_r41_exactly_one_of_email_or_certificate_number(sb: Sandbox) -> None:
    neither = ask(sb)
    both = ask(sb, email=email(ACTIVE), certificateNumber=f"RMA-{ACTIVE}")
    assert neither[0] == both[0] == 400
    assert neither[1]["code"] == both[1]["code"] == "VALIDATION_FAILED"  # type: ignore[index]


@pytest.mark.parametrize(
    "caller",
    [{}, {"as_member": ACTIVE}, {"as_staff": "alice"}, {"as_member": ACTIVE, "as_staff": "bob"}],
    ids=["anonymous", "member", "staff", "member-and-staff"],
)
def test_r41_refuses_members_staff_and_anonymous_callers(
    sb: Sandbox, caller: dict[str, str]
) -> None:
    status, body = sb.api("GET", ROUTE, query={"email": email(ACTIVE)}, **caller)  # type: ignore[arg-type]
    assert (status, body) == (403, {"message": "Forbidden"})


def test_r41_refuses_a_genuine_member_or_staff_token(sb: Sandbox) -> None:
    for token in (sb.id_token(as_member=ACTIVE), sb.id_token(as_staff="carol")):
        answer = sb.api(
            "GET",
            ROUTE,
            query={"email": email(ACTIVE)},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer == (403, {"message": "Forbidden"})


def test_r41_refuses_an_iam_caller_that_is_not_the_platform(sb: Sandbox) -> None:
    other = "arn:aws:iam::123456789012:role/some-other-service"
    status, body = sb.api("GET", ROUTE, query={"email": email(ACTIVE)}, as_platform=other)
    assert status == 403
    assert body["code"] == "FORBIDDEN"  # type: ignore[index]
    assert "eligible" not in body  # type: ignore[operator]


def test_r41_the_platform_principal_is_the_template_parameter(sb: Sandbox) -> None:
    spec = sb.functions["CeDiscountFunction"]
    assert spec.environment["LEARNING_PLATFORM_PRINCIPAL"] == sb.platform_principal
    assert sb.platform_principal.startswith("arn:aws:iam::")

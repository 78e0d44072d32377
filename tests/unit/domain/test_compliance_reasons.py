"""R16, R18: a compliance decision explains itself: each reason names its rule, its
code and a message a member can read (domain.compliance.cycle_compliance)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from staycertified.domain.compliance import cycle_compliance
from staycertified.domain.invoicing import FeeYear
from staycertified.domain.model import Cycle
from staycertified.policy import Policy

from .builders import activity, attestation

CYCLE = Cycle(
    certificate_number="C-1",
    start=date(2019, 5, 17),
    end=date(2022, 5, 16),
    points_required=Decimal(30),
)
AS_OF = date(2022, 5, 16)


def fee(year: int, paid: bool) -> FeeYear:
    return FeeYear(
        membership_year=year, due_date=date(year, 5, 31), invoice_id=f"INV-{year}", paid=paid
    )


def reasons(policy: Policy, cycle: Cycle = CYCLE, **given: object) -> list[tuple[str, ...]]:
    decision = cycle_compliance(
        cycle,
        given.get("activities", ()),  # type: ignore[arg-type]
        given.get("attestations", ()),  # type: ignore[arg-type]
        given.get("fees", ()),  # type: ignore[arg-type]
        policy,
        AS_OF,
    )
    return [(r.rule, r.code, r.message) for r in decision.reasons]


def test_r16_points_reached_and_fees_paid_is_compliant(policy: Policy) -> None:
    found = reasons(policy, activities=[activity(date(2020, 1, 1), 30)], fees=[fee(2020, True)])
    assert found == [("R16", "COMPLIANT", "points reached and fees paid")]


def test_r16_points_short_says_how_many_are_outstanding(policy: Policy) -> None:
    found = reasons(policy, activities=[activity(date(2020, 1, 1), 12)])
    assert found == [("R16", "POINTS_SHORT", "12 of 30 points, 18 outstanding")]


def test_r16_every_unpaid_invoice_due_in_the_cycle_is_named(policy: Policy) -> None:
    found = reasons(
        policy,
        activities=[activity(date(2020, 1, 1), 30)],
        fees=[fee(2019, False), fee(2020, True), fee(2021, False), fee(2022, False)],  # 2022: after
    )
    assert found == [
        ("R16", "FEES_UNPAID_IN_CYCLE", "unpaid invoices due in the cycle: INV-2019, INV-2021")
    ]


def test_r18_an_attested_cycle_says_so(policy: Policy) -> None:
    found = reasons(policy, attestations=[attestation(CYCLE.start, date(2022, 5, 1))])
    assert found == [
        ("R18", "ATTESTED", "CCP attestation filed"),
        ("R16", "COMPLIANT", "points reached and fees paid"),
    ]


def test_r16_points_taken_as_met_from_imported_records_say_so(policy: Policy) -> None:
    settled = CYCLE.model_copy(update={"points_settled_on": date(2022, 5, 1)})
    found = reasons(policy, settled, fees=[fee(2021, False)])
    assert found == [
        (
            "R16",
            "POINTS_SETTLED_BEFORE_IMPORT",
            "points met before the member records were imported",
        ),
        ("R16", "FEES_UNPAID_IN_CYCLE", "unpaid invoices due in the cycle: INV-2021"),
    ]

"""R11 caps, R12, R16, R18: counted points, compliance, rollover, attestations."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from staycertified.domain.compliance import (
    check_attestation,
    cycle_compliance,
    decide_rollover,
    points_met_on,
    tally_points,
)
from staycertified.domain.errors import DomainError
from staycertified.domain.invoicing import fee_years
from staycertified.domain.model import Category, Cycle
from staycertified.policy import Policy, load_policy
from staycertified.policy.loader import BUNDLED_POLICY

from .builders import activity, attestation, cert, invoice

D = date
C = cert(D(2019, 5, 17))
CYCLE = Cycle(
    certificate_number="C-1", start=D(2019, 5, 17), end=D(2022, 5, 16), points_required=Decimal(30)
)


@pytest.mark.parametrize(
    ("completed_on", "counted"),
    [(D(2019, 5, 16), 0), (D(2019, 5, 17), 5), (D(2022, 5, 16), 5), (D(2022, 5, 17), 0)],
)
def test_r12_only_activities_dated_inside_the_cycle_count(
    policy: Policy, completed_on: date, counted: int
) -> None:
    assert tally_points(CYCLE, [activity(completed_on, 5)], policy).counted == counted


def test_r12_activities_of_another_certification_do_not_count(policy: Policy) -> None:
    assert tally_points(CYCLE, [activity(D(2020, 1, 1), 5, number="C-2")], policy).counted == 0


def test_r17_outstanding_never_below_zero(policy: Policy) -> None:
    tally = tally_points(CYCLE, [activity(D(2020, 1, 1), 50)], policy)
    assert (tally.counted, tally.outstanding) == (50, 0)
    assert tally_points(CYCLE, [activity(D(2020, 1, 1), 12)], policy).outstanding == 18


def test_r16_as_of_ignores_activities_recorded_later(policy: Policy) -> None:
    late = activity(D(2020, 1, 1), 5, recorded_on=D(2022, 1, 1))
    assert tally_points(CYCLE, [late], policy, D(2021, 12, 31)).counted == 0
    assert tally_points(CYCLE, [late], policy, D(2022, 1, 1)).counted == 5


def capped_policy(tmp_path) -> Policy:  # type: ignore[no-untyped-def]
    raw = json.loads(BUNDLED_POLICY.read_text())
    raw["ccp"]["categories"]["AUTHORSHIP"]["cap_per_cycle"].append(
        {"effective_from": "2019-01-01", "value": "10"}
    )
    path = tmp_path / "capped.json"
    path.write_text(json.dumps(raw))
    return load_policy(path)


def test_r11_points_above_the_category_cap_are_kept_but_flagged_capped(tmp_path) -> None:  # type: ignore[no-untyped-def]
    policy = capped_policy(tmp_path)
    items = [
        activity(D(2020, 1, 1), 6, category=Category.AUTHORSHIP, activity_id="a1"),
        activity(D(2020, 2, 1), 6, category=Category.AUTHORSHIP, activity_id="a2"),
        activity(D(2020, 3, 1), 6, category=Category.AUTHORSHIP, activity_id="a3"),
        activity(D(2020, 3, 1), 6, activity_id="p1"),
    ]
    tally = tally_points(CYCLE, items, policy)
    assert [(a.activity_id, a.counted, a.capped) for a in tally.activities] == [
        ("a1", 6, False),
        ("a2", 4, True),
        ("a3", 0, True),
        ("p1", 6, False),
    ]
    assert tally.by_category == {Category.AUTHORSHIP: 10, Category.PROFESSIONAL_EDUCATION: 6}
    assert tally.counted == 16
    assert sum(a.points for a in tally.activities) == 24


def fees(today: date, unpaid: set[int] = frozenset()) -> list:  # type: ignore[type-arg, assignment]
    invoices = [
        invoice(y, D(y, 5, 31), paid_at=None if y in unpaid else D(y, 5, 1))
        for y in range(2020, 2023)
    ]
    return fee_years(C, invoices, today)


def test_r16_compliant_needs_points_and_every_invoice_due_in_the_cycle_paid(policy: Policy) -> None:
    today = D(2022, 5, 17)
    ok = cycle_compliance(CYCLE, [activity(D(2020, 1, 1), 30)], [], fees(today), policy, today)
    assert ok.compliant and [r.code for r in ok.reasons] == ["COMPLIANT"]
    short = cycle_compliance(CYCLE, [activity(D(2020, 1, 1), 29)], [], fees(today), policy, today)
    assert not short.compliant and [r.code for r in short.reasons] == ["POINTS_SHORT"]
    unpaid = cycle_compliance(
        CYCLE, [activity(D(2020, 1, 1), 30)], [], fees(today, {2021}), policy, today
    )
    assert unpaid.unpaid_invoices == ("INV-C-1-2021",)
    assert not unpaid.compliant and [r.code for r in unpaid.reasons] == ["FEES_UNPAID_IN_CYCLE"]


def test_r16_invoice_due_after_the_cycle_end_does_not_count(policy: Policy) -> None:
    today = D(2022, 6, 1)  # the 2022 fee is due 2022-05-31, after the cycle end 2022-05-16
    decision = cycle_compliance(
        CYCLE, [activity(D(2020, 1, 1), 30)], [], fees(today, {2022}), policy, today
    )
    assert decision.compliant


def test_r18_attestation_counts_as_compliance_but_fees_still_needed(policy: Policy) -> None:
    today = D(2022, 5, 17)
    signed = [attestation(CYCLE.start, D(2022, 5, 16))]
    decision = cycle_compliance(CYCLE, [], signed, fees(today), policy, today)
    assert decision.compliant and decision.attested
    assert [r.code for r in decision.reasons] == ["ATTESTED", "COMPLIANT"]
    assert not cycle_compliance(CYCLE, [], signed, fees(today, {2020}), policy, today).compliant


@pytest.mark.parametrize(
    ("today", "signed_on", "code"),
    [
        (D(2022, 5, 16), D(2022, 5, 16), None),
        (D(2022, 5, 17), D(2022, 5, 16), "ATTESTATION_AFTER_CYCLE_END"),
        (D(2022, 5, 10), D(2022, 5, 17), "ATTESTATION_AFTER_CYCLE_END"),
        (D(2019, 5, 20), D(2019, 5, 16), "ATTESTATION_BEFORE_CYCLE_START"),
    ],
)
def test_r18_attestation_up_to_the_cycle_last_day(
    today: date, signed_on: date, code: str | None
) -> None:
    if code is None:
        check_attestation(attestation(CYCLE.start, signed_on), CYCLE, today)
        return
    with pytest.raises(DomainError) as caught:
        check_attestation(attestation(CYCLE.start, signed_on), CYCLE, today)
    assert (caught.value.code, caught.value.rule) == (code, "R18")


def test_r18_attestation_for_another_cycle_is_refused() -> None:
    with pytest.raises(DomainError):
        check_attestation(attestation(D(2016, 5, 17), D(2022, 1, 1)), CYCLE, D(2022, 1, 1))


def test_r16_points_met_on_is_the_day_the_requirement_was_reached(policy: Policy) -> None:
    items = [
        activity(D(2020, 1, 1), 20, recorded_on=D(2020, 1, 5), activity_id="x"),
        activity(D(2021, 1, 1), 10, recorded_on=D(2021, 2, 1), activity_id="y"),
    ]
    assert points_met_on(CYCLE, items, [], policy, D(2022, 1, 1)) == D(2021, 2, 1)
    assert points_met_on(CYCLE, items, [], policy, D(2021, 1, 31)) is None
    signed = [attestation(CYCLE.start, D(2020, 6, 1))]
    assert points_met_on(CYCLE, items, signed, policy, D(2022, 1, 1)) == D(2020, 6, 1)
    free = CYCLE.model_copy(update={"points_required": Decimal(0)})
    assert points_met_on(free, [], [], policy, D(2022, 1, 1)) == CYCLE.start


def test_r16_compliant_cycle_rolls_over_at_its_end(policy: Policy) -> None:
    decision = cycle_compliance(
        CYCLE, [activity(D(2020, 1, 1), 30)], [], fees(D(2022, 5, 17)), policy, D(2022, 5, 17)
    )
    assert decide_rollover(C, decision, D(2022, 5, 16), policy) is None
    rollover = decide_rollover(C, decision, D(2022, 5, 17), policy)
    assert rollover is not None
    assert rollover.advanced_on == D(2022, 5, 17)
    assert rollover.ended.advanced_on == D(2022, 5, 17)
    assert (rollover.next_cycle.start, rollover.next_cycle.end) == (D(2022, 5, 17), D(2025, 5, 16))
    assert rollover.next_cycle.points_required == 30
    assert "R16" in rollover.rules


def test_r16_non_compliant_or_already_advanced_cycle_does_not_roll_over(policy: Policy) -> None:
    today = D(2022, 5, 17)
    short = cycle_compliance(CYCLE, [], [], fees(today), policy, today)
    assert decide_rollover(C, short, today, policy) is None
    advanced = CYCLE.model_copy(update={"advanced_on": today})
    done = cycle_compliance(advanced, [activity(D(2020, 1, 1), 30)], [], fees(today), policy, today)
    assert decide_rollover(C, done, D(2022, 6, 1), policy) is None


def test_r16_points_settled_before_import_count_as_met_by_the_cycle_end(policy: Policy) -> None:
    settled = CYCLE.model_copy(update={"points_settled_on": D(2026, 1, 1)})

    assert points_met_on(settled, [], [], policy, D(2026, 1, 1)) == CYCLE.end
    decision = cycle_compliance(settled, [], [], [], policy, D(2026, 1, 1))
    assert decision.points_met
    assert "POINTS_SETTLED_BEFORE_IMPORT" in [r.code for r in decision.reasons]


def test_r16_settled_points_are_unknown_before_the_import_day(policy: Policy) -> None:
    settled = CYCLE.model_copy(update={"points_settled_on": D(2026, 1, 1)})

    assert points_met_on(settled, [], [], policy, D(2025, 12, 31)) is None
    assert not cycle_compliance(settled, [], [], [], policy, D(2025, 12, 31)).points_met

"""R10-R14, R19: recording an activity, every violation at once, points from policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from staycertified.domain.activities import (
    ActivityDraft,
    assess_activity,
    record_activity,
    round_down,
)
from staycertified.domain.errors import RuleViolations
from staycertified.domain.model import ActivitySource, Category, Cycle, Qualifies, Unit
from staycertified.policy import Policy

D = date
CYCLE = Cycle(
    certificate_number="C-1", start=D(2019, 5, 1), end=D(2022, 4, 30), points_required=Decimal(30)
)
TODAY = D(2021, 6, 1)


def draft(**overrides: object) -> ActivityDraft:
    values: dict[str, object] = {
        "category": "PROFESSIONAL_EDUCATION",
        "unit": "CONTACT_HOUR",
        "title": "Infection control",
        "quantity": Decimal(3),
        "qualifies": Qualifies.JOB_PERFORMANCE,
        "completed_on": D(2020, 3, 1),
    }
    values.update(overrides)
    return ActivityDraft.model_validate(values)


def codes(
    d: ActivityDraft, cycle: Cycle = CYCLE, today: date = TODAY, policy: Policy | None = None
) -> list[str]:
    from staycertified.policy import load_policy

    _, found = assess_activity(d, cycle, today, policy or load_policy())
    return sorted(e.code for e in found)


@pytest.mark.parametrize(
    ("category", "unit", "quantity", "points"),
    [
        ("PROFESSIONAL_EDUCATION", "CONTACT_HOUR", "3", "3"),
        ("PROFESSIONAL_EDUCATION", "CEU", "1.5", "15"),
        ("FORMAL_EDUCATION", "SEMESTER_CREDIT", "2", "30"),
        ("FORMAL_EDUCATION", "QUARTER_CREDIT", "1", "10"),
        ("AUTHORSHIP", "ITEM", "1", "5"),
        ("ORGANIZATIONAL_PARTICIPATION", "YEAR", "1", "2"),
        ("PROFESSIONAL_EDUCATION", "CONTACT_HOUR", "2.9", "2.75"),
        ("PROFESSIONAL_EDUCATION", "CONTACT_HOUR", "0.24", "0"),
    ],
)
def test_r11_points_are_quantity_rounded_down_to_a_quarter_times_rate(
    policy: Policy, category: str, unit: str, quantity: str, points: str
) -> None:
    award, found = assess_activity(
        draft(category=category, unit=unit, quantity=Decimal(quantity)), CYCLE, TODAY, policy
    )
    assert found == []
    assert award is not None and award.points == Decimal(points)
    assert "R11" in award.rules


def test_r11_rounding_is_noted_only_when_quantity_changes(policy: Policy) -> None:
    award, _ = assess_activity(draft(quantity=Decimal("2.9")), CYCLE, TODAY, policy)
    assert award is not None and [n.code for n in award.notes] == ["QUANTITY_ROUNDED_DOWN"]
    award, _ = assess_activity(draft(quantity=Decimal("3")), CYCLE, TODAY, policy)
    assert award is not None and award.notes == ()


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [("1", "1"), ("1.24", "1"), ("1.25", "1.25"), ("1.99", "1.75"), ("0", "0")],
)
def test_r11_round_down_to_step(quantity: str, expected: str) -> None:
    assert round_down(Decimal(quantity), Decimal("0.25")) == Decimal(expected)


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [
        (D(2019, 4, 30), ["ACTIVITY_BEFORE_CYCLE_START"]),
        (D(2019, 5, 1), []),
        (D(2021, 6, 1), []),
        (D(2021, 6, 2), ["ACTIVITY_IN_FUTURE"]),
    ],
)
def test_r12_completed_date_against_cycle_start_and_today(
    completed_on: date, expected: list[str]
) -> None:
    assert codes(draft(completed_on=completed_on)) == expected


def test_r12_activity_after_a_past_cycle_end_is_refused() -> None:
    assert codes(draft(completed_on=D(2022, 5, 1)), today=D(2023, 1, 1)) == [
        "ACTIVITY_AFTER_CYCLE_END"
    ]
    assert codes(draft(completed_on=D(2022, 4, 30)), today=D(2023, 1, 1)) == []


def test_r12_completion_date_is_required() -> None:
    assert codes(draft(completed_on=None)) == ["ACTIVITY_DATE_MISSING"]


def test_r10_unknown_category_is_invalid_category() -> None:
    assert codes(draft(category="YOGA")) == ["INVALID_CATEGORY"]


@pytest.mark.parametrize("category", ["EXAM", "exam_retake"])
def test_r19_exam_is_never_valid_for_ccp(category: str) -> None:
    assert codes(draft(category=category)) == ["EXAM_NOT_VALID_FOR_CCP"]
    assert codes(draft(is_exam=True)) == ["EXAM_NOT_VALID_FOR_CCP"]


def test_r11_unit_must_fit_the_category() -> None:
    assert codes(draft(unit="SEMESTER_CREDIT")) == ["INVALID_UNIT"]
    assert codes(draft(unit="FURLONG")) == ["INVALID_UNIT"]


def test_r10_r11_every_violation_is_listed_not_only_the_first() -> None:
    bad = draft(unit="ITEM", quantity=Decimal(0), qualifies=None, completed_on=D(2030, 1, 1))
    assert codes(bad) == [
        "ACTIVITY_IN_FUTURE",
        "INVALID_QUANTITY",
        "INVALID_UNIT",
        "QUALIFICATION_NOT_AFFIRMED",
    ]


def test_r12_record_activity_raises_rule_violations_with_every_code(policy: Policy) -> None:
    with pytest.raises(RuleViolations) as caught:
        record_activity(
            draft(category="YOGA", completed_on=D(2010, 1, 1)), CYCLE, TODAY, policy, "A-1"
        )
    assert caught.value.codes == ["ACTIVITY_BEFORE_CYCLE_START", "INVALID_CATEGORY"]


def test_r11_instructional_presentation_counts_on_first_delivery_only() -> None:
    base = {"category": "INSTRUCTIONAL_PRESENTATION", "unit": "HOUR"}
    assert codes(draft(**base, first_delivery=True)) == []
    assert codes(draft(**base, first_delivery=False)) == ["NOT_FIRST_DELIVERY"]
    assert codes(draft(**base)) == ["NOT_FIRST_DELIVERY"]


def test_r13_provider_activities_are_recorded_verified(policy: Policy) -> None:
    activity = record_activity(draft(source=ActivitySource.PROVIDER), CYCLE, TODAY, policy, "A-9")
    assert activity.verified is True
    assert (activity.points, activity.recorded_on, activity.certificate_number) == (
        Decimal(3),
        TODAY,
        "C-1",
    )
    member = record_activity(draft(), CYCLE, TODAY, policy, "A-10")
    assert member.verified is False
    assert member.category == Category.PROFESSIONAL_EDUCATION and member.unit == Unit.CONTACT_HOUR


def employment(start: date, end: date, years: str = "10") -> ActivityDraft:
    return draft(
        category="EMPLOYMENT",
        unit="YEAR",
        quantity=Decimal(years),
        completed_on=None,
        period_start=start,
        period_end=end,
    )


EMPLOYMENT_CYCLE = Cycle(
    certificate_number="C-1", start=D(2018, 1, 1), end=D(2022, 12, 31), points_required=Decimal(30)
)


@pytest.mark.parametrize(
    ("start", "end", "points", "cut"),
    [
        (D(2018, 1, 1), D(2019, 12, 31), "8", False),  # 2 full years before 2021, no cut
        (D(2018, 1, 1), D(2020, 12, 31), "12", False),  # ends on the cutoff: no cut
        (D(2018, 1, 1), D(2021, 1, 1), "12", True),  # crosses by a day: cut at 2020-12-31
        (D(2020, 1, 1), D(2022, 6, 30), "4", True),  # crosses: only 2020 counts
        (D(2015, 1, 1), D(2019, 12, 31), "8", False),  # starts before the cycle: from cycle start
        (D(2018, 1, 1), D(2018, 9, 30), "3", False),  # 0.75 year
    ],
)
def test_r14_employment_crossing_2021_is_cut_at_2020_12_31(
    policy: Policy, start: date, end: date, points: str, cut: bool
) -> None:
    award, found = assess_activity(
        employment(start, end), EMPLOYMENT_CYCLE, D(2022, 12, 31), policy
    )
    assert found == []
    assert award is not None and award.points == Decimal(points)
    assert ("EMPLOYMENT_CUT" in {n.code for n in award.notes}) is cut
    assert "R14" in award.rules


@pytest.mark.parametrize("start", [D(2021, 1, 1), D(2022, 3, 1)])
def test_r14_employment_entirely_from_2021_is_not_eligible(start: date) -> None:
    found = codes(employment(start, D(2022, 6, 30)), EMPLOYMENT_CYCLE, D(2022, 12, 31))
    assert found == ["EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020"]


def test_r14_employment_before_2021_is_eligible_from_2020_12_31_start() -> None:
    assert (
        codes(employment(D(2020, 12, 31), D(2021, 12, 31)), EMPLOYMENT_CYCLE, D(2022, 12, 31)) == []
    )


def test_r14_cut_employment_outside_the_cycle_is_not_eligible() -> None:
    cycle = Cycle(
        certificate_number="C-1",
        start=D(2021, 3, 1),
        end=D(2024, 2, 28),
        points_required=Decimal(30),
    )
    found = codes(employment(D(2019, 1, 1), D(2022, 1, 1)), cycle, D(2023, 1, 1))
    assert found == ["EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020"]


def test_r14_stated_quantity_caps_the_period(policy: Policy) -> None:
    award, _ = assess_activity(
        employment(D(2018, 1, 1), D(2019, 12, 31), "1"), EMPLOYMENT_CYCLE, D(2022, 1, 1), policy
    )
    assert award is not None and award.points == 4


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, D(2019, 1, 1)), (D(2019, 2, 1), D(2019, 1, 1))],
)
def test_r14_employment_needs_a_valid_period(start: date | None, end: date) -> None:
    assert "ACTIVITY_PERIOD_INVALID" in codes(
        employment(start, end), EMPLOYMENT_CYCLE, D(2022, 1, 1)
    )  # type: ignore[arg-type]


def test_r14_before_2021_policy_had_no_cutoff(policy: Policy) -> None:
    # an employment period ending in 2020 is judged with the pre-2021 version: no cut
    award, _ = assess_activity(
        employment(D(2018, 1, 1), D(2020, 6, 30)), EMPLOYMENT_CYCLE, D(2020, 7, 1), policy
    )
    assert award is not None and award.points == 10

"""R34, R35: the Eligibility Assistant's answers read into facts (domain.eligibility)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from staycertified.domain import errors
from staycertified.domain.eligibility import (
    ELIGIBILITY_ANSWER_INVALID,
    eligibility_rules,
    facts_from_answers,
)
from staycertified.domain.errors import DomainError, RuleViolations
from staycertified.domain.policy import Eligibility, EligibilityQuestion
from staycertified.policy import Policy

TODAY = date(2026, 12, 1)


@pytest.fixture
def rules(policy: Policy) -> Eligibility:
    return eligibility_rules("RMA", TODAY, policy)


def problems(rules: Eligibility, answers: dict[str, object]) -> list[str]:
    with pytest.raises(RuleViolations) as raised:
        facts_from_answers(rules, answers, felony_conviction=False)
    assert {e.code for e in raised.value.errors} == {ELIGIBILITY_ANSWER_INVALID}
    assert {e.rule for e in raised.value.errors} == {"R35"}
    return [e.message for e in raised.value.errors]


def test_r35_the_routes_of_a_type_in_force_today(rules: Eligibility) -> None:
    assert [r.route for r in rules.routes][:1] == ["A"]
    assert rules.felony_fact == "felony"


def test_r35_a_type_without_routes_is_unknown(policy: Policy) -> None:
    with pytest.raises(DomainError) as raised:
        eligibility_rules("PHLEBOTOMY-X", TODAY, policy)
    assert raised.value.code == errors.UNKNOWN_CERTIFICATION
    assert raised.value.rule == "R35"
    assert "'PHLEBOTOMY-X'" in raised.value.message


def test_r35_answers_become_typed_facts_by_key(rules: Eligibility) -> None:
    facts = facts_from_answers(
        rules,
        {
            "education": {
                "ma_program_graduation_date": "2024-05-20",
                "program_programmatically_accredited": True,
                "program_clock_hours": 720,
            },
            "work": {"ma_months_in_last_84": Decimal(36), "clinical_duties": None},
        },
        felony_conviction=True,
    )
    assert facts == {
        "ma_program_graduation_date": date(2024, 5, 20),
        "program_programmatically_accredited": True,
        "program_clock_hours": 720,
        "ma_months_in_last_84": 36,
        "clinical_duties": None,
        "felony": True,
    }
    assert type(facts["ma_months_in_last_84"]) is int


def test_r35_the_felony_answer_is_recorded_even_when_not_given(rules: Eligibility) -> None:
    assert facts_from_answers(rules, {}, felony_conviction=None) == {"felony": None}


def test_r35_an_unknown_group_or_key_is_refused(rules: Eligibility) -> None:
    assert problems(rules, {"hobbies": {"golf": True}}) == ["hobbies is not a group of questions"]
    assert problems(rules, {"education": {"golf": True}}) == ["education.golf is not a question"]


def test_r35_answers_after_an_unknown_group_or_key_are_still_read(rules: Eligibility) -> None:
    found = problems(
        rules,
        {
            "hobbies": {"golf": True},
            "education": {"golf": 1, "program_clock_hours": "x"},
            "work": {"clinical_duties": "y"},
        },
    )
    assert found == [
        "hobbies is not a group of questions",
        "education.golf is not a question",
        "education.program_clock_hours must be a integer",
        "work.clinical_duties must be a boolean",
    ]


def test_r35_a_group_must_hold_answers_by_key(rules: Eligibility) -> None:
    assert problems(rules, {"education": [True]}) == ["education is not a group of questions"]


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("program_programmatically_accredited", "yes", "boolean"),
        ("program_programmatically_accredited", 1, "boolean"),
        ("program_clock_hours", True, "integer"),  # a bool is no count
        ("program_clock_hours", "720", "integer"),
        ("program_clock_hours", Decimal("720.5"), "integer"),
        ("ma_program_graduation_date", 20240520, "date"),
    ],
)
def test_r35_an_answer_of_the_wrong_type_is_refused(
    rules: Eligibility, key: str, value: object, kind: str
) -> None:
    assert problems(rules, {"education": {key: value}}) == [f"education.{key} must be a {kind}"]


def test_r35_a_date_that_is_no_date_is_refused(rules: Eligibility) -> None:
    answers = {"education": {"ma_program_graduation_date": "soon"}}
    assert problems(rules, answers) == ["education.ma_program_graduation_date must be a date"]


def test_r35_every_problem_is_listed_at_once(rules: Eligibility) -> None:
    found = problems(
        rules,
        {"education": {"program_clock_hours": "many", "golf": 1}, "hobbies": {}},
    )
    assert sorted(found) == [
        "education.golf is not a question",
        "education.program_clock_hours must be a integer",
        "hobbies is not a group of questions",
    ]


def test_r35_an_enum_answer_must_be_one_of_its_options(rules: Eligibility) -> None:
    shift = EligibilityQuestion(
        group="work", key="shift", label="Shift", type="enum", options=("DAY", "NIGHT")
    )
    with_enum = rules.model_copy(update={"questions": (*rules.questions, shift)})
    facts = facts_from_answers(with_enum, {"work": {"shift": "NIGHT"}}, felony_conviction=False)
    assert facts["shift"] == "NIGHT"
    assert problems(with_enum, {"work": {"shift": "EVENING"}}) == ["work.shift must be a enum"]

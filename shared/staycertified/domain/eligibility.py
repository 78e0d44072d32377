"""The eligibility assistant (R34, R35): routes are predicates in the policy file.

Facts are the applicant's answers, by name (`ma_program_graduation_date`,
`program_clock_hours`, `felony`...). A missing answer fails its predicate. A
failed `any_of` reports the missing items of its closest alternative (fewest
missing; the first on a tie). A disabled route (D by default) is reported as not
offered. A "yes" felony answer adds FELONY_REVIEW_REQUIRED without failing a route.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from staycertified.domain import errors
from staycertified.domain.dates import add_months
from staycertified.domain.decisions import Frozen, Reason
from staycertified.domain.errors import DomainError, RuleViolations
from staycertified.domain.policy import (
    AllOf,
    AnyOf,
    Eligibility,
    EligibilityQuestion,
    Fact,
    Policy,
    Predicate,
)

FactValue = bool | int | str | Decimal | date | None


class MissingItem(Frozen):
    item: str
    message: str


class RouteResult(Frozen):
    route: str
    name: str
    offered: bool
    met: bool
    missing: tuple[MissingItem, ...]


class EligibilityAnswer(Frozen):
    certification_type: str
    as_of: date
    routes: tuple[RouteResult, ...]
    notes: tuple[Reason, ...]
    rules: tuple[str, ...] = ("R34", "R35")

    @property
    def eligible(self) -> bool:
        return any(r.met for r in self.routes)


def _as_date(value: FactValue) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _holds(fact: Fact, value: FactValue, today: date) -> bool:
    if value is None:
        return False
    if fact.op == "is_true":
        return value is True
    if fact.op == "eq":
        return value == fact.value
    if fact.op == "within_months_ago":
        day = _as_date(value)
        return day is not None and day >= add_months(today, -int(fact.value or 0))
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    limit = Decimal(str(fact.value))
    return value >= limit if fact.op == "gte" else value <= limit


def missing_items(
    predicate: Predicate, facts: Mapping[str, FactValue], today: date
) -> list[MissingItem]:
    """What the applicant lacks for `predicate` (empty = met)."""
    if isinstance(predicate, Fact):
        if _holds(predicate, facts.get(predicate.fact), today):
            return []
        return [MissingItem(item=predicate.item, message=predicate.message)]
    if isinstance(predicate, AllOf):
        return [m for p in predicate.all_of for m in missing_items(p, facts, today)]
    assert isinstance(predicate, AnyOf)
    options = [missing_items(p, facts, today) for p in predicate.any_of]
    if any(not o for o in options):
        return []
    return min(options, key=len)


def evaluate_eligibility(
    certification_type: str, facts: Mapping[str, FactValue], today: date, policy: Policy
) -> EligibilityAnswer:
    """R34: each route met or its missing items, with the notes (transcript, validity)."""
    rules = policy.eligibility[certification_type].at(today)
    results = []
    for route in rules.routes:
        missing = tuple(missing_items(route.requires, facts, today)) if route.enabled else ()
        results.append(
            RouteResult(
                route=route.route,
                name=route.name,
                offered=route.enabled,
                met=route.enabled and not missing,
                missing=missing,
            )
        )
    notes = [Reason(rule="R34", code=n.code, message=n.message) for n in rules.notes]
    if facts.get(rules.felony_fact) is True:
        msg = "a felony answer sends the application to staff review; no route fails for it"
        notes.append(Reason(rule="R34", code="FELONY_REVIEW_REQUIRED", message=msg))
    return EligibilityAnswer(
        certification_type=certification_type,
        as_of=today,
        routes=tuple(results),
        notes=tuple(notes),
    )


ELIGIBILITY_ANSWER_INVALID = "ELIGIBILITY_ANSWER_INVALID"


def eligibility_rules(certification_type: str, today: date, policy: Policy) -> Eligibility:
    """R35: the type's routes in force on `today`; a type without routes is unknown (R1)."""
    versions = policy.eligibility.get(certification_type)
    if versions is None:
        msg = f"no eligibility routes for {certification_type!r}"
        raise DomainError(errors.UNKNOWN_CERTIFICATION, msg, "R35")
    return versions.at(today)


def _answer_value(question: EligibilityQuestion, value: object) -> FactValue:
    """One answer, typed as its question says; ValueError when it is not."""
    if value is None:
        return None
    if question.type == "boolean" and isinstance(value, bool):
        return value
    if question.type == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if question.type == "integer" and isinstance(value, Decimal) and value == int(value):
        return int(value)  # an answer read back from the table
    if question.type == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if question.type == "enum" and isinstance(value, str) and value in question.options:
        return value
    raise ValueError(f"{question.group}.{question.key} must be a {question.type}")


def facts_from_answers(
    rules: Eligibility, answers: Mapping[str, object], felony_conviction: bool | None
) -> dict[str, FactValue]:
    """R34/R35: the answer body `{"<group>": {"<key>": value}}` as facts by name.

    Groups and keys are exactly the questions' (a question not answered is simply
    missing); an unknown group or key, or a value of the wrong type, is refused with
    every problem listed (ELIGIBILITY_ANSWER_INVALID).
    """
    by_group: dict[str, dict[str, EligibilityQuestion]] = {}
    for question in rules.questions:
        by_group.setdefault(question.group, {})[question.key] = question
    problems: list[str] = []
    facts: dict[str, FactValue] = {}
    for group, given in answers.items():
        asked = by_group.get(group)
        if asked is None or not isinstance(given, Mapping):
            problems.append(f"{group} is not a group of questions")
            continue
        for key, value in given.items():
            asked_here = asked.get(key)
            if asked_here is None:
                problems.append(f"{group}.{key} is not a question")
                continue
            try:
                facts[key] = _answer_value(asked_here, value)
            except ValueError:
                problems.append(f"{group}.{key} must be a {asked_here.type}")
    if problems:
        raise RuleViolations([DomainError(ELIGIBILITY_ANSWER_INVALID, p, "R35") for p in problems])
    facts[rules.felony_fact] = felony_conviction
    return facts

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

from staycertified.domain.dates import add_months
from staycertified.domain.decisions import Frozen, Reason
from staycertified.policy.model import AllOf, AnyOf, Fact, Policy, Predicate

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

"""The schema of the policy file (R1, R2, R35): every value is versioned.

`Versioned[T]` is a list of `{effective_from, value}`; `.at(day)` answers the
version in force on `day` (R2). Versions must be strictly increasing in date.

The schema is part of the domain (the rules read it); `staycertified.policy`
loads and validates `policy.json` against it and imports it from here, never
the other way round.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from staycertified.domain import errors
from staycertified.domain.errors import DomainError
from staycertified.domain.model import Category, Channel, Unit

T = TypeVar("T")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Version(Frozen, Generic[T]):
    effective_from: date
    value: T
    note: str = ""


class Versioned(RootModel[tuple[Version[T], ...]], Generic[T]):
    """Several versions of one value, strictly increasing in `effective_from` (R2)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    @model_validator(mode="after")
    def _strictly_increasing(self) -> Versioned[T]:
        if not self.root:
            raise ValueError("a versioned value needs at least one version")
        days = [v.effective_from for v in self.root]
        for earlier, later in pairwise(days):
            if later <= earlier:
                raise ValueError(
                    f"versions must be strictly increasing in effective_from: "
                    f"{later} after {earlier}"
                )
        return self

    def version_at(self, day: date) -> Version[T]:
        """The version in force on `day` (R2)."""
        in_force = [v for v in self.root if v.effective_from <= day]
        if not in_force:
            raise DomainError(
                errors.POLICY_NOT_IN_FORCE,
                f"no policy version in force on {day} (first is {self.root[0].effective_from})",
                "R2",
            )
        return in_force[-1]

    def at(self, day: date) -> T:
        return self.version_at(day).value


class RecertRoute(StrEnum):
    """R28."""

    CCP = "CCP"
    EXAM = "EXAM"


class CertificationType(Frozen):
    """One row of the catalogue (R1)."""

    name: str
    points_per_cycle: Versioned[Decimal]
    annual_fee: Versioned[Decimal | None]
    recertification_fee: dict[RecertRoute, Versioned[Decimal | None]]


class RenewalStep(Frozen):
    """R4: a notice at `offset_months` from the due month, on these channels."""

    step: str
    offset_months: int
    channels: tuple[Channel, ...]


class Renewal(Frozen):
    due_day: Versioned[Literal["LAST_DAY_OF_ANNIVERSARY_MONTH"]]
    cadence: Versioned[tuple[RenewalStep, ...]]
    grace_days: Versioned[int] = Field()


class CategoryRule(Frozen):
    """R11: points per unit, optional cap per cycle, first delivery only."""

    rates: Versioned[dict[Unit, Decimal]]
    cap_per_cycle: Versioned[Decimal | None]
    first_delivery_only: Versioned[bool]


class Ccp(Frozen):
    categories: dict[Category, CategoryRule]
    quantity_step: Versioned[Decimal]
    notice_offsets_days: Versioned[tuple[int, ...]]
    employment_eligible_until: Versioned[date | None]
    # Finding 4: the most contact hours one course completion from the learning platform may
    # credit (CEUs count 10 hours each); more is refused, not capped silently.
    provider_completion_max_hours: Versioned[Decimal]

    @model_validator(mode="after")
    def _every_category(self) -> Ccp:
        missing = set(Category) - set(self.categories)
        if missing:
            raise ValueError(f"ccp.categories lacks {sorted(missing)}")
        return self


class MonthDay(Frozen):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=28)


class Audit(Frozen):
    """R25, R26."""

    draw_on: Versioned[MonthDay]
    rate: Versioned[Decimal]
    minimum: Versioned[int]
    notice_by: Versioned[MonthDay]
    response_days: Versioned[int]
    reminder_days_before: Versioned[int]
    extension_max_days: Versioned[int]


class Documents(Frozen):
    """R15: what an upload grant allows (size, types judged by content) and for how long."""

    max_bytes: Versioned[int]
    accepted_types: Versioned[tuple[str, ...]]
    grant_minutes: Versioned[int]
    download_minutes: Versioned[int]


class Recertification(Frozen):
    """R29 window, R31 application validity, R30 felony decision due."""

    window_years: Versioned[int]
    application_valid_years: Versioned[int]
    felony_decision_days: Versioned[int]


class Fact(Frozen):
    """A predicate on one answer of the applicant (R35)."""

    fact: str
    op: Literal["is_true", "eq", "gte", "lte", "within_months_ago"]
    value: bool | int | str | None = None
    item: str
    message: str


class AllOf(Frozen):
    all_of: tuple[Predicate, ...]


class AnyOf(Frozen):
    any_of: tuple[Predicate, ...]


Predicate = Fact | AllOf | AnyOf  # AllOf/AnyOf resolve it when first built (defer_build)


class EligibilityRoute(Frozen):
    route: str
    name: str
    enabled: bool
    requires: Predicate


class EligibilityNote(Frozen):
    code: str
    message: str


class EligibilityQuestion(Frozen):
    """One question of the assistant's form (R34, R35): `key` is the fact a predicate
    names, `group` where the answer body carries it (`{"<group>": {"<key>": value}}`)."""

    group: str = Field(pattern=r"^[a-z][a-zA-Z0-9]*$")
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    type: Literal["boolean", "date", "integer", "enum"]
    options: tuple[str, ...] = ()


def _facts(predicate: Predicate) -> Iterator[str]:
    if isinstance(predicate, Fact):
        yield predicate.fact
    elif isinstance(predicate, AllOf):
        for part in predicate.all_of:
            yield from _facts(part)
    else:
        for part in predicate.any_of:
            yield from _facts(part)


class Eligibility(Frozen):
    """R34/R35: routes made of predicates, the questions that feed them, and notes
    every answer carries. Every fact a route names has exactly one question."""

    routes: tuple[EligibilityRoute, ...]
    notes: tuple[EligibilityNote, ...]
    questions: tuple[EligibilityQuestion, ...]
    felony_fact: str = "felony"

    @model_validator(mode="after")
    def _every_fact_asked_once(self) -> Eligibility:
        keys = [q.key for q in self.questions]
        if len(keys) != len(set(keys)):
            raise ValueError("eligibility.questions: a key is asked twice")
        unasked = {f for r in self.routes for f in _facts(r.requires)} - set(keys)
        if unasked:
            raise ValueError(f"eligibility: no question for the facts {sorted(unasked)}")
        for question in self.questions:
            if (question.type == "enum") != bool(question.options):
                raise ValueError(f"eligibility.questions.{question.key}: options iff enum")
        return self

    def route_facts(self, route: EligibilityRoute) -> set[str]:
        return set(_facts(route.requires))

    def offered_questions(self) -> tuple[EligibilityQuestion, ...]:
        """The questions of the routes offered (a disabled route asks nothing, R34 D)."""
        asked = {f for r in self.routes if r.enabled for f in _facts(r.requires)}
        return tuple(q for q in self.questions if q.key in asked)


class Policy(Frozen):
    """The whole policy file. Ask it for values with the date that matters (R2)."""

    policy_id: str
    catalogue: dict[str, CertificationType]
    renewal: Renewal
    ccp: Ccp
    audit: Audit
    documents: Documents
    recertification: Recertification
    eligibility: dict[str, Versioned[Eligibility]]

    def certification_type(self, code: str) -> CertificationType:
        """R1: unknown type -> UNKNOWN_CERTIFICATION."""
        try:
            return self.catalogue[code]
        except KeyError:
            raise DomainError(
                errors.UNKNOWN_CERTIFICATION, f"unknown certification type {code!r}", "R1"
            ) from None

    def points_required(self, code: str, day: date) -> Decimal:
        """R1: CCP points per cycle, version in force on `day` (the cycle start)."""
        return self.certification_type(code).points_per_cycle.at(day)

    def annual_fee(self, code: str, day: date) -> Decimal:
        """R1: the fee in force on the invoice date; unset -> FEE_NOT_CONFIGURED."""
        fee = self.certification_type(code).annual_fee.at(day)
        if fee is None:
            raise DomainError(
                errors.FEE_NOT_CONFIGURED, f"no annual fee configured for {code} on {day}", "R1"
            )
        return fee

    def recertification_fee(self, code: str, route: RecertRoute, day: date) -> Decimal:
        """R29: recertification fee per type and route."""
        fees = self.certification_type(code).recertification_fee
        fee = fees[route].at(day) if route in fees else None
        if fee is None:
            raise DomainError(
                errors.FEE_NOT_CONFIGURED,
                f"no {route} recertification fee configured for {code} on {day}",
                "R29",
            )
        return fee

    def category_rule(self, category: Category) -> CategoryRule:
        return self.ccp.categories[category]

    def versioned_values(self) -> Iterator[tuple[str, Versioned[object]]]:
        """Every versioned value with its path (for checks and docs)."""
        yield from _walk(self, "")


def _walk(node: object, path: str) -> Iterator[tuple[str, Versioned[object]]]:
    if isinstance(node, Versioned):
        yield path, node
        for version in node.root:
            yield from _walk(version.value, f"{path}@{version.effective_from}")
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), f"{path}.{name}".lstrip("."))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, tuple):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")

"""The RMA Eligibility Assistant on the wire (R34, R35): public, read-only, policy data.

- ``GET /eligibility/{certificationType}`` -> the question list a form is built from:
  ``{"certificationType", "questions": [{"group", "key", "label", "type", "options"}]}``
  (only the questions of the routes the policy offers).
- ``POST /eligibility/{certificationType}`` with ``{"<group>": {"<key>": value}, ...,
  "felonyConviction": bool}`` -> ``{"certificationType", "routes": [{"route", "title",
  "met", "offered", "missing": [{"code", "message"}]}], "felonyReviewRequired", "notes"}``.

A type the policy has no routes for answers 404 (NOT_FOUND); an answer that is not one
of the questions, or of the wrong type, answers 422 ELIGIBILITY_ANSWER_INVALID with
every problem listed. The decision itself is `domain.eligibility` (the same engine
judges the exam route of an application, R31).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from staycertified.api import errors
from staycertified.api.schemas import Camel
from staycertified.domain import errors as domain_errors
from staycertified.domain.errors import DomainError
from staycertified.domain.policy import Policy

AnswerValue = StrictBool | int | str | None
ROUTE_NOT_OFFERED = "ROUTE_NOT_OFFERED"


class EligibilityAnswersIn(BaseModel):
    """The applicant's answers, grouped as the question list gives them."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=False, defer_build=True)
    __pydantic_extra__: dict[str, dict[str, AnswerValue]] = Field(init=False)  # type: ignore[assignment]

    felony_conviction: StrictBool | None = Field(default=None, alias="felonyConviction")

    def groups(self) -> dict[str, Any]:
        return dict(self.__pydantic_extra__ or {})


class Question(Camel):
    group: str
    key: str
    label: str
    type: Literal["boolean", "date", "integer", "enum"]
    options: list[str] = Field(default_factory=list)


class QuestionList(Camel):
    certification_type: str
    questions: list[Question]


class Missing(Camel):
    code: str
    message: str


class RouteOut(Camel):
    route: str
    title: str
    met: bool
    offered: bool
    missing: list[Missing]


class Note(Camel):
    code: str
    message: str


class EligibilityOut(Camel):
    certification_type: str
    routes: list[RouteOut]
    felony_review_required: bool
    notes: list[Note]


def _rules(certification_type: str, today: date, policy: Policy) -> Any:
    from staycertified.domain.eligibility import eligibility_rules

    try:
        return eligibility_rules(certification_type, today, policy)
    except DomainError as error:
        if error.code == domain_errors.UNKNOWN_CERTIFICATION:
            raise errors.not_found("certification type") from None
        raise


def questions(certification_type: str, today: date, policy: Policy) -> QuestionList:
    rules = _rules(certification_type, today, policy)
    return QuestionList(
        certification_type=certification_type,
        questions=[
            Question(group=q.group, key=q.key, label=q.label, type=q.type, options=list(q.options))
            for q in rules.offered_questions()
        ],
    )


def assess(
    certification_type: str, body: EligibilityAnswersIn, today: date, policy: Policy
) -> EligibilityOut:
    """R34: each route met or its missing items; felony adds a review, fails nothing."""
    from staycertified.domain.eligibility import evaluate_eligibility, facts_from_answers

    rules = _rules(certification_type, today, policy)
    facts = facts_from_answers(rules, body.groups(), body.felony_conviction)
    answer = evaluate_eligibility(certification_type, facts, today, policy)
    routes = []
    for result in answer.routes:
        missing = [Missing(code=m.item, message=m.message) for m in result.missing]
        if not result.offered:
            missing = [Missing(code=ROUTE_NOT_OFFERED, message="this route is not offered")]
        routes.append(
            RouteOut(
                route=result.route,
                title=result.name,
                met=result.met,
                offered=result.offered,
                missing=missing,
            )
        )
    return EligibilityOut(
        certification_type=certification_type,
        routes=routes,
        felony_review_required=any(n.code == "FELONY_REVIEW_REQUIRED" for n in answer.notes),
        notes=[Note(code=n.code, message=n.message) for n in answer.notes],
    )

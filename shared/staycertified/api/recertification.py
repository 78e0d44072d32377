"""Recertification applications on the wire (R28-R33): request and answer models."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StringConstraints

from staycertified.api.eligibility import EligibilityAnswersIn
from staycertified.api.schemas import (
    ActivityIn,
    Camel,
    CamelIn,
    CertificateNumber,
    ErrorItem,
    InvoiceOut,
    Text,
    WireDate,
)
from staycertified.text import PARAGRAPHS

LongText = Annotated[str, StringConstraints(min_length=1, max_length=2000), PARAGRAPHS]


class SignedAttestation(CamelIn):
    signed_name: Text
    signed_on: WireDate


class RecertificationIn(CamelIn):
    """An application to recertify (R28): CCP with its activities, or EXAM with the
    Eligibility Assistant's answers (R31, judged on the current criteria)."""

    certificate_number: CertificateNumber
    route: Literal["CCP", "EXAM"]
    felony_conviction: StrictBool
    felony_explanation: LongText | None = None
    attestation: SignedAttestation
    activities: Annotated[list[ActivityIn], Field(max_length=100)] = Field(default_factory=list)
    eligibility: EligibilityAnswersIn | None = None


class DocumentOut(Camel):
    document_id: str
    kind: str
    status: str


class ApplicationActivityOut(Camel):
    activity_id: str = Field(description="The itemId of an upload grant for its documents.")
    category: str
    title: str
    completed_on: date
    points: float
    documents: list[DocumentOut]


class FelonyReviewOut(Camel):
    status: str = Field(description="PENDING, CLEARED or DENIED (R30).")
    decided_on: date | None = None
    due_on: date | None = Field(default=None, description="The decision is due by then (R30).")
    overdue_since: date | None = Field(
        default=None, description="Set by the daily sweep when still undecided after dueOn."
    )
    explanation: str = Field(default="", description="The applicant's felony explanation.")
    reason: str = Field(default="", description="The staff decision's reason.")


class ExamAttemptOut(Camel):
    attempt_id: str
    result: Literal["PASS", "FAIL"]
    taken_on: date


class ExamOut(Camel):
    authorization_id: str
    valid_until: date
    attempts: list[ExamAttemptOut]


class HistoryOut(Camel):
    on: date
    event: str
    by: str


ApplicationStatusName = Literal[
    "DRAFT",
    "INCOMPLETE",
    "FELONY_REVIEW",
    "AWAITING_STAFF_REVIEW",
    "APPROVED",
    "AUTHORIZED_TO_TEST",
    "REJECTED",
    "RECERTIFIED",
    "EXPIRED",
]


class ApplicationOut(Camel):
    application_id: str
    member_id: str
    certificate_number: str
    route: Literal["CCP", "EXAM"]
    status: ApplicationStatusName
    submitted_on: date | None
    valid_until: date
    missing: list[ErrorItem]
    points_claimed: float
    points_required: float | None
    activities: list[ApplicationActivityOut]
    fee: InvoiceOut
    felony_review: FelonyReviewOut | None
    exam: ExamOut | None
    history: list[HistoryOut]


class ApplicationPage(Camel):
    applications: list[ApplicationOut]
    next_cursor: str | None = None


class FelonyReviewIn(CamelIn):
    """R30: the staff decision on a felony answer."""

    decision: Literal["CLEARED", "DENIED"]
    reason: LongText


class StaffDecisionIn(CamelIn):
    """R32: staff approve or reject a complete application (reasons for a rejection)."""

    decision: Literal["APPROVE", "REJECT"]
    reasons: Annotated[list[LongText], Field(max_length=20)] = Field(default_factory=list)

"""A recertification application and its whole story (R28-R33): the aggregate the
recertification workflow decides on, kept by `recertification.store` in one item."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from staycertified.domain.decisions import Reason
from staycertified.domain.model import ApplicationActivity, Category, RecertificationApplication


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class AppStatus(StrEnum):
    DRAFT = "DRAFT"
    INCOMPLETE = "INCOMPLETE"  # R29: waiting for the member's resubmission
    FELONY_REVIEW = "FELONY_REVIEW"  # R30
    AWAITING_STAFF_REVIEW = "AWAITING_STAFF_REVIEW"  # R32
    APPROVED = "APPROVED"
    AUTHORIZED_TO_TEST = "AUTHORIZED_TO_TEST"  # R31
    REJECTED = "REJECTED"
    RECERTIFIED = "RECERTIFIED"  # R33
    EXPIRED = "EXPIRED"  # R29/R31: valid 1 year from submission


CLOSED = frozenset({AppStatus.REJECTED, AppStatus.RECERTIFIED, AppStatus.EXPIRED})


class Waiting(StrEnum):
    """What the review execution waits for (a task token stored on the application)."""

    RESUBMISSION = "RESUBMISSION"
    FELONY_REVIEW = "FELONY_REVIEW"
    STAFF_REVIEW = "STAFF_REVIEW"
    EXAM_RESULT = "EXAM_RESULT"


class DocumentKind(StrEnum):
    PROOF = "PROOF"
    EMPLOYMENT_VERIFICATION = "EMPLOYMENT_VERIFICATION"
    TRANSCRIPT = "TRANSCRIPT"
    OTHER = "OTHER"


RECEIVED = "RECEIVED"


class DocumentRef(Frozen):
    """A document an upload grant brought in (R15), attached when it passed the checks."""

    document_id: str
    kind: DocumentKind
    status: str = RECEIVED


class ClaimedActivity(Frozen):
    """R29: one activity of a CCP application; `activity_id` is an upload grant's itemId."""

    activity_id: str
    category: Category
    title: str
    provider: str = ""
    completed_on: date
    period_start: date | None = None
    period_end: date | None = None
    quantity: Decimal
    unit: str
    qualifies: str
    points: Decimal
    documents: tuple[DocumentRef, ...] = ()

    def document_of(self, kind: DocumentKind) -> str | None:
        return next(
            (
                d.document_id
                for d in self.documents
                if d.kind == kind and d.status in (RECEIVED, "ACCEPTED")
            ),
            None,
        )


class FelonyReview(Frozen):
    status: str = "PENDING"  # PENDING | CLEARED | DENIED (R30)
    due_on: date
    overdue_since: date | None = None  # R30: the daily sweep found it undecided past due_on
    decided_on: date | None = None
    by: str | None = None
    reason: str = ""


class StaffDecision(Frozen):
    decision: str  # APPROVE | REJECT (R32)
    reasons: tuple[str, ...] = ()
    decided_on: date
    by: str


class ExamAttempt(Frozen):
    attempt_id: str
    result: str  # PASS | FAIL
    taken_on: date
    recorded_on: date


class ExamRecord(Frozen):
    """R31: the authorisation to test, valid while the application is."""

    authorization_id: str
    authorized_on: date
    valid_until: date
    attempts: tuple[ExamAttempt, ...] = ()


class HistoryEntry(Frozen):
    on: date
    event: str
    by: str


class ApplicationRecord(Frozen):
    """Everything about one application; `version` guards every write (optimistic)."""

    application_id: str
    member_id: str
    certificate_number: str
    certification_type: str
    route: str  # CCP | EXAM (R28)
    status: AppStatus = AppStatus.DRAFT
    created_on: date
    submitted_on: date | None = None  # the first submission (validity counts from it)
    valid_until: date
    felony_conviction: bool
    felony_explanation: str = ""
    attestation_signed_name: str
    attestation_signed_on: date
    activities: tuple[ClaimedActivity, ...] = ()
    documents: tuple[DocumentRef, ...] = ()  # not of one activity (a transcript...)
    # R31: the assistant's answers (EXAM), typed so that numbers read back stay numbers
    eligibility: dict[str, dict[str, bool | int | str | None]] | None = None
    fee_invoice_id: str
    fee_paid: bool = False
    missing: tuple[Reason, ...] = ()
    points_claimed: Decimal = Decimal(0)
    points_required: Decimal | None = None
    felony_review: FelonyReview | None = None
    staff_decision: StaffDecision | None = None
    exam: ExamRecord | None = None
    recertified_on: date | None = None
    previous_reasons: tuple[Reason, ...] = ()  # R33: the old standing, kept as history
    history: tuple[HistoryEntry, ...] = ()
    waiting_for: Waiting | None = None
    task_token: str | None = None
    version: int = 0

    @field_validator("eligibility", mode="before")
    @classmethod
    def _numbers_read_back(cls, value: Any) -> Any:
        """DynamoDB answers numbers as Decimal: an integer answer stays an integer."""
        if not isinstance(value, dict):
            return value
        return {
            group: {
                key: int(item) if isinstance(item, Decimal) and not isinstance(item, bool) else item
                for key, item in answers.items()
            }
            if isinstance(answers, dict)
            else answers
            for group, answers in value.items()
        }

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    def with_event(self, on: date, event: str, by: str, **changes: Any) -> ApplicationRecord:
        entry = HistoryEntry(on=on, event=event, by=by)
        return self.model_copy(update={"history": (*self.history, entry), **changes})

    def activity(self, activity_id: str) -> ClaimedActivity | None:
        return next((a for a in self.activities if a.activity_id == activity_id), None)

    def as_domain(self, on: date) -> RecertificationApplication:
        """The application as the R29 completeness check reads it, on `on`."""
        return RecertificationApplication(
            application_id=self.application_id,
            certificate_number=self.certificate_number,
            route=self.route,
            certification_type=self.certification_type,
            submitted_on=on,
            felony_answer=self.felony_conviction,
            activities=tuple(
                ApplicationActivity(
                    category=a.category,
                    completed_on=a.completed_on,
                    points=a.points,
                    proof_document_id=a.document_of(DocumentKind.PROOF),
                    employment_verification_form_id=a.document_of(
                        DocumentKind.EMPLOYMENT_VERIFICATION
                    ),
                )
                for a in self.activities
            ),
            attestation_signed_on=self.attestation_signed_on,
            attestation_signed_by=self.attestation_signed_name,
            fee_paid=self.fee_paid,
        )

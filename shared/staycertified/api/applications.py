"""The recertification routes as HTTP (R28-R33): the request's wire shape in, a
use-case of `staycertified.recertification.applications`, the application's wire
shape out (`view`); a refusal becomes its HTTP answer (`api.errors.from_refusal`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from staycertified.api import errors
from staycertified.api.recertification import (
    ApplicationActivityOut,
    ApplicationOut,
    ApplicationPage,
    DocumentOut,
    ExamAttemptOut,
    ExamOut,
    FelonyReviewIn,
    FelonyReviewOut,
    HistoryOut,
    RecertificationIn,
    StaffDecisionIn,
)
from staycertified.api.schemas import ErrorItem, InvoiceOut
from staycertified.recertification import applications

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.application import ApplicationRecord
    from staycertified.domain.model import Invoice


def _viewed(table: Table, record: ApplicationRecord) -> ApplicationOut:
    return view(record, applications.fee_invoice(table, record))


def create_application(
    table: Table, member_id: str, body: RecertificationIn, today: date, *, by: str
) -> ApplicationOut:
    """R28: refused with a stable code and nothing written unless the certification is
    RECERTIFICATION_REQUIRED, the route is open (R23) and no application is open."""
    from staycertified.api.service import activity_draft
    from staycertified.domain.model import ActivitySource
    from staycertified.policy import load_policy

    request = applications.NewApplication(
        certificate_number=body.certificate_number,
        route=body.route,
        felony_conviction=body.felony_conviction,
        felony_explanation=body.felony_explanation,
        signed_name=body.attestation.signed_name,
        signed_on=body.attestation.signed_on,
        activities=tuple(
            (activity_draft(a, ActivitySource.MEMBER), str(a.qualifies)) for a in body.activities
        ),
        eligibility_answers=None if body.eligibility is None else body.eligibility.groups(),
    )
    with errors.answered():
        application, invoice = applications.create_application(
            table, member_id, request, today, load_policy(), by=by
        )
    return view(application, invoice)


def view(record: ApplicationRecord, fee: Invoice) -> ApplicationOut:
    from staycertified.payments import service as billing

    review = record.felony_review
    exam = record.exam
    return ApplicationOut(
        application_id=record.application_id,
        member_id=record.member_id,
        certificate_number=record.certificate_number,
        route=record.route,  # type: ignore[arg-type]
        status=record.status.value,  # type: ignore[arg-type]
        submitted_on=record.submitted_on,
        valid_until=record.valid_until,
        missing=[ErrorItem(rule=m.rule, code=m.code, message=m.message) for m in record.missing],
        points_claimed=float(record.points_claimed),
        points_required=None if record.points_required is None else float(record.points_required),
        activities=[
            ApplicationActivityOut(
                activity_id=a.activity_id,
                category=a.category.value,
                title=a.title,
                completed_on=a.completed_on,
                points=float(a.points),
                documents=[
                    DocumentOut(document_id=d.document_id, kind=d.kind.value, status=d.status)
                    for d in a.documents
                ],
            )
            for a in record.activities
        ],
        fee=InvoiceOut.model_validate(billing.invoice_view(fee)),
        felony_review=None
        if review is None
        else FelonyReviewOut(
            status=review.status,
            decided_on=review.decided_on,
            due_on=review.due_on,
            overdue_since=review.overdue_since,
            explanation=record.felony_explanation,
            reason=review.reason,
        ),
        exam=None
        if exam is None
        else ExamOut(
            authorization_id=exam.authorization_id,
            valid_until=exam.valid_until,
            attempts=[
                ExamAttemptOut(attempt_id=t.attempt_id, result=t.result, taken_on=t.taken_on)  # type: ignore[arg-type]
                for t in exam.attempts
            ],
        ),
        history=[HistoryOut(on=h.on, event=h.event, by=h.by) for h in record.history],
    )


def get_application(table: Table, member_id: str, application_id: str) -> ApplicationOut:
    with errors.answered():
        record = applications.member_application(table, member_id, application_id)
    return _viewed(table, record)


def submit(
    table: Table, member_id: str, application_id: str, today: date, *, by: str
) -> ApplicationOut:
    """First submission starts the review; a resubmission resumes it (R29)."""
    with errors.answered():
        record = applications.submit(table, member_id, application_id, today, by=by)
    return _viewed(table, record)


def staff_get(table: Table, application_id: str) -> ApplicationOut:
    with errors.answered():
        record = applications.staff_application(table, application_id)
    return _viewed(table, record)


def felony_review(
    table: Table, application_id: str, body: FelonyReviewIn, today: date, *, by: str
) -> ApplicationOut:
    with errors.answered():
        record = applications.felony_review(
            table, application_id, body.decision, body.reason, today, by=by
        )
    return _viewed(table, record)


def staff_decision(
    table: Table, application_id: str, body: StaffDecisionIn, today: date, *, by: str
) -> ApplicationOut:
    with errors.answered():
        record = applications.staff_decision(
            table, application_id, body.decision, body.reasons, today, by=by
        )
    return _viewed(table, record)


def staff_list(table: Table, status_name: str, limit: int, cursor: str | None) -> ApplicationPage:
    with errors.answered():
        records, next_cursor = applications.by_status(table, status_name, limit, cursor)
    out = [_viewed(table, r) for r in records]
    return ApplicationPage(applications=out, next_cursor=next_cursor)

"""What the recertification routes do (R28-R33): read, ask the domain, write, answer.

The review itself runs in `statemachines/recertification_review.asl.json` (one
execution per application, named by its id); the routes only start it (first
submission) or resume it (resubmission, staff decisions) through the task token the
waiting step stored on the application, and record who decided and when.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
from staycertified.domain.application import (
    ApplicationRecord,
    AppStatus,
    ClaimedActivity,
    Waiting,
)
from staycertified.domain.dates import add_years
from staycertified.domain.errors import DomainError, RuleViolations
from staycertified.domain.model import Invoice, Standing
from staycertified.recertification import store

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.policy import Policy

STATE_MACHINE_ENV = "RECERTIFICATION_STATE_MACHINE_ARN"
NOT_RECERTIFICATION_REQUIRED = "NOT_RECERTIFICATION_REQUIRED"
APPLICATION_ALREADY_OPEN = "APPLICATION_ALREADY_OPEN"
APPLICATION_NOT_SUBMITTABLE = "APPLICATION_NOT_SUBMITTABLE"
NO_DECISION_PENDING = "NO_DECISION_PENDING"
FELONY_EXPLANATION_REQUIRED = "FELONY_EXPLANATION_REQUIRED"
ELIGIBILITY_ANSWERS_REQUIRED = "ELIGIBILITY_ANSWERS_REQUIRED"
REJECTION_REASONS_REQUIRED = "REJECTION_REASONS_REQUIRED"


def _refused(status: int, code: str, message: str, rule: str) -> errors.ApiError:
    return errors.ApiError(
        status, code, message, [{"rule": rule, "code": code, "message": message}]
    )


def _policy() -> Policy:
    from staycertified.policy import load_policy

    return load_policy()


def _sfn() -> Any:
    from staycertified import aws

    return aws.stepfunctions()


# ---------------------------------------------------------------- create (R28, R29)


def _claimed_activities(
    body: RecertificationIn, certificate_number: str, today: date, policy: Policy
) -> tuple[ClaimedActivity, ...]:
    """Each activity's points (R10-R14) over the R29 window; every broken rule at once."""
    from staycertified.api.service import activity_draft
    from staycertified.domain.activities import assess_activity
    from staycertified.domain.model import ActivitySource, Cycle

    window = Cycle(
        certificate_number=certificate_number,
        start=add_years(today, -policy.recertification.window_years.at(today)),
        end=today,
        points_required=Decimal(0),
    )
    found: list[DomainError] = []
    claimed = []
    for index, activity in enumerate(body.activities, start=1):
        draft = activity_draft(activity, ActivitySource.MEMBER)
        award, problems = assess_activity(draft, window, today, policy)
        for problem in problems:
            found.append(
                DomainError(problem.code, f"activity {index}: {problem.message}", problem.rule)
            )
        if award is None or draft.effective_date is None:
            continue
        claimed.append(
            ClaimedActivity(
                activity_id="RA" + uuid.uuid4().hex[:14].upper(),
                category=award.category,
                title=draft.title,
                provider=draft.provider,
                completed_on=draft.effective_date,
                period_start=draft.period_start,
                period_end=draft.period_end,
                quantity=award.quantity_counted,
                unit=award.unit.value,
                qualifies=str(activity.qualifies),
                points=award.points,
            )
        )
    if found:
        raise RuleViolations(found)
    return tuple(claimed)


def create_application(
    table: Table, member_id: str, body: RecertificationIn, today: date, *, by: str
) -> ApplicationOut:
    """R28: refused with a stable code and nothing written unless the certification is
    RECERTIFICATION_REQUIRED, the route is open (R23) and no application is open."""
    from staycertified.domain.eligibility import eligibility_rules, facts_from_answers
    from staycertified.domain.policy import RecertRoute
    from staycertified.domain.recertification import check_route
    from staycertified.domain.standing import evaluate_standing
    from staycertified.store import members as member_store

    policy = _policy()
    record = member_store.load_member(table, member_id)
    cert = record.certification(body.certificate_number) if record else None
    if record is None or cert is None:
        raise errors.not_found("certification")
    standing = evaluate_standing(cert, today, policy)
    if standing.status != Standing.RECERTIFICATION_REQUIRED:
        msg = f"the certification is {standing.status.value}, not RECERTIFICATION_REQUIRED"
        raise _refused(422, NOT_RECERTIFICATION_REQUIRED, msg, "R28")
    route = RecertRoute(body.route)
    check_route(standing, route)  # R23: RECERT_BY_EXAM_REQUIRED
    if body.felony_conviction and not body.felony_explanation:
        msg = "a yes felony answer needs its explanation"
        raise _refused(422, FELONY_EXPLANATION_REQUIRED, msg, "R30")
    kind = cert.certification.type
    answers: dict[str, Any] | None = None
    activities: tuple[ClaimedActivity, ...] = ()
    if route == RecertRoute.EXAM:
        if body.eligibility is None:
            msg = "the exam route needs the Eligibility Assistant's answers"
            raise _refused(422, ELIGIBILITY_ANSWERS_REQUIRED, msg, "R31")
        answers = body.eligibility.groups()
        facts_from_answers(eligibility_rules(kind, today, policy), answers, None)  # shape only
    else:
        activities = _claimed_activities(body, cert.certification.certificate_number, today, policy)
    fee = policy.recertification_fee(kind, route, today)  # FEE_NOT_CONFIGURED when unset
    application_id = "RC" + uuid.uuid4().hex[:16].upper()
    invoice = Invoice(
        invoice_id=f"INV-RECERT-{application_id}",
        member_id=member_id,
        certificate_number=cert.certification.certificate_number,
        certification_type=kind,
        membership_year=today.year,
        amount=fee,
        due_date=today,
        application_id=application_id,
    )
    application = ApplicationRecord(
        application_id=application_id,
        member_id=member_id,
        certificate_number=cert.certification.certificate_number,
        certification_type=kind,
        route=route.value,
        created_on=today,
        valid_until=add_years(today, policy.recertification.application_valid_years.at(today)),
        felony_conviction=body.felony_conviction,
        felony_explanation=body.felony_explanation or "",
        attestation_signed_name=body.attestation.signed_name,
        attestation_signed_on=body.attestation.signed_on,
        activities=activities,
        eligibility=answers,
        fee_invoice_id=invoice.invoice_id,
        previous_reasons=standing.reasons,
    ).with_event(today, "CREATED", by)
    try:
        store.create_application(table, application, invoice)
    except store.ApplicationConflict:
        msg = "an application is already open for this certification"
        raise _refused(409, APPLICATION_ALREADY_OPEN, msg, "R28") from None
    return view(application, invoice)


# ---------------------------------------------------------------- read


def _fee_invoice(table: Table, record: ApplicationRecord) -> Invoice:
    from staycertified.store.invoices import invoice_key_of
    from staycertified.store.table import from_item

    probe = Invoice(
        invoice_id=record.fee_invoice_id,
        member_id=record.member_id,
        certificate_number=record.certificate_number,
        certification_type=record.certification_type,
        membership_year=record.created_on.year,
        amount=Decimal(0),
        due_date=record.created_on,
        application_id=record.application_id,
    )
    item = table.get_item(Key=invoice_key_of(probe), ConsistentRead=True).get("Item")
    return from_item(Invoice, item) if item else probe


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
    record = store.get_application(table, member_id, application_id)
    if record is None:
        raise errors.not_found("application")
    return view(record, _fee_invoice(table, record))


# ---------------------------------------------------------------- submit (R29)


def submit(
    table: Table, member_id: str, application_id: str, today: date, *, by: str
) -> ApplicationOut:
    """First submission starts the review (execution named by the id: a second start
    is refused by Step Functions itself); a resubmission resumes the waiting review."""
    record = store.get_application(table, member_id, application_id)
    if record is None:
        raise errors.not_found("application")
    if record.status == AppStatus.DRAFT:
        _start_review(record, today)
        record = record.with_event(today, "SUBMITTED", by)
        record = store.save(table, record)
    elif record.status == AppStatus.INCOMPLETE and record.waiting_for == Waiting.RESUBMISSION:
        record = _resume(
            table, record, Waiting.RESUBMISSION, {"on": today.isoformat()}, today, "RESUBMITTED", by
        )
    else:
        msg = f"an application in {record.status.value} cannot be submitted"
        raise _refused(409, APPLICATION_NOT_SUBMITTABLE, msg, "R29")
    return view(record, _fee_invoice(table, record))


def _start_review(record: ApplicationRecord, today: date) -> None:
    client = _sfn()
    # started already by an earlier attempt of this submission: nothing to do
    with contextlib.suppress(client.exceptions.ExecutionAlreadyExists):
        client.start_execution(
            stateMachineArn=os.environ[STATE_MACHINE_ENV],
            name=record.application_id,
            input=json.dumps(
                {
                    "memberId": record.member_id,
                    "applicationId": record.application_id,
                    "route": record.route,
                    "last": {"on": today.isoformat()},
                }
            ),
        )


def _resume(
    table: Table,
    record: ApplicationRecord,
    waiting: Waiting,
    output: dict[str, Any],
    today: date,
    event: str,
    by: str,
    **changes: Any,
) -> ApplicationRecord:
    """Records the event (who, when) and clears the token, then resumes the execution."""
    token = record.task_token
    if record.waiting_for != waiting or not token:
        msg = f"nothing is waiting for {waiting.value.lower().replace('_', ' ')}"
        raise _refused(409, NO_DECISION_PENDING, msg, "R29")
    updated = record.with_event(today, event, by, waiting_for=None, task_token=None, **changes)
    try:
        saved = store.save(table, updated)
    except store.StaleApplication:
        raise _refused(
            409, NO_DECISION_PENDING, "the application changed meanwhile", "R29"
        ) from None
    _sfn().send_task_success(taskToken=token, output=json.dumps({**output, "by": by}))
    return saved


# ---------------------------------------------------------------- staff (R30, R32)


def _find(table: Table, application_id: str) -> ApplicationRecord:
    record = store.find_application(table, application_id)
    if record is None:
        raise errors.not_found("application")
    return record


def staff_get(table: Table, application_id: str) -> ApplicationOut:
    record = _find(table, application_id)
    return view(record, _fee_invoice(table, record))


def felony_review(
    table: Table, application_id: str, body: FelonyReviewIn, today: date, *, by: str
) -> ApplicationOut:
    record = _find(table, application_id)
    review = record.felony_review
    if review is None:
        raise _refused(409, NO_DECISION_PENDING, "no felony review is pending", "R30")
    decided = review.model_copy(
        update={"status": body.decision, "decided_on": today, "by": by, "reason": body.reason}
    )
    saved = _resume(
        table,
        record,
        Waiting.FELONY_REVIEW,
        {"on": today.isoformat(), "decision": body.decision},
        today,
        f"FELONY_{body.decision}",
        by,
        felony_review=decided,
    )
    return view(saved, _fee_invoice(table, saved))


def staff_decision(
    table: Table, application_id: str, body: StaffDecisionIn, today: date, *, by: str
) -> ApplicationOut:
    from staycertified.domain.application import StaffDecision

    record = _find(table, application_id)
    if body.decision == "REJECT" and not body.reasons:
        raise _refused(422, REJECTION_REASONS_REQUIRED, "a rejection needs its reasons", "R32")
    decision = StaffDecision(
        decision=body.decision, reasons=tuple(body.reasons), decided_on=today, by=by
    )
    saved = _resume(
        table,
        record,
        Waiting.STAFF_REVIEW,
        {"on": today.isoformat(), "decision": body.decision},
        today,
        "STAFF_APPROVED" if body.decision == "APPROVE" else "STAFF_REJECTED",
        by,
        staff_decision=decision,
    )
    return view(saved, _fee_invoice(table, saved))


def staff_list(table: Table, status_name: str, limit: int, cursor: str | None) -> ApplicationPage:
    try:
        records, next_cursor = store.by_status(table, AppStatus(status_name), limit, cursor)
    except (ValueError, json.JSONDecodeError):
        raise errors.ApiError(400, errors.VALIDATION_FAILED, "Invalid status or cursor.") from None
    out = [view(r, _fee_invoice(table, r)) for r in records]
    return ApplicationPage(applications=out, next_cursor=next_cursor)

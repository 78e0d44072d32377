"""Recertification applications (R28-R33), whoever asks: create, read, submit, and
the staff decisions that resume the review.

The review itself runs in `statemachines/recertification_review.asl.json` (one
execution per application, named by its id); these use-cases only start it (first
submission) or resume it (resubmission, staff decisions) through the task token the
waiting step stored on the application, and record who decided and when.

They return the application (`domain.application.ApplicationRecord`) and refuse with
stable codes (`refusals.Refused`; the HTTP statuses are `api.errors.STATUS_BY_CODE`)
or the domain's `DomainError`/`RuleViolations`; nothing is written when they refuse.
The HTTP mapping is `api.applications`.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
from staycertified.refusals import Refused, Unknown

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.activities import ActivityDraft
    from staycertified.domain.policy import Policy

STATE_MACHINE_ENV = "RECERTIFICATION_STATE_MACHINE_ARN"
VALIDATION_FAILED = "VALIDATION_FAILED"
NOT_RECERTIFICATION_REQUIRED = "NOT_RECERTIFICATION_REQUIRED"
APPLICATION_ALREADY_OPEN = "APPLICATION_ALREADY_OPEN"
APPLICATION_NOT_SUBMITTABLE = "APPLICATION_NOT_SUBMITTABLE"
NO_DECISION_PENDING = "NO_DECISION_PENDING"
FELONY_EXPLANATION_REQUIRED = "FELONY_EXPLANATION_REQUIRED"
ELIGIBILITY_ANSWERS_REQUIRED = "ELIGIBILITY_ANSWERS_REQUIRED"
REJECTION_REASONS_REQUIRED = "REJECTION_REASONS_REQUIRED"


@dataclass(frozen=True)
class NewApplication:
    """What the member applies with (R28): the route, the felony answer (R30), the
    signed attestation, and the CCP activities (each with its `qualifies` as sent) or
    the Eligibility Assistant's answers by group (R31)."""

    certificate_number: str
    route: str
    felony_conviction: bool
    felony_explanation: str | None
    signed_name: str
    signed_on: date
    activities: Sequence[tuple[ActivityDraft, str]] = ()
    eligibility_answers: Mapping[str, Any] | None = field(default=None)


def _refused(code: str, message: str, rule: str) -> Refused:
    return Refused(code, message, [DomainError(code, message, rule)])


def _sfn() -> Any:
    from staycertified import aws

    return aws.stepfunctions()


# ---------------------------------------------------------------- create (R28, R29)


def _claimed_activities(
    activities: Sequence[tuple[ActivityDraft, str]],
    certificate_number: str,
    today: date,
    policy: Policy,
) -> tuple[ClaimedActivity, ...]:
    """Each activity's points (R10-R14) over the R29 window; every broken rule at once."""
    from staycertified.domain.activities import assess_activity
    from staycertified.domain.model import Cycle

    window = Cycle(
        certificate_number=certificate_number,
        start=add_years(today, -policy.recertification.window_years.at(today)),
        end=today,
        points_required=Decimal(0),
    )
    found: list[DomainError] = []
    claimed = []
    for index, (draft, qualifies) in enumerate(activities, start=1):
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
                qualifies=qualifies,
                points=award.points,
            )
        )
    if found:
        raise RuleViolations(found)
    return tuple(claimed)


def create_application(
    table: Table, member_id: str, body: NewApplication, today: date, policy: Policy, *, by: str
) -> tuple[ApplicationRecord, Invoice]:
    """R28: refused with a stable code and nothing written unless the certification is
    RECERTIFICATION_REQUIRED, the route is open (R23) and no application is open."""
    from staycertified.domain.eligibility import eligibility_rules, facts_from_answers
    from staycertified.domain.policy import RecertRoute
    from staycertified.domain.recertification import check_route
    from staycertified.domain.standing import evaluate_standing
    from staycertified.store import members as member_store

    record = member_store.load_member(table, member_id)
    cert = record.certification(body.certificate_number) if record else None
    if record is None or cert is None:
        raise Unknown("certification")
    standing = evaluate_standing(cert, today, policy)
    if standing.status != Standing.RECERTIFICATION_REQUIRED:
        msg = f"the certification is {standing.status.value}, not RECERTIFICATION_REQUIRED"
        raise _refused(NOT_RECERTIFICATION_REQUIRED, msg, "R28")
    route = RecertRoute(body.route)
    check_route(standing, route)  # R23: RECERT_BY_EXAM_REQUIRED
    if body.felony_conviction and not body.felony_explanation:
        msg = "a yes felony answer needs its explanation"
        raise _refused(FELONY_EXPLANATION_REQUIRED, msg, "R30")
    kind = cert.certification.type
    answers: dict[str, Any] | None = None
    activities: tuple[ClaimedActivity, ...] = ()
    if route == RecertRoute.EXAM:
        if body.eligibility_answers is None:
            msg = "the exam route needs the Eligibility Assistant's answers"
            raise _refused(ELIGIBILITY_ANSWERS_REQUIRED, msg, "R31")
        answers = dict(body.eligibility_answers)
        facts_from_answers(eligibility_rules(kind, today, policy), answers, None)  # shape only
    else:
        activities = _claimed_activities(
            body.activities, cert.certification.certificate_number, today, policy
        )
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
        attestation_signed_name=body.signed_name,
        attestation_signed_on=body.signed_on,
        activities=activities,
        eligibility=answers,
        fee_invoice_id=invoice.invoice_id,
        previous_reasons=standing.reasons,
    ).with_event(today, "CREATED", by)
    try:
        store.create_application(table, application, invoice)
    except store.ApplicationConflict:
        msg = "an application is already open for this certification"
        raise _refused(APPLICATION_ALREADY_OPEN, msg, "R28") from None
    return application, invoice


# ---------------------------------------------------------------- read


def fee_invoice(table: Table, record: ApplicationRecord) -> Invoice:
    """The application's fee invoice as it is now (a probe with the amount 0 until issued)."""
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


def member_application(table: Table, member_id: str, application_id: str) -> ApplicationRecord:
    """The member's own application."""
    record = store.get_application(table, member_id, application_id)
    if record is None:
        raise Unknown("application")
    return record


# ---------------------------------------------------------------- submit (R29)


def submit(
    table: Table, member_id: str, application_id: str, today: date, *, by: str
) -> ApplicationRecord:
    """First submission starts the review (execution named by the id: a second start
    is refused by Step Functions itself); a resubmission resumes the waiting review."""
    record = member_application(table, member_id, application_id)
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
        raise _refused(APPLICATION_NOT_SUBMITTABLE, msg, "R29")
    return record


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
        raise _refused(NO_DECISION_PENDING, msg, "R29")
    updated = record.with_event(today, event, by, waiting_for=None, task_token=None, **changes)
    try:
        saved = store.save(table, updated)
    except store.StaleApplication:
        raise _refused(NO_DECISION_PENDING, "the application changed meanwhile", "R29") from None
    _sfn().send_task_success(taskToken=token, output=json.dumps({**output, "by": by}))
    return saved


# ---------------------------------------------------------------- staff (R30, R32)


def _decide(
    table: Table,
    record: ApplicationRecord,
    waiting: Waiting,
    decision: str,
    event: str,
    today: date,
    by: str,
    **changes: Any,
) -> ApplicationRecord:
    """A staff decision recorded on the application (`changes`: its field) and handed
    to the review waiting for it."""
    output = {"on": today.isoformat(), "decision": decision}
    return _resume(table, record, waiting, output, today, event, by, **changes)


def staff_application(table: Table, application_id: str) -> ApplicationRecord:
    """Any member's application, for staff."""
    record = store.find_application(table, application_id)
    if record is None:
        raise Unknown("application")
    return record


def felony_review(
    table: Table, application_id: str, decision: str, reason: str, today: date, *, by: str
) -> ApplicationRecord:
    """R30: staff clear or deny the felony answer; the waiting review resumes with it."""
    record = staff_application(table, application_id)
    review = record.felony_review
    if review is None:
        raise _refused(NO_DECISION_PENDING, "no felony review is pending", "R30")
    decided = review.model_copy(
        update={"status": decision, "decided_on": today, "by": by, "reason": reason}
    )
    event = f"FELONY_{decision}"
    waiting = Waiting.FELONY_REVIEW
    return _decide(table, record, waiting, decision, event, today, by, felony_review=decided)


def staff_decision(
    table: Table,
    application_id: str,
    decision: str,
    reasons: Sequence[str],
    today: date,
    *,
    by: str,
) -> ApplicationRecord:
    """R32: staff approve or reject a complete application (a rejection with reasons)."""
    from staycertified.domain.application import StaffDecision

    record = staff_application(table, application_id)
    if decision == "REJECT" and not reasons:
        raise _refused(REJECTION_REASONS_REQUIRED, "a rejection needs its reasons", "R32")
    decided = StaffDecision(decision=decision, reasons=tuple(reasons), decided_on=today, by=by)
    event = "STAFF_APPROVED" if decision == "APPROVE" else "STAFF_REJECTED"
    waiting = Waiting.STAFF_REVIEW
    return _decide(table, record, waiting, decision, event, today, by, staff_decision=decided)


def by_status(
    table: Table, status_name: str, limit: int, cursor: str | None
) -> tuple[list[ApplicationRecord], str | None]:
    """Staff's listing of one status, a page at a time (`cursor` as a page answered)."""
    try:
        return store.by_status(table, AppStatus(status_name), limit, cursor)
    except (ValueError, json.JSONDecodeError):
        raise Refused(VALIDATION_FAILED, "Invalid status or cursor.") from None

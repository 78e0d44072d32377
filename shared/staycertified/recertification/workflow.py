"""The steps of the recertification review (statemachines/recertification_review.asl.json).

One execution per application, named by its id, started at the first submission.
Each step is `{"step": ..., "memberId", "applicationId", "on"}` (`on` is the date of
the event that moved the review: the submission, the resubmission, the staff
decision, the exam result; R40) and answers a small, bounded value:

| step        | does                                                              | answers            |
|-------------|-------------------------------------------------------------------|--------------------|
| `check`     | R29 completeness (CCP) / R31 current eligibility (EXAM), fee paid | `{"outcome"}`: INCOMPLETE, FELONY_REVIEW, STAFF_REVIEW |
| `wait`      | stores the task token and the status; INCOMPLETE notice (R29)      | (the token's output) |
| `reject`    | REJECTED, notice by email and mail (R30, R32)                      | `{"outcome"}`      |
| `authorise` | AUTHORIZED_TO_TEST, the authorisation to the bus, notice (R31)     | `{"outcome", "authorizationId"}` |
| `recertify` | R33: ACTIVE again as of `on`, notice by email and mail             | `{"outcome"}`      |

A step on a closed application (expired meanwhile) raises `ApplicationClosed`, which
the machine catches into its `Closed` outcome. Every write is guarded by the
application's version; a lost race raises `StaleApplication`, which the machine retries.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from staycertified.domain.application import ApplicationRecord, AppStatus, Waiting
from staycertified.domain.decisions import Reason
from staycertified.recertification import notices, store

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.policy import Policy

MACHINE = "recertification-review"
EXAM_EVENT_SOURCE = "staycertified.recertification"
EXAM_AUTHORIZED = "ExamAuthorized"

_WAIT_STATUS = {
    Waiting.RESUBMISSION: AppStatus.INCOMPLETE,
    Waiting.FELONY_REVIEW: AppStatus.FELONY_REVIEW,
    Waiting.STAFF_REVIEW: AppStatus.AWAITING_STAFF_REVIEW,
    Waiting.EXAM_RESULT: AppStatus.AUTHORIZED_TO_TEST,
}


class ApplicationClosed(Exception):
    """The application was closed (expired) while the review went on."""


class ApplicationMissing(Exception):
    """No application with this id (a malformed execution input)."""


def _policy() -> Policy:
    from staycertified.policy import load_policy

    return load_policy()


def _load(table: Table, event: dict[str, Any], done: AppStatus | None = None) -> ApplicationRecord:
    """The open application; or, for a retried outcome step, the one it already closed
    (`done`), so that the step finishes what it began (its notice) and nothing more."""
    record = store.get_application(table, str(event["memberId"]), str(event["applicationId"]))
    if record is None:
        raise ApplicationMissing(str(event.get("applicationId")))
    if not record.is_open and record.status != done:
        raise ApplicationClosed(record.application_id)
    return record


def _member(table: Table, member_id: str) -> Any:
    from staycertified.store import members as member_store

    found = member_store.load_member(table, member_id)
    if found is None:
        raise ApplicationMissing(member_id)
    return found


def run_step(event: dict[str, Any], *, table: Table) -> dict[str, Any]:
    step = str(event.get("step"))
    on = date.fromisoformat(str(event["on"]))
    if step == "check":
        return check(table, _load(table, event), on)
    if step == "wait":
        return wait(
            table, _load(table, event), on, Waiting(event["waitingFor"]), event["taskToken"]
        )
    if step == "reject":
        return reject(table, _load(table, event, AppStatus.REJECTED), on)
    if step == "authorise":
        return authorise(table, _load(table, event), on)
    if step == "recertify":
        return recertify(table, _load(table, event, AppStatus.RECERTIFIED), on)
    raise ValueError(f"unknown step {step!r}")


# ---------------------------------------------------------------- check (R29, R31)


def _fee_paid(table: Table, record: ApplicationRecord) -> bool:
    from staycertified.store.invoices import find_invoice, refresh

    invoice = find_invoice(table, record.fee_invoice_id)
    return invoice is not None and refresh(table, invoice).is_paid


def _exam_missing(record: ApplicationRecord, on: date, policy: Policy) -> list[Reason]:
    """R31: the CURRENT criteria of the type, by the Eligibility Assistant's engine."""
    from staycertified.domain.eligibility import (
        eligibility_rules,
        evaluate_eligibility,
        facts_from_answers,
    )
    from staycertified.domain.errors import DomainError

    try:
        rules = eligibility_rules(record.certification_type, on, policy)
    except DomainError:
        return []  # the policy sets no criteria for this type: staff judge them (R32)
    facts = facts_from_answers(rules, record.eligibility or {}, record.felony_conviction)
    answer = evaluate_eligibility(record.certification_type, facts, on, policy)
    if answer.eligible:
        return []
    lacking = "; ".join(
        f"route {r.route}: {', '.join(m.message for m in r.missing)}"
        for r in answer.routes
        if r.offered
    )
    msg = f"does not meet the current eligibility criteria ({lacking})"
    return [Reason(rule="R31", code="NOT_ELIGIBLE", message=msg)]


def check(table: Table, record: ApplicationRecord, on: date) -> dict[str, Any]:
    from staycertified.domain.dates import add_years
    from staycertified.domain.recertification import check_ccp_application

    policy = _policy()
    if record.submitted_on is None:  # the first submission: valid 1 year from it (R29)
        valid = add_years(on, policy.recertification.application_valid_years.at(on))
        record = record.model_copy(update={"submitted_on": on, "valid_until": valid})
    submitted_on = record.submitted_on or on
    fee_paid = _fee_paid(table, record)
    record = record.model_copy(update={"fee_paid": fee_paid})
    if record.route == "CCP":
        decision = check_ccp_application(record.as_domain(submitted_on), policy)
        missing = list(decision.missing)
        claimed, required = decision.points_claimed, decision.points_required
    else:
        missing = _exam_missing(record, on, policy)
        if not fee_paid:
            missing.append(
                Reason(rule="R29", code="FEE_UNPAID", message="recertification fee not paid")
            )
        claimed, required = Decimal(0), None
    record = record.model_copy(
        update={"missing": tuple(missing), "points_claimed": claimed, "points_required": required}
    )
    store.save(table, record)
    if missing:
        outcome = "INCOMPLETE"
    elif record.felony_conviction and not (
        record.felony_review and record.felony_review.status == "CLEARED"
    ):
        outcome = "FELONY_REVIEW"
    else:
        outcome = "STAFF_REVIEW"
    return {"outcome": outcome, "missing": len(missing)}


# ---------------------------------------------------------------- waits (task tokens)


def wait(
    table: Table, record: ApplicationRecord, on: date, waiting: Waiting, token: str
) -> dict[str, Any]:
    """Parks the review: the token and status on the application; the member is told
    what is missing when it is incomplete (R29), once per submission round."""
    from staycertified.domain.application import FelonyReview

    changes: dict[str, Any] = {"waiting_for": waiting, "task_token": token}
    changes["status"] = _WAIT_STATUS[waiting]
    event = f"AWAITING_{waiting.value}"
    if waiting == Waiting.FELONY_REVIEW and record.felony_review is None:
        days = _policy().recertification.felony_decision_days.at(on)
        changes["felony_review"] = FelonyReview(due_on=on + timedelta(days=days))
    if waiting == Waiting.RESUBMISSION:
        event = "INCOMPLETE"
    rounds = sum(1 for h in record.history if h.event == "INCOMPLETE")
    if record.task_token == token:  # a retry of this very wait: stored already
        saved, rounds = record, rounds - 1
    else:
        saved = store.save(table, record.with_event(on, event, MACHINE, **changes))
    if waiting == Waiting.RESUBMISSION:
        member = _member(table, saved.member_id).member
        notices.send(table, notices.INCOMPLETE, saved, member, on, round_=rounds)
    return {}


# ---------------------------------------------------------------- outcomes


def reject(table: Table, record: ApplicationRecord, on: date) -> dict[str, Any]:
    saved = record
    if record.status != AppStatus.REJECTED:
        closed = record.with_event(
            on, "REJECTED", MACHINE, status=AppStatus.REJECTED, waiting_for=None, task_token=None
        )
        saved = store.save(table, closed, release_open=True)
    member = _member(table, saved.member_id).member
    notices.send(table, notices.REJECTED, saved, member, on)
    return {"outcome": AppStatus.REJECTED.value}


def authorise(table: Table, record: ApplicationRecord, on: date) -> dict[str, Any]:
    """R31: authorised to test while the application is valid; the vendor is told."""
    from staycertified.domain.application import ExamRecord
    from staycertified.domain.recertification import exam_authorisation

    assert record.submitted_on is not None
    decided = exam_authorisation(record.submitted_on, True, _policy())
    exam = record.exam or ExamRecord(
        authorization_id="EXA" + uuid.uuid4().hex[:16].upper(),
        authorized_on=on,
        valid_until=min(decided.valid_until, record.valid_until),
    )
    saved = store.save(
        table,
        record.with_event(
            on, "AUTHORIZED_TO_TEST", MACHINE, status=AppStatus.AUTHORIZED_TO_TEST, exam=exam
        ),
    )
    store.put_exam_authorization(table, saved, exam.authorization_id)
    member = _member(table, saved.member_id).member
    _publish_authorisation(saved, member)
    notices.send(table, notices.AUTHORIZED, saved, member, on)
    return {"outcome": AppStatus.AUTHORIZED_TO_TEST.value, "authorizationId": exam.authorization_id}


def _publish_authorisation(record: ApplicationRecord, member: Any) -> None:
    """The authorisation to test, to the bus; an integration delivers it to the vendor."""
    from staycertified import aws

    exam = record.exam
    assert exam is not None
    detail = {
        "authorizationId": exam.authorization_id,
        "validUntil": exam.valid_until.isoformat(),
        "certificateNumber": record.certificate_number,
        "certificationType": record.certification_type,
        "candidate": {"firstName": member.first_name, "lastName": member.last_name},
    }
    entry = {
        "Source": EXAM_EVENT_SOURCE,
        "DetailType": EXAM_AUTHORIZED,
        "Detail": json.dumps(detail),
        "EventBusName": os.environ.get("EXAM_EVENT_BUS_NAME") or "default",
    }
    answer = aws.events().put_events(Entries=[entry])
    if answer.get("FailedEntryCount"):
        raise RuntimeError("the exam authorisation event was not accepted")


def recertify(table: Table, record: ApplicationRecord, on: date) -> dict[str, Any]:
    """R33: ACTIVE as of `on`, a new cycle from it, the anniversary moves, CCP mandatory;
    the old standing's reasons kept as history; void invoices stay void; same number."""
    from staycertified.domain.recertification import apply_recertification
    from staycertified.domain.standing import evaluate_standing

    policy = _policy()
    member_record = _member(table, record.member_id)
    cert = member_record.certification(record.certificate_number)
    if cert is None:
        raise ApplicationMissing(record.certificate_number)
    if record.status == AppStatus.RECERTIFIED:  # a retry: recorded already, tell the member
        closed = record
        cycle_end = cert.current_cycle(on, policy).end
    else:
        before = evaluate_standing(cert, on, policy)
        effect = apply_recertification(cert.certification, on, policy)
        closed = record.with_event(
            on,
            "RECERTIFIED",
            MACHINE,
            status=AppStatus.RECERTIFIED,
            recertified_on=on,
            previous_reasons=before.reasons or record.previous_reasons,
            waiting_for=None,
            task_token=None,
        )
        from staycertified.events import catalog, outbox

        activated = catalog.certification_activated(  # R36: the badge, through the outbox
            member_id=record.member_id,
            certificate_number=record.certificate_number,
            reason=catalog.ActivationReason.RECERTIFIED,
            activated_on=on,
            occurred_on=on,
        )
        store.recertify(
            table,
            closed,
            certification=effect.certification,
            last_name=member_record.member.last_name,
            cycle=effect.new_cycle,
            extra=[outbox.entry(activated)],
        )
        cycle_end = effect.new_cycle.end
    notices.send(
        table,
        notices.RECERTIFIED,
        closed,
        member_record.member,
        on,
        cycle_end=cycle_end.isoformat(),
    )
    return {"outcome": AppStatus.RECERTIFIED.value}


# ---------------------------------------------------------------- expiry (daily sweep)


def expire_applications(table: Table, today: date, sfn: Any = None) -> int:
    """R29/R31: open applications past their validity end EXPIRED, with a notice; a
    review waiting on a token is failed (`ApplicationExpired`) into its Expired outcome."""
    expired = 0
    for record in store.open_expiring_before(table, today.isoformat()):
        token = record.task_token
        closed = record.with_event(
            today,
            "EXPIRED",
            "lifecycle-sweep",
            status=AppStatus.EXPIRED,
            waiting_for=None,
            task_token=None,
        )
        try:
            saved = store.save(table, closed, release_open=True)
        except store.StaleApplication:
            continue  # moved on meanwhile; tomorrow's sweep sees it again if still open
        expired += 1
        member = _member(table, saved.member_id).member
        notices.send(table, notices.EXPIRED, saved, member, today)
        if token:
            client = sfn or _sfn()
            with contextlib.suppress(
                client.exceptions.TaskTimedOut, client.exceptions.InvalidToken
            ):
                # the execution may have ended by itself
                client.send_task_failure(
                    taskToken=token, error="ApplicationExpired", cause="validity ended"
                )
    return expired


def flag_overdue_felony_reviews(table: Table, today: date) -> int:
    """R30: a felony decision is due within 30 days (policy, `felonyReview.dueOn`). The
    daily sweep marks each review still undecided after its due day once (history
    FELONY_DECISION_OVERDUE, `felonyReview.overdueSince`) and answers how many are
    overdue, for the staff alarm. The applicant is never failed for the staff's delay:
    the review stays open until staff decide or the application expires (R29)."""
    overdue = 0
    for record in store.in_status(table, AppStatus.FELONY_REVIEW):
        review = record.felony_review
        if review is None or review.status != "PENDING" or review.due_on >= today:
            continue
        overdue += 1
        if review.overdue_since is not None:
            continue
        flagged = record.with_event(
            today,
            "FELONY_DECISION_OVERDUE",
            "lifecycle-sweep",
            felony_review=review.model_copy(update={"overdue_since": today}),
        )
        with contextlib.suppress(store.StaleApplication):
            store.save(table, flagged)  # decided meanwhile: nothing overdue any more
    return overdue


def _sfn() -> Any:
    from staycertified import aws

    return aws.stepfunctions()

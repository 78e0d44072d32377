"""What members and staff do to an audit case (R27), and how its workflow hears it.

Each operation reads the member's partition once (`audits.case`), decides with
`domain.audit_review`, writes the case with its revision condition (a concurrent
change → `AUDIT_CASE_CHANGED`, 409), and resumes the case's execution
(`audits.workflow.resume`): the execution re-reads the case and moves on, so the
API's answer is already the case's new state.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from staycertified.audits import workflow
from staycertified.audits.case import LoadedCase, load_case
from staycertified.domain import audit_review
from staycertified.domain.documents import DocumentStatus
from staycertified.domain.model import AuditCase, AuditStatus
from staycertified.store import audit_cases
from staycertified.store import documents as document_store
from staycertified.store.members import find_certification

AUDIT_CASE_CHANGED = "AUDIT_CASE_CHANGED"


class CaseChanged(Exception):
    """Someone changed the case between our read and our write (409)."""


def member_of_case(table: Any, case_id: str) -> str | None:
    """The member a case id belongs to: AUD-<year>-<certificate number>, by GSI2."""
    parts = case_id.split("-", 2)
    if len(parts) != 3 or parts[0] != "AUD":
        return None
    found = find_certification(table, parts[2])
    return found[0].member_id if found is not None else None


def _save(table: Any, loaded: LoadedCase, case: AuditCase) -> None:
    if not audit_cases.save_audit_case(table, loaded.record.member.member_id, case):
        raise CaseChanged(case.case_id)


def _reload(table: Any, member_id: str, case_id: str) -> LoadedCase:
    loaded = load_case(table, member_id, case_id)
    if loaded is None:
        raise LookupError(case_id)
    return loaded


def apply_outcome(
    table: Any, loaded: LoadedCase, status: AuditStatus, reason: str, today: date, by: str
) -> LoadedCase:
    """R27, R22.3: the case decided (once), and for a failure the certification's
    `audit_failed_on`, which makes its status RECERTIFICATION_REQUIRED. Safe to repeat."""
    member_id = loaded.record.member.member_id
    case = loaded.case
    if case.is_open:
        decided = case.model_copy(
            update={
                "status": status,
                "decided_on": today,
                "outcome_reason": reason,
                "decided_by": by,
            }
        )
        _save(table, loaded, decided)
    final = status if case.is_open else case.status
    if final == AuditStatus.FAILED:
        _record_failure(table, loaded, case.decided_on or today, reason)
    return _reload(table, member_id, case.case_id)


def _record_failure(table: Any, loaded: LoadedCase, failed_on: date, reason: str) -> None:
    """R22.3: `audit_failed_on` on the certification with the AuditFailed event (one
    transaction, once), then the R22 transition with its RecertificationRequired
    event (`store.cycles`, once). The badges capability hears both."""
    from staycertified.events import catalog, outbox
    from staycertified.store import keys
    from staycertified.store.cycles import record_recertification_required
    from staycertified.store.table import is_conditional_check_failure

    member_id, case = loaded.record.member.member_id, loaded.case
    certification = loaded.certification.certification
    update = {
        "TableName": table.name,
        "Key": {"PK": keys.member_pk(member_id), "SK": keys.cert_sk(case.certificate_number)},
        "UpdateExpression": "SET audit_failed_on = :day",
        "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(audit_failed_on)",
        "ExpressionAttributeValues": {":day": failed_on.isoformat()},
    }
    event = catalog.audit_failed(
        member_id=member_id,
        certificate_number=case.certificate_number,
        case_id=case.case_id,
        cycle_start=case.cycle_start,
        cycle_end=case.cycle_end,
        reason="DEADLINE_PASSED" if "deadline" in reason else "POINTS_SHORT",
        occurred_on=failed_on,
    )
    try:
        outbox.transact(table, [{"Update": update}], [event])
    except Exception as error:
        if not is_conditional_check_failure(error):
            raise
    record_recertification_required(
        table,
        member_id,
        case.certificate_number,
        failed_on,
        event=catalog.recertification_required(
            member_id=member_id,
            certificate_number=case.certificate_number,
            reason="AUDIT_FAILED",
            certified_on=certification.certified_on,
            since=failed_on,
            occurred_on=failed_on,
        ),
    )


def _wake(table: Any, loaded: LoadedCase) -> None:
    """Resumes the case's execution; starts it if it never was (a case opened before
    the workflow existed, or whose start was lost): it reads the case and goes on."""
    member_id, case = loaded.record.member.member_id, loaded.case
    if not workflow.resume(table, member_id, case.case_id, case.status.value):
        workflow.start(member_id, case.case_id, case.certificate_number)


def _pass_if_met(table: Any, loaded: LoadedCase, today: date, by: str) -> LoadedCase:
    outcome = audit_review.outcome_after_review(loaded.review)
    if outcome is None or not loaded.case.is_open:
        return loaded
    return apply_outcome(table, loaded, outcome.status, outcome.reason, today, by)


def submit(table: Any, member_id: str, case_id: str, today: date) -> LoadedCase:
    loaded = _reload(table, member_id, case_id)
    audit_review.check_submit(loaded.review, today)
    _save(table, loaded, audit_review.submitted(loaded.case, today))
    loaded = _pass_if_met(table, _reload(table, member_id, case_id), today, "system")
    _wake(table, loaded)
    return loaded


def decide_item(
    table: Any,
    case_id: str,
    item_id: str,
    *,
    decision: str,
    points: Decimal | None,
    reason: str,
    by: str,
    at: str,
    today: date,
) -> LoadedCase:
    """R27: staff verify or reject one item; its documents follow (ACCEPTED/REJECTED).
    The case passes as soon as verified points reach the requirement; once every
    item of a submitted case is decided and it falls short, it is open again for
    the rejected items (the member uploads and submits again until the deadline)."""
    member_id = member_of_case(table, case_id)
    loaded = load_case(table, member_id, case_id) if member_id else None
    if loaded is None or member_id is None:
        raise LookupError(case_id)
    changed = audit_review.decide_item(
        loaded.review,
        item_id,
        decision=decision,
        points=points,
        reason=reason,
        decided_by=by,
        decided_at=at,
    )
    _save(table, loaded, changed)
    verdict = (
        DocumentStatus.ACCEPTED if decision == audit_review.VERIFIED else DocumentStatus.REJECTED
    )
    for document in loaded.documents:
        if document.item_id == item_id and document.status == DocumentStatus.RECEIVED:
            document_store.decide(
                table, document, status=verdict, decided_by=by, decided_at=at, reason=reason
            )
    loaded = _pass_if_met(table, _reload(table, member_id, case_id), today, by)
    review = loaded.review
    if loaded.case.status == AuditStatus.SUBMITTED and not review.awaiting_review:
        _save(table, loaded, loaded.case.model_copy(update={"status": AuditStatus.OPEN}))
        loaded = _reload(table, member_id, case_id)
    _wake(table, loaded)
    return loaded


def extend(
    table: Any,
    case_id: str,
    *,
    days: int,
    reason: str,
    by: str,
    at: str,
    today: date,
    policy: Any,
) -> LoadedCase:
    member_id = member_of_case(table, case_id)
    loaded = load_case(table, member_id, case_id) if member_id else None
    if loaded is None or member_id is None:
        raise LookupError(case_id)
    changed = audit_review.extend(
        loaded.case,
        days=days,
        reason=reason,
        extended_by=by,
        extended_at=at,
        today=today,
        policy=policy,
    )
    _save(table, loaded, changed)
    return _reload(table, member_id, case_id)


def close_short(table: Any, case_id: str, *, reason: str, by: str, today: date) -> LoadedCase:
    member_id = member_of_case(table, case_id)
    loaded = load_case(table, member_id, case_id) if member_id else None
    if loaded is None or member_id is None:
        raise LookupError(case_id)
    outcome = audit_review.close_short(loaded.review, reason)
    loaded = apply_outcome(table, loaded, outcome.status, outcome.reason, today, by)
    _wake(table, loaded)
    return loaded


def fail_if_due(table: Any, member_id: str, case_id: str, today: date) -> str | None:
    """R27 deadlines as data (the daily sweep): the day after the deadline an open case
    that has not passed fails. Returns the new status, None if nothing changed."""
    loaded = load_case(table, member_id, case_id)
    if loaded is None or not loaded.case.is_open:
        return None
    if loaded.case.status == AuditStatus.SUBMITTED and loaded.review.awaiting_review:
        return None  # the member answered in time: staff still review
    outcome = audit_review.outcome_on(loaded.review, today)
    if outcome is None:
        return None
    try:
        loaded = apply_outcome(table, loaded, outcome.status, outcome.reason, today, "system")
    except CaseChanged:
        return None
    _wake(table, loaded)
    return loaded.case.status.value

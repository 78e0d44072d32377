"""The exam vendor's result of one attempt, recorded (R31, R33).

Each attempt is recorded once (a conditional Put on its id, in the same transaction
as the application); the review waiting for a result is then resumed: a PASS
recertifies as of ``takenOn`` (R33), a FAIL leaves the member able to retest while the
application is valid. The same attempt again records nothing (`record_result` answers
False). Refused with a stable code and nothing written (`ExamRefused`):
AUTHORIZATION_NOT_FOUND, NOT_AWAITING_EXAM_RESULT, ATTEMPT_ID_REUSED,
ATTEMPT_OUTSIDE_AUTHORIZATION. The vendor's signed webhook is `api.exam_webhook`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from staycertified.refusals import Refused

VENDOR = "exam-vendor"
ATTEMPT_ID_REUSED = "ATTEMPT_ID_REUSED"
AUTHORIZATION_NOT_FOUND = "AUTHORIZATION_NOT_FOUND"
ATTEMPT_OUTSIDE_AUTHORIZATION = "ATTEMPT_OUTSIDE_AUTHORIZATION"
NOT_AWAITING_EXAM_RESULT = "NOT_AWAITING_EXAM_RESULT"
CODES = (
    ATTEMPT_ID_REUSED,
    AUTHORIZATION_NOT_FOUND,
    ATTEMPT_OUTSIDE_AUTHORIZATION,
    NOT_AWAITING_EXAM_RESULT,
)


class ExamResult(BaseModel):
    """One attempt's result, as the vendor reports it (already authenticated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    authorization_id: str = Field(alias="authorizationId", min_length=1, max_length=80)
    attempt_id: str = Field(alias="attemptId", min_length=1, max_length=120)
    result: Literal["PASS", "FAIL"]
    taken_on: date = Field(alias="takenOn")


class ExamRefused(Refused):
    """An exam result refused: a stable code (`CODES`), nothing written."""


def record_result(table: Any, result: ExamResult, today: date) -> bool:
    """R31: the attempt once, then the waiting review resumed with it; False: the same
    attempt was recorded before (nothing written)."""
    from staycertified.domain.application import ExamAttempt, Waiting
    from staycertified.recertification import store

    known = store.get_attempt(table, result.attempt_id)
    if known is not None:
        same = (known.get("authorization_id"), known.get("result"), known.get("taken_on")) == (
            result.authorization_id,
            result.result,
            result.taken_on.isoformat(),
        )
        if not same:
            raise ExamRefused(ATTEMPT_ID_REUSED, "this attempt id was reported otherwise")
        return False
    record = store.application_of_authorization(table, result.authorization_id)
    if record is None or record.exam is None:
        raise ExamRefused(AUTHORIZATION_NOT_FOUND, "no such authorisation to test")
    exam = record.exam
    if not exam.authorized_on <= result.taken_on <= exam.valid_until or result.taken_on > today:
        msg = f"taken on {result.taken_on}, authorised {exam.authorized_on}..{exam.valid_until}"
        raise ExamRefused(ATTEMPT_OUTSIDE_AUTHORIZATION, msg)
    token = record.task_token
    if record.waiting_for != Waiting.EXAM_RESULT or not token:
        raise ExamRefused(NOT_AWAITING_EXAM_RESULT, f"the application is {record.status.value}")
    attempt = ExamAttempt(
        attempt_id=result.attempt_id,
        result=result.result,
        taken_on=result.taken_on,
        recorded_on=today,
    )
    updated = record.with_event(
        today,
        f"EXAM_{result.result}",
        VENDOR,
        exam=exam.model_copy(update={"attempts": (*exam.attempts, attempt)}),
        waiting_for=None,
        task_token=None,
    )
    try:
        store.record_attempt(
            table,
            updated,
            {
                "attempt_id": result.attempt_id,
                "authorization_id": result.authorization_id,
                "result": result.result,
                "taken_on": result.taken_on.isoformat(),
                "application_id": record.application_id,
            },
        )
    except store.StaleApplication:
        again = store.get_attempt(table, result.attempt_id)
        if again is not None:  # the same attempt, recorded concurrently
            return record_result(table, result, today)
        raise ExamRefused(NOT_AWAITING_EXAM_RESULT, "the application changed meanwhile") from None
    from staycertified import aws

    output = {"on": result.taken_on.isoformat(), "result": result.result, "by": VENDOR}
    aws.stepfunctions().send_task_success(taskToken=token, output=json.dumps(output))
    return True

"""The exam vendor's signed results as a Powertools HTTP route (R31, R40).

``POST /exam-results/webhook``, headers ``X-Exam-Timestamp`` and
``X-Exam-Signature: v1=<hex HMAC-SHA256("<timestamp>.<raw body>")>`` signed with the
exam vendor's own secret (Secrets Manager, env ``EXAM_SECRET_ID``), like the payment
webhook (`payments.signature`), body::

    {"authorizationId": "EXA...", "attemptId": "att-1", "result": "PASS", "takenOn": "2026-05-02"}

Each attempt is recorded once (a conditional Put on its id, in the same transaction
as the application); the review waiting for a result is then resumed: a PASS
recertifies as of ``takenOn`` (R33), a FAIL leaves the member able to retest while the
application is valid. Answers 200 ``{"authorizationId", "attemptId", "result",
"takenOn", "recorded"}`` (the same attempt again: the same answer, ``recorded``
false, nothing written), or 4xx ``{"code", "message"}`` with nothing written: 401
SIGNATURE_MISSING / SIGNATURE_INVALID / TIMESTAMP_OUT_OF_TOLERANCE, 400
VALIDATION_FAILED, 404 AUTHORIZATION_NOT_FOUND, 409 NOT_AWAITING_EXAM_RESULT /
ATTEMPT_ID_REUSED, 422 ATTEMPT_OUTSIDE_AUTHORIZATION.

No `from __future__ import annotations` here: Powertools reads the route's annotations.
"""

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from staycertified.api.signed_webhook import JSON, SignedCall, Signing, answer

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

PATH = "/exam-results/webhook"
TIMESTAMP_HEADER = "x-exam-timestamp"
SIGNATURE_HEADER = "x-exam-signature"
SECRET_ENV = "EXAM_SECRET_ID"
SIGNING = Signing(
    timestamp_header=TIMESTAMP_HEADER,
    signature_header=SIGNATURE_HEADER,
    secret_env=SECRET_ENV,
    rejected_metric="ExamWebhookRejected",
    name="exam webhook",
)
VENDOR = "exam-vendor"


class ExamResult(BaseModel):
    """One attempt's result, as the vendor reports it (already authenticated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    authorization_id: str = Field(alias="authorizationId", min_length=1, max_length=80)
    attempt_id: str = Field(alias="attemptId", min_length=1, max_length=120)
    result: Literal["PASS", "FAIL"]
    taken_on: date = Field(alias="takenOn")


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


def register_exam_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.event_handler.openapi.params import Header

    from staycertified.api.schemas import ErrorBody

    refused = {
        400: "Not an exam result, or no request time (VALIDATION_FAILED).",
        401: "SIGNATURE_MISSING, SIGNATURE_INVALID or TIMESTAMP_OUT_OF_TOLERANCE.",
        404: "AUTHORIZATION_NOT_FOUND.",
        409: "NOT_AWAITING_EXAM_RESULT, or ATTEMPT_ID_REUSED for another result.",
        422: "ATTEMPT_OUTSIDE_AUTHORIZATION: taken before the authorisation or after it ended.",
    }
    responses: dict[int, Any] = {
        200: {"description": "Recorded (or the same attempt again: the same answer, R31)."}
    } | {
        status: {"description": text, "content": {JSON: {"model": ErrorBody}}}
        for status, text in refused.items()
    }

    @app.post(
        PATH,
        summary="The exam vendor's signed result of one attempt (R31)",
        description=(
            "Signed with HMAC-SHA256 over `<timestamp>.<raw body>` with the exam vendor's "
            "secret; the timestamp must be within 300 s of the request time. Each attempt "
            "is recorded once; a PASS recertifies as of takenOn (R33)."
        ),
        tags=["recertification"],
        responses=responses,
    )
    def exam_result_webhook(
        timestamp: Annotated[
            str | None, Header(alias="X-Exam-Timestamp", description="Unix seconds.")
        ] = None,
        signed: Annotated[
            str | None,
            Header(alias="X-Exam-Signature", description="v1=<hex HMAC-SHA256>, comma-separated."),
        ] = None,
    ) -> Response[Any]:
        return _receive(app)


def _receive(app: "APIGatewayHttpResolver") -> "Response[Any]":
    from pydantic import ValidationError

    from staycertified import config
    from staycertified.api.signed_webhook import signed_call
    from staycertified.domain.dates import local_date
    from staycertified.observability import logger, metrics

    call = signed_call(app, SIGNING)
    if not isinstance(call, SignedCall):
        return call
    try:
        result = ExamResult.model_validate(call.data)
    except (ValueError, ValidationError, TypeError):
        return answer(400, {"code": "VALIDATION_FAILED", "message": "not an exam result"})
    today = local_date(call.now, config.settings().body_time_zone)
    try:
        recorded = record_result(app.context["table"], result, today)
    except Refused as refusal:
        logger.info("exam result refused", extra={"code": refusal.code})
        return answer(refusal.status, {"code": refusal.code, "message": refusal.message})
    metrics.add_metric(name="ExamResultsRecorded", unit="Count", value=1)
    return answer(200, recorded)


def _view(result: ExamResult, recorded: bool) -> dict[str, Any]:
    return {
        "authorizationId": result.authorization_id,
        "attemptId": result.attempt_id,
        "result": result.result,
        "takenOn": result.taken_on.isoformat(),
        "recorded": recorded,
    }


def record_result(table: Any, result: ExamResult, today: date) -> dict[str, Any]:
    """R31: the attempt once, then the waiting review resumed with it."""
    from staycertified.recertification import store
    from staycertified.recertification.model import ExamAttempt, Waiting

    known = store.get_attempt(table, result.attempt_id)
    if known is not None:
        same = (known.get("authorization_id"), known.get("result"), known.get("taken_on")) == (
            result.authorization_id,
            result.result,
            result.taken_on.isoformat(),
        )
        if not same:
            raise Refused(409, "ATTEMPT_ID_REUSED", "this attempt id was reported otherwise")
        return _view(result, recorded=False)
    record = store.application_of_authorization(table, result.authorization_id)
    if record is None or record.exam is None:
        raise Refused(404, "AUTHORIZATION_NOT_FOUND", "no such authorisation to test")
    exam = record.exam
    if not exam.authorized_on <= result.taken_on <= exam.valid_until or result.taken_on > today:
        msg = f"taken on {result.taken_on}, authorised {exam.authorized_on}..{exam.valid_until}"
        raise Refused(422, "ATTEMPT_OUTSIDE_AUTHORIZATION", msg)
    token = record.task_token
    if record.waiting_for != Waiting.EXAM_RESULT or not token:
        raise Refused(409, "NOT_AWAITING_EXAM_RESULT", f"the application is {record.status.value}")
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
        raise Refused(
            409, "NOT_AWAITING_EXAM_RESULT", "the application changed meanwhile"
        ) from None
    from staycertified import aws

    output = {"on": result.taken_on.isoformat(), "result": result.result, "by": VENDOR}
    aws.stepfunctions().send_task_success(taskToken=token, output=json.dumps(output))
    return _view(result, recorded=True)


def exam_api() -> "APIGatewayHttpResolver":
    from staycertified.api.signed_webhook import resolver

    return resolver(register_exam_routes)


def handle(
    event: dict[str, Any], context: Any, *, table: Any = None, secret: str | None = None
) -> dict[str, Any]:
    from staycertified.api import signed_webhook

    return signed_webhook.handle(register_exam_routes, event, context, table=table, secret=secret)


def document_request_body(document: dict[str, Any]) -> None:
    """The result's schema on the webhook's operation (the route reads the raw body)."""
    from staycertified.api.signed_webhook import document_body

    document_body(
        document, PATH, "ExamResultNotification", ExamResult.model_json_schema(by_alias=True)
    )

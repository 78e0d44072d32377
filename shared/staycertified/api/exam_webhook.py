"""The exam vendor's signed results as a Powertools HTTP route (R31, R40).

``POST /exam-results/webhook``, headers ``X-Exam-Timestamp`` and
``X-Exam-Signature: v1=<hex HMAC-SHA256("<timestamp>.<raw body>")>`` signed with the
exam vendor's own secret (Secrets Manager, env ``EXAM_SECRET_ID``), like the payment
webhook (`payments.signature`), body::

    {"authorizationId": "EXA...", "attemptId": "att-1", "result": "PASS", "takenOn": "2026-05-02"}

Each attempt is recorded once and the waiting review resumed
(`recertification.exam.record_result`, R31, R33). Answers 200 ``{"authorizationId",
"attemptId", "result", "takenOn", "recorded"}`` (the same attempt again: the same
answer, ``recorded`` false, nothing written), or 4xx ``{"code", "message"}`` with nothing written: 401
SIGNATURE_MISSING / SIGNATURE_INVALID / TIMESTAMP_OUT_OF_TOLERANCE, 400
VALIDATION_FAILED, 404 AUTHORIZATION_NOT_FOUND, 409 NOT_AWAITING_EXAM_RESULT /
ATTEMPT_ID_REUSED, 422 ATTEMPT_OUTSIDE_AUTHORIZATION.

No `from __future__ import annotations` here: Powertools reads the route's annotations.
"""

from typing import TYPE_CHECKING, Annotated, Any

from staycertified.api.signed_webhook import JSON, SignedCall, Signing, answer

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

    from staycertified.recertification.exam import ExamResult

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
    from staycertified.api.errors import status_of
    from staycertified.api.signed_webhook import signed_call
    from staycertified.domain.dates import local_date
    from staycertified.observability import logger, metrics
    from staycertified.recertification.exam import ExamRefused, ExamResult, record_result

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
    except ExamRefused as refusal:
        logger.info("exam result refused", extra={"code": refusal.code})
        return answer(status_of(refusal.code), {"code": refusal.code, "message": refusal.message})
    metrics.add_metric(name="ExamResultsRecorded", unit="Count", value=1)
    return answer(200, _view(result, recorded))


def _view(result: "ExamResult", recorded: bool) -> dict[str, Any]:
    return {
        "authorizationId": result.authorization_id,
        "attemptId": result.attempt_id,
        "result": result.result,
        "takenOn": result.taken_on.isoformat(),
        "recorded": recorded,
    }


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
    from staycertified.recertification.exam import ExamResult

    document_body(
        document, PATH, "ExamResultNotification", ExamResult.model_json_schema(by_alias=True)
    )

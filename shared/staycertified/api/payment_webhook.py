"""The payment provider's signed webhook as a Powertools HTTP route (R6, R7, R40).

``POST /payments/webhook``, headers ``X-Payment-Timestamp`` and
``X-Payment-Signature: v1=<hex HMAC-SHA256("<timestamp>.<raw body>")>``
(see `payments.signature`), body::

    {"type": "payment.succeeded", "paymentId": "pay_123", "invoiceId": "INV-RMA-1-2027",
     "amount": "50.00", "currency": "USD", "paidAt": "2027-04-02T15:04:05Z"}

Answers 200 with the payment (the same answer for the same payment id, R7);
200 ``{"received": true, "type", "changed": false, "rule": "R6"}`` for any other
event type (failed, pending, cancelled, disputed, unknown: nothing changes, R6); or
4xx ``{"code", "message"}`` with nothing written: 401 SIGNATURE_MISSING /
SIGNATURE_INVALID / TIMESTAMP_OUT_OF_TOLERANCE, 400 VALIDATION_FAILED, and the
codes of ``staycertified.payments.service``. "Now" is the request time (R40).

The route reads the raw bytes (base64 undone) and the request time, and checks
the signature over the raw body *before* parsing it (`staycertified.body`:
bounded JSON, 400 BODY_* codes; a `paidAt` outside the plausible window answers
422 PAID_AT_IMPLAUSIBLE, `payments.service.paid_instant`), so the body
is not a validated parameter (its schema is added to the OpenAPI document by
`document_request_body`). The secret comes from Powertools Parameters
(`signature.webhook_secret`). What both signed webhooks share is in
`staycertified.api.signed_webhook`.

No `from __future__ import annotations` here: Powertools reads the route's
annotations at registration.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from staycertified.api.signed_webhook import JSON, SignedCall, Signing, answer

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

PATH = "/payments/webhook"
SIGNING = Signing(
    timestamp_header="x-payment-timestamp",  # payments.signature's defaults
    signature_header="x-payment-signature",
    secret_env="PAYMENT_SECRET_ID",
    rejected_metric="WebhookRejected",
    name="webhook",
)


def register_webhook_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.event_handler.openapi.params import Header

    from staycertified.api.schemas import ErrorBody, PaymentOut

    refused = {
        400: (
            "Not a payment notification, or no request time (VALIDATION_FAILED); a body "
            "that is not plain, bounded JSON (BODY_NOT_UTF8, BODY_TOO_DEEP, "
            "NUMBER_TOO_LONG)."
        ),
        401: "SIGNATURE_MISSING, SIGNATURE_INVALID or TIMESTAMP_OUT_OF_TOLERANCE.",
        404: "INVOICE_NOT_FOUND.",
        409: "INVOICE_ALREADY_PAID, INVOICE_VOID or PAYMENT_ID_REUSED (R7).",
        422: (
            "WRONG_AMOUNT (R7), FEE_NOT_REFUNDABLE (R6), or PAID_AT_IMPLAUSIBLE (R6: paidAt "
            "more than 30 days before the request time or more than 300 s after it)."
        ),
    }
    responses: dict[int, Any] = {
        200: {
            "description": (
                "The payment applied (or the earlier answer, R7); any event type other than "
                "payment.succeeded is acknowledged with {received, type, changed: false} and "
                "changes nothing (R6)."
            ),
            "content": {JSON: {"model": PaymentOut}},
        }
    } | {
        status: {"description": text, "content": {JSON: {"model": ErrorBody}}}
        for status, text in refused.items()
    }

    @app.post(
        PATH,
        summary="The payment provider's signed payment notification (R6, R7)",
        description=(
            "Signed with HMAC-SHA256 over `<timestamp>.<raw body>` with the shared secret; "
            "the timestamp must be within 300 s of the request time. The same payment id "
            "again answers the first answer and changes nothing (R7)."
        ),
        tags=["payments"],
        responses=responses,
    )
    def payment_webhook(
        timestamp: Annotated[
            str | None, Header(alias="X-Payment-Timestamp", description="Unix seconds.")
        ] = None,
        signed: Annotated[
            str | None,
            Header(
                alias="X-Payment-Signature", description="v1=<hex HMAC-SHA256>, comma-separated."
            ),
        ] = None,
    ) -> Response[Any]:
        return _apply(app)


def _apply(app: "APIGatewayHttpResolver") -> "Response[Any]":
    from staycertified.api.signed_webhook import signed_call

    call = signed_call(app, SIGNING)
    if not isinstance(call, SignedCall):
        return call
    return _pay(app, call.data, call.now)


def _pay(app: "APIGatewayHttpResolver", data: Any, now: datetime) -> "Response[Any]":
    from pydantic import ValidationError

    from staycertified import config
    from staycertified.api.errors import status_of
    from staycertified.domain.dates import local_date
    from staycertified.observability import logger, metrics
    from staycertified.payments import service as billing

    ignored = billing.ignored_event(data)  # R6: only a succeeded payment changes anything
    if ignored is not None:
        logger.info("provider event acknowledged", extra={"type": ignored["type"]})
        return answer(200, ignored)
    try:
        notification = billing.ProviderPayment.model_validate(data)
    except (ValueError, ValidationError, AttributeError, TypeError):
        return answer(400, {"code": "VALIDATION_FAILED", "message": "not a payment notification"})
    try:
        instant = billing.paid_instant(data.get("paidAt"), now)
        received_on = local_date(instant, config.settings().body_time_zone)
        applied = billing.apply_provider_payment(
            notification, received_on=received_on, table=app.context["table"]
        )
    except billing.PaymentRefused as error:
        logger.info("payment refused", extra={"code": error.code})
        metrics.add_metric(name="PaymentRefused", unit="Count", value=1)
        return answer(status_of(error.code), error.body())
    metrics.add_metric(name="InvoicesPaid", unit="Count", value=1)
    # the provider's payment id, not the invoice id (INV-<certificate number>-<year>: personal)
    logger.info("payment applied", extra={"paymentId": notification.payment_id})
    return answer(200, applied)


def webhook_api() -> "APIGatewayHttpResolver":
    from staycertified.api.signed_webhook import resolver

    return resolver(register_webhook_routes)


def handle(
    event: dict[str, Any], context: Any, *, table: Any = None, secret: str | None = None
) -> dict[str, Any]:
    """Resolves one webhook call; the table and the secret may be handed in by a test."""
    from staycertified.api import signed_webhook

    return signed_webhook.handle(
        register_webhook_routes, event, context, table=table, secret=secret
    )


def document_request_body(document: dict[str, Any]) -> None:
    """Adds the notification's schema to the webhook's operation in an OpenAPI document
    (the route reads the raw body itself, so Powertools cannot see it)."""
    from staycertified.api import signed_webhook
    from staycertified.payments import service as billing

    schema = billing.ProviderPayment.model_json_schema(by_alias=True)
    schema["properties"]["paidAt"] = {
        "type": "string",
        "format": "date-time",
        "description": "When the member paid; the request time when absent (R40).",
    }
    signed_webhook.document_body(document, PATH, "PaymentNotification", schema)

"""PaymentWebhookFunction: the payment provider's signed webhook (R6, R7).

``POST /payments/webhook``, headers ``X-Payment-Timestamp`` and
``X-Payment-Signature: v1=<hex HMAC-SHA256("<timestamp>.<raw body>")>``
(see ``staycertified.payments.signature``), body::

    {"type": "payment.succeeded", "paymentId": "pay_123", "invoiceId": "INV-RMA-1-2027",
     "amount": "50.00", "currency": "USD", "paidAt": "2027-04-02T15:04:05Z"}

Answers 200 with the payment (the same answer for the same payment id, R7), or
4xx ``{"code", "message"}`` with nothing written: 401 SIGNATURE_MISSING /
SIGNATURE_INVALID / TIMESTAMP_OUT_OF_TOLERANCE, 400 VALIDATION_FAILED, and the
codes of ``staycertified.billing``. "Now" is the request time (R40).
"""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from typing import Any

from staycertified.observability import logger, metrics, traced


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }


def handle(
    event: dict[str, Any], *, table: Any = None, secret: str | None = None
) -> dict[str, Any]:
    from pydantic import ValidationError

    from staycertified import billing
    from staycertified.domain.dates import local_date
    from staycertified.payments import signature
    from staycertified.policy import load_policy
    from staycertified.renewals import clients

    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode()
    epoch_ms = (event.get("requestContext") or {}).get("timeEpoch")
    if not isinstance(epoch_ms, int | float):
        return _response(400, {"code": "VALIDATION_FAILED", "message": "no request time"})
    now = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    try:
        _verify(event, body, now.timestamp(), secret)
    except signature.SignatureError as error:
        metrics.add_metric(name="WebhookRejected", unit="Count", value=1)
        logger.warning("webhook signature refused", extra={"code": error.code})
        return _response(401, {"code": error.code, "message": error.message})
    try:
        data = json.loads(body)
        notification = billing.ProviderPayment.model_validate(data)
        paid_at = data.get("paidAt")
        instant = datetime.fromisoformat(paid_at.replace("Z", "+00:00")) if paid_at else now
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
    except (ValueError, ValidationError, AttributeError, TypeError):
        return _response(
            400, {"code": "VALIDATION_FAILED", "message": "not a payment notification"}
        )
    received_on = local_date(instant, load_policy().time_zone(instant.date()))
    try:
        answer = billing.apply_provider_payment(
            notification,
            received_on=received_on,
            table=table if table is not None else clients.table(os.environ["TABLE_NAME"]),
        )
    except billing.BillingError as error:
        logger.info("payment refused", extra={"code": error.code})
        metrics.add_metric(name="PaymentRefused", unit="Count", value=1)
        return _response(error.status, error.body())
    metrics.add_metric(name="InvoicesPaid", unit="Count", value=1)
    logger.info("payment applied", extra={"invoiceId": notification.invoice_id})
    return _response(200, answer)


def _verify(event: dict[str, Any], body: bytes, now_epoch: float, secret: str | None) -> None:
    """Verify with the cached secret; on a mismatch, once more with a fresh one (rotation)."""
    from staycertified.payments import signature

    headers = event.get("headers") or {}
    if secret is not None:
        signature.verify(secret=secret, headers=headers, body=body, now_epoch=now_epoch)
        return
    try:
        signature.verify(
            secret=signature.webhook_secret(), headers=headers, body=body, now_epoch=now_epoch
        )
    except signature.SignatureError as error:
        if error.code != signature.SIGNATURE_INVALID:
            raise
        signature.forget_secret()
        signature.verify(
            secret=signature.webhook_secret(), headers=headers, body=body, now_epoch=now_epoch
        )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event)

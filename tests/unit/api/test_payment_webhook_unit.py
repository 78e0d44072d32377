"""The payment webhook through the Powertools resolver (R6, R40): the resolver
decodes the body, the route checks the signature over the raw bytes first."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from .support import answer, function_module, signed_webhook_event

webhook = function_module("payment_webhook")
SECRET = "unit-secret"
TODAY = date(2026, 3, 2)
BODY = json.dumps(
    {"paymentId": "pay_1", "invoiceId": "INV-RMA-1-2026", "amount": "50.00", "currency": "USD"}
)


def signed_event(body: str, *, base64_body: bool, secret: str = SECRET) -> dict[str, Any]:
    return signed_webhook_event(body, today=TODAY, secret=secret, base64_body=base64_body)


def test_r6_a_base64_body_is_verified_over_its_decoded_bytes(table: Any) -> None:
    event = signed_event(BODY, base64_body=True)
    status, body = answer(webhook.handle(event, None, table=table, secret=SECRET))
    assert (status, body["code"]) == (404, "INVOICE_NOT_FOUND")


def test_r6_a_wrong_secret_is_refused_before_the_body_is_read(table: Any) -> None:
    event = signed_event("not json", base64_body=False, secret="other")
    status, body = answer(webhook.handle(event, None, table=table, secret=SECRET))
    assert status == 401
    assert body == {"code": "SIGNATURE_INVALID", "message": "signature does not match"}


def test_r40_without_a_request_time_the_call_is_refused(table: Any) -> None:
    event = signed_event(BODY, base64_body=False)
    del event["requestContext"]["timeEpoch"]
    status, body = answer(webhook.handle(event, None, table=table, secret=SECRET))
    assert (status, body["code"]) == (400, "VALIDATION_FAILED")

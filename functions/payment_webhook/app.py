"""PaymentWebhookFunction: the payment provider's signed webhook (R6, R7).

Thin: Powertools decorators, then the webhook route of
`staycertified.api.payment_webhook` (a Powertools HTTP resolver), which documents
the headers, the body and every answer.
"""

from __future__ import annotations

from typing import Any

from staycertified.observability import lambda_entry


def handle(
    event: dict[str, Any], context: Any = None, *, table: Any = None, secret: str | None = None
) -> dict[str, Any]:
    from staycertified.api import payment_webhook as webhook

    return webhook.handle(event, context, table=table, secret=secret)


lambda_handler = lambda_entry(handle, with_context=True)

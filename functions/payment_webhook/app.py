"""PaymentWebhookFunction: the payment provider's signed webhook (R6, R7).

Thin: Powertools decorators, then the webhook route of
`staycertified.payments.webhook` (a Powertools HTTP resolver), which documents
the headers, the body and every answer.
"""

from __future__ import annotations

from typing import Any

from staycertified.observability import logger, metrics, traced


def handle(
    event: dict[str, Any], context: Any = None, *, table: Any = None, secret: str | None = None
) -> dict[str, Any]:
    from staycertified.payments import webhook

    return webhook.handle(event, context, table=table, secret=secret)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event, context)

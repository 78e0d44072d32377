"""ExamResultsWebhookFunction: the exam vendor's signed result of each attempt (R31).

Thin: Powertools decorators, then the route of `staycertified.recertification.exam`.
"""

from __future__ import annotations

from typing import Any

from staycertified.observability import logger, metrics, traced


def handle(
    event: dict[str, Any], context: Any = None, *, table: Any = None, secret: str | None = None
) -> dict[str, Any]:
    from staycertified.recertification import exam

    return exam.handle(event, context, table=table, secret=secret)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event, context)

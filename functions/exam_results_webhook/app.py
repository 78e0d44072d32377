"""ExamResultsWebhookFunction: the exam vendor's signed result of each attempt (R31).

Thin: Powertools decorators, then the route of `staycertified.api.exam_webhook`.
"""

from __future__ import annotations

from typing import Any

from staycertified.observability import lambda_entry


def handle(
    event: dict[str, Any], context: Any = None, *, table: Any = None, secret: str | None = None
) -> dict[str, Any]:
    from staycertified.api import exam_webhook as exam

    return exam.handle(event, context, table=table, secret=secret)


lambda_handler = lambda_entry(handle, with_context=True)

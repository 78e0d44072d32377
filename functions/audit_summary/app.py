"""AuditSummaryFunction: the audit run's report and metrics (R25, R26).

Input: ``{"draw": <the draw's output>, "notices": [<one result per item>]}``; see
``staycertified.audits.summary``.
"""

from __future__ import annotations

import os
from typing import Any

from staycertified.observability import logger, metrics, traced


def handle(event: dict[str, Any], *, s3: Any = None) -> dict[str, Any]:
    from staycertified import aws
    from staycertified.audits.summary import summarize

    summary = summarize(
        event,
        s3=s3 if s3 is not None else aws.s3(),
        mail_bucket=os.environ["MAIL_BUCKET"],
        metrics=metrics,
    )
    logger.info(
        "audit run summarised",
        extra={k: summary[k] for k in ("runId", "auditYear", "notices", "failedItems")},
    )
    return summary


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event)

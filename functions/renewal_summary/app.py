"""RenewalSummaryFunction: the run report, the print-house manifest and the run's metrics.

Input: ``{"runId", "plan", "batches": [batch results]}``; see
``staycertified.renewals.summary``.
"""

from __future__ import annotations

import os
from typing import Any

from staycertified.observability import logger, metrics, traced


def handle(event: dict[str, Any], *, s3: Any = None) -> dict[str, Any]:
    from staycertified import aws
    from staycertified.renewals.summary import summarize

    summary = summarize(
        event,
        s3=s3 if s3 is not None else aws.s3(),
        mail_bucket=os.environ["MAIL_BUCKET"],
        metrics=metrics,
    )
    logger.info(
        "renewal run summarised",
        extra={"runId": summary["runId"], "outcomes": summary["outcomes"]},
    )
    return summary


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event)

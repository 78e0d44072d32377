"""The summary step of a notice run (renewals, audits): the run's summarise function
with the mail bucket, S3 and the metrics, and one log line of counts (no personal
data: `logged` names the summary's keys that go to the log)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from staycertified.observability import logger, metrics

Summarize = Callable[..., dict[str, Any]]


def summarise_run(
    summarize: Summarize,
    event: dict[str, Any],
    *,
    s3: Any = None,
    message: str,
    logged: Iterable[str],
) -> dict[str, Any]:
    from staycertified import aws

    summary = summarize(
        event,
        s3=s3 if s3 is not None else aws.s3(),
        mail_bucket=os.environ["MAIL_BUCKET"],
        metrics=metrics,
    )
    logger.info(message, extra={key: summary[key] for key in logged})
    return summary

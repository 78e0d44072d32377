"""AuditSummaryFunction: the audit run's report and metrics (R25, R26).

Input: ``{"draw": <the draw's output>}`` (each case's result is read from its part); see
``staycertified.audits.summary``.
"""

from __future__ import annotations

from typing import Any

from staycertified.observability import lambda_entry


def handle(event: dict[str, Any], *, s3: Any = None) -> dict[str, Any]:
    from staycertified.audits.summary import summarize
    from staycertified.run_summary import summarise_run

    return summarise_run(
        summarize,
        event,
        s3=s3,
        message="audit run summarised",
        logged=("runId", "auditYear", "notices", "failedItems"),
    )


lambda_handler = lambda_entry(handle)

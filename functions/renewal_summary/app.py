"""RenewalSummaryFunction: the run report, the print-house manifest and the run's metrics.

Input: ``{"runId", "plan"}`` (the batches' tallies are read from their parts); see
``staycertified.renewals.summary``.
"""

from __future__ import annotations

from typing import Any

from staycertified.observability import lambda_entry


def handle(event: dict[str, Any], *, s3: Any = None) -> dict[str, Any]:
    from staycertified.renewals.summary import summarize
    from staycertified.run_summary import summarise_run

    return summarise_run(
        summarize, event, s3=s3, message="renewal run summarised", logged=("runId", "outcomes")
    )


lambda_handler = lambda_entry(handle)

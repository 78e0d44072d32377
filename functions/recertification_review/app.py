"""RecertificationReviewFunction: the steps of the recertification review (R29-R33).

Invoked by `statemachines/recertification_review.asl.json` with
`{"step", "memberId", "applicationId", "on", ...}`; see
`staycertified.recertification.workflow` for the steps and what each answers.
"""

from __future__ import annotations

from typing import Any

from staycertified.observability import lambda_entry, logger


def handle(event: dict[str, Any], *, table: Any = None) -> dict[str, Any]:
    from staycertified.recertification import workflow
    from staycertified.store.table import default_table

    logger.info("recertification step", extra={"step": event.get("step")})
    return workflow.run_step(event, table=table if table is not None else default_table())


lambda_handler = lambda_entry(handle)

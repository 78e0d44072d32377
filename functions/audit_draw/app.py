"""AuditDrawFunction: the year's audit draw, stored once, and its cases (R25, R26).

Input: the execution input (``{"runId", "asOf", ...}``); output: the draw's counts
and the key of ``audits/<year>/selected.json``. See ``staycertified.audits.draw``.
"""

from __future__ import annotations

import os
from typing import Any

from staycertified.observability import lambda_entry, logger, metrics


def handle(event: dict[str, Any], *, table: Any = None, s3: Any = None) -> dict[str, Any]:
    from staycertified import aws, config
    from staycertified.audits.draw import DrawInput, run_draw
    from staycertified.policy import load_policy

    run = DrawInput.model_validate(event)
    result = run_draw(
        run,
        table=table if table is not None else config.table(),
        s3=s3 if s3 is not None else aws.s3(),
        mail_bucket=os.environ["MAIL_BUCKET"],
        policy=load_policy(),
    )
    logger.info(
        "audit draw",
        extra={
            k: result[k]
            for k in (
                "runId",
                "auditYear",
                "drawReused",
                "poolSize",
                "selectedCount",
                "casesOpened",
            )
        },
    )
    metrics.add_metric(name="AuditCasesOpened", unit="Count", value=result["casesOpened"])
    return result


lambda_handler = lambda_entry(handle)

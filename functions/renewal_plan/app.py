"""RenewalPlanFunction: plans a month's renewal notices into batches (R3, R4).

Input: the execution input (``{"runId", "runMonth", "asOf"}``); output:
``{"runId", "runMonth", "asOf", "batchesKey", "batches", "counts"}``.
"""

from __future__ import annotations

import os
from typing import Any

from staycertified.observability import lambda_entry, logger, metrics


def handle(event: dict[str, Any], *, table: Any = None, s3: Any = None) -> dict[str, Any]:
    from staycertified import aws, config
    from staycertified.policy import load_policy
    from staycertified.renewals.plan import DEFAULT_BATCH_SIZE, RunInput, plan_month

    run = RunInput.model_validate(event)
    plan = plan_month(
        run,
        table=table if table is not None else config.table(),
        s3=s3 if s3 is not None else aws.s3(),
        mail_bucket=os.environ["MAIL_BUCKET"],
        policy=load_policy(),
        batch_size=int(os.environ.get("RENEWAL_BATCH_SIZE", DEFAULT_BATCH_SIZE)),
    )
    logger.info("renewal month planned", extra={"runId": run.run_id, "counts": plan["counts"]})
    metrics.add_metric(name="RenewalsPlanned", unit="Count", value=plan["counts"]["certifications"])
    return plan


lambda_handler = lambda_entry(handle)

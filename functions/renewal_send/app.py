"""RenewalSendFunction: invoices and sends one batch of renewal notices (R3-R5).

Input: one batch of the plan's S3 array (``staycertified.renewals.model.Batch``);
output: ``BatchOutcome``, the batch's counts and the key of its part (the part in
S3 holds the tallies and the letters: the state stays bounded, STYLE 14). A transient fault
that outlives the clients' retries fails the batch with ``TransientError``,
which the state machine retries; the notice ledger makes the retry safe.
"""

from __future__ import annotations

import os
from typing import Any

from staycertified.observability import lambda_entry, logger, metrics


def handle(event: dict[str, Any], *, ports: Any = None) -> dict[str, Any]:
    from staycertified.renewals.model import Batch, BatchOutcome
    from staycertified.renewals.send import send_batch

    batch = Batch.model_validate(event)
    result = send_batch(batch, ports or default_ports())
    logger.info(
        "renewal batch sent",
        extra={"runId": batch.run_id, "batchNo": batch.batch_no, "failures": result.failures},
    )
    outcome = BatchOutcome.of(result)
    metrics.add_metric(name="RenewalNoticesSent", unit="Count", value=outcome.sent)
    return outcome.model_dump(mode="json", by_alias=True)


def default_ports() -> Any:
    from staycertified import aws, config
    from staycertified.notify.email import send_email
    from staycertified.notify.mailroom import post_letter
    from staycertified.policy import load_policy
    from staycertified.renewals.send import Ports

    return Ports(
        table=config.table(),
        s3=aws.s3(),
        mail_bucket=os.environ["MAIL_BUCKET"],
        send_email=send_email,
        post_letter=post_letter,
        policy=load_policy(),
        logger=logger,
    )


lambda_handler = lambda_entry(handle)

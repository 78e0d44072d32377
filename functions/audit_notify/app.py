"""AuditNotifyFunction: the audit notice to one selected member, email and letter (R26).

Input: one item of ``audits/<year>/selected.json``; output: counts and the key of the
case's part (``CaseOutcome``: the outcomes per channel are in the part, so the Map's
state stays bounded whatever the draw's size). Each channel goes once through the
notice ledger (R5); see ``staycertified.audits.notify``.
"""

from __future__ import annotations

import os
from typing import Any

from staycertified.observability import lambda_entry, logger, metrics


def handle(event: dict[str, Any], *, ports: Any = None) -> dict[str, Any]:
    from staycertified.audits.notify import AuditItem, CaseOutcome, notify_case

    item = AuditItem.model_validate(event)
    result = notify_case(item, ports or default_ports())
    # no case id: it names a certificate (AUD-<year>-<certificate number>), personal data
    logger.info("audit notice", extra={"runId": item.run_id, "outcomes": result["outcomes"]})
    outcome = CaseOutcome.of(result)
    metrics.add_metric(name="AuditNoticesSent", unit="Count", value=outcome.sent)
    return outcome.model_dump(by_alias=True)


def default_ports() -> Any:
    from staycertified import aws, config
    from staycertified.audits.notify import Ports
    from staycertified.notify.email import send_email
    from staycertified.notify.mailroom import post_letter
    from staycertified.policy import load_policy

    return Ports(
        table=config.table(),
        send_email=send_email,
        post_letter=post_letter,
        policy=load_policy(),
        s3=aws.s3(),
        mail_bucket=os.environ["MAIL_BUCKET"],
    )


lambda_handler = lambda_entry(handle)

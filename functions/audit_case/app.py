"""AuditCaseFunction: the steps of one audit case's execution (R26, R27).

`inspect` answers the case's status; `park` stores the task token the execution
waits on (AwaitSubmission, AwaitReview); `outcome` applies a decided case's
consequences (notices; for a failure R22.3, R42, the domain events). See
`staycertified.audits.workflow`.
"""

from __future__ import annotations

from typing import Any

from staycertified.observability import lambda_entry, metrics


def handle(event: dict[str, Any], *, table: Any = None, ports: Any = None) -> dict[str, Any]:
    from staycertified import config
    from staycertified.audits import workflow

    table = table if table is not None else config.table()
    action = str(event["action"])
    member_id, case_id = str(event["memberId"]), str(event["caseId"])
    if action == "inspect":
        return workflow.inspect(table, member_id, case_id)
    if action == "park":
        return workflow.park(table, member_id, case_id, str(event["stage"]), str(event["token"]))
    if action == "outcome":
        status = str(event["status"])
        result = workflow.outcome(table, member_id, case_id, status, ports or default_ports(table))
        metrics.add_metric(name=f"Audits{status.title()}", unit="Count", value=1)
        return result
    raise ValueError(f"unknown action {action!r}")


def default_ports(table: Any) -> Any:
    from staycertified.audits.outcome_notices import Ports
    from staycertified.notify.email import send_email
    from staycertified.notify.mailroom import post_letter
    from staycertified.policy import load_policy

    return Ports(
        table=table,
        send_email=send_email,
        post_letter=post_letter,
        policy=load_policy(),
    )


lambda_handler = lambda_entry(handle)

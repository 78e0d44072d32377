"""The audit case as a Step Functions execution (statemachines/audit_case.asl.json).

One execution per case, named by its case id, started by the audit sampling run
(`start`). It loops: Inspect reads the case; OPEN waits for the member
(AwaitSubmission), SUBMITTED waits for staff (AwaitReview), each as a task token
stored with the case (`park`); PASSED and FAILED go to explicit outcome states that
apply the outcome's consequences (`outcome`: notices, and for a failure R22.3 /
R42 / the domain event) and end the execution SUCCEEDED with the outcome.

The API and the daily sweep change the case and then `resume` the waiting token;
the execution re-reads the case, so a resume can never carry a stale decision.
A token parked after the case already moved on resumes itself at once.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

from staycertified.observability import logger
from staycertified.store import audit_cases

STATE_MACHINE_ENV = "AUDIT_CASE_STATE_MACHINE_ARN"
WAITING_FOR = {"SUBMISSION": "OPEN", "REVIEW": "SUBMITTED"}


def _sfn() -> Any:
    from staycertified import aws

    return aws.stepfunctions()


def _gone(error: Exception) -> bool:
    code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code", "")
    return code in ("TaskDoesNotExist", "InvalidToken", "TaskTimedOut")


def resume(table: Any, member_id: str, case_id: str, status: str, sfn: Any = None) -> bool:
    """Wakes the case's waiting execution (if one waits); False if none did."""
    token = audit_cases.take_task_token(table, member_id, case_id)
    if token is None:
        return False
    try:
        (sfn or _sfn()).send_task_success(taskToken=token, output=json.dumps({"status": status}))
    except Exception as error:
        if _gone(error):
            return False
        raise
    return True


def start(member_id: str, case_id: str, certificate_number: str, sfn: Any = None) -> bool:
    """Starts the case's execution, named by its case id (a second start is refused by
    Step Functions itself); False if it already exists or no machine is configured."""
    arn = os.environ.get(STATE_MACHINE_ENV, "")
    if not arn:
        return False
    client = sfn or _sfn()
    try:
        client.start_execution(
            stateMachineArn=arn,
            name=case_id,
            input=json.dumps(
                {"memberId": member_id, "caseId": case_id, "certificateNumber": certificate_number}
            ),
        )
    except client.exceptions.ExecutionAlreadyExists:
        return False
    return True


def inspect(table: Any, member_id: str, case_id: str) -> dict[str, Any]:
    from staycertified.store.audit_cases import get_audit_case

    case = get_audit_case(table, member_id, case_id)
    if case is None:
        raise LookupError("audit case not found")  # its id names a certificate: not logged
    return {"status": case.status.value}


def park(
    table: Any, member_id: str, case_id: str, stage: str, token: str, sfn: Any = None
) -> dict[str, Any]:
    """Stores the token the execution now waits on; resumes at once if the case
    already left the state this stage waits in (a decision raced the execution)."""
    audit_cases.put_task_token(table, member_id, case_id, stage, token)
    status = inspect(table, member_id, case_id)["status"]
    if status != WAITING_FOR[stage]:
        resume(table, member_id, case_id, status, sfn)
    return {"parked": stage}


def outcome(table: Any, member_id: str, case_id: str, status: str, ports: Any) -> dict[str, Any]:
    """The outcome state's work (R27): notices, and for FAILED the consequences of
    RECERTIFICATION_REQUIRED (R22.3, R42) and the domain events. Safe to repeat."""
    from staycertified.audits import outcome_notices
    from staycertified.audits.case import load_case

    loaded = load_case(table, member_id, case_id)
    if loaded is None or loaded.case.status.value != status:
        raise LookupError(f"audit case is not {status}")  # the id names a certificate
    ports = dataclasses.replace(ports, today=loaded.case.decided_on)  # R40: the decision's day
    sent = outcome_notices.send_outcome(loaded, ports)
    consequences: dict[str, Any] = {}
    if status == "FAILED":
        consequences = outcome_notices.recertification_required(loaded, ports)
    logger.info("audit outcome", extra={"status": status, "sent": sent})  # no case id: personal
    return {"caseId": case_id, "outcome": status, "notices": sent, **consequences}

"""Audit cases (R25-R27) and recertification applications (R28-R29) as stored.

Audit cases are opened by the audit draw (`audits.draw`, R25, R26) and changed by
their review (`audits.case`, R27) with a revision condition.

| what                                  | key                                                          |
|---------------------------------------|--------------------------------------------------------------|
| an audit case (`AuditCase`)           | PK = MEMBER#<memberId>, SK = AUDIT#<caseId>  (its `status`)  |
| a recertification application         | PK = MEMBER#<memberId>, SK = RECERTAPP#<applicationId>, `status` OPEN or closed |
| audit cases by status, oldest first   | GSI1: GSI1PK = AUDITSTATUS#<status>, GSI1SK = <openedOn>#<caseId> |

Uploaded documents are in `store.documents`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.domain.model import AuditCase, RecertificationApplication
from staycertified.store import keys
from staycertified.store.table import from_item, is_conditional_check_failure, to_item

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

AUDIT_CASE = "AuditCase"
RECERT_APPLICATION = "RecertificationApplication"
OPEN = "OPEN"


def audit_case_sk(case_id: str) -> str:
    return f"AUDIT#{case_id}"


def application_sk(application_id: str) -> str:
    return f"RECERTAPP#{application_id}"


def audit_status_gsi1pk(status: str) -> str:
    return f"AUDITSTATUS#{status}"


def audit_case_item(member_id: str, case: AuditCase) -> dict[str, Any]:
    """The case, also on GSI1 by status (staff queue oldest first, the daily sweep)."""
    return to_item(
        case.model_copy(update={"member_id": member_id}),
        AUDIT_CASE,
        PK=keys.member_pk(member_id),
        SK=audit_case_sk(case.case_id),
        GSI1PK=audit_status_gsi1pk(case.status.value),
        GSI1SK=f"{(case.submitted_on or case.opened_on).isoformat()}#{case.case_id}",
    )


def get_audit_case(table: Table, member_id: str, case_id: str) -> AuditCase | None:
    item = table.get_item(
        Key={"PK": keys.member_pk(member_id), "SK": audit_case_sk(case_id)}, ConsistentRead=True
    ).get("Item")
    return from_item(AuditCase, item) if item and item.get("entity") == AUDIT_CASE else None


def save_audit_case(table: Table, member_id: str, case: AuditCase) -> bool:
    """Writes a changed case if nobody changed it since it was read (its revision);
    False if someone did (read again and decide again)."""
    changed = case.model_copy(update={"revision": case.revision + 1})
    try:
        table.put_item(
            Item=audit_case_item(member_id, changed),
            ConditionExpression="attribute_exists(PK) AND (attribute_not_exists(revision) "
            "OR revision = :revision)",
            ExpressionAttributeValues={":revision": case.revision},
        )
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def cases_by_status(
    table: Table, status: str, *, limit: int | None = None, after: str | None = None
) -> tuple[list[AuditCase], str | None]:
    """Cases in one status, oldest first (GSI1), a page at a time; (cases, next cursor)."""
    from boto3.dynamodb.conditions import Key

    kwargs: dict[str, Any] = {
        "IndexName": "GSI1",
        "KeyConditionExpression": Key("GSI1PK").eq(audit_status_gsi1pk(status)),
    }
    if after:
        kwargs["KeyConditionExpression"] &= Key("GSI1SK").gt(after)
    found: list[AuditCase] = []
    last: str | None = None
    while True:
        if limit is not None:
            kwargs["Limit"] = limit - len(found)
        page = table.query(**kwargs)
        for item in page.get("Items", []):
            found.append(from_item(AuditCase, item))
            last = str(item["GSI1SK"])
        start = page.get("LastEvaluatedKey")
        if not start or (limit is not None and len(found) >= limit):
            more = bool(start)
            return found, (last if more else None)
        kwargs["ExclusiveStartKey"] = start


def application_item(
    member_id: str, application: RecertificationApplication, status: str = OPEN
) -> dict[str, Any]:
    item = to_item(
        application,
        RECERT_APPLICATION,
        PK=keys.member_pk(member_id),
        SK=application_sk(application.application_id),
    )
    item["status"] = status
    return item


def open_audit_case(table: Table, member_id: str, case: AuditCase) -> tuple[AuditCase, bool]:
    """Opens the case once (R25: a certification is audited once per audit year).

    Returns the stored case and whether this call opened it; a second run finds
    the first run's case (same id) and keeps its dates.
    """
    try:
        table.put_item(
            Item=audit_case_item(member_id, case), ConditionExpression="attribute_not_exists(PK)"
        )
    except Exception as error:
        if not is_conditional_check_failure(error):
            raise
        item = table.get_item(
            Key={"PK": keys.member_pk(member_id), "SK": audit_case_sk(case.case_id)},
            ConsistentRead=True,
        ).get("Item")
        assert item is not None
        return from_item(AuditCase, item), False
    return case, True


# ---------------------------------------------------------------- the case's workflow


def task_sk(case_id: str) -> str:
    return f"AUDIT#{case_id}#TASK"


def put_task_token(table: Table, member_id: str, case_id: str, stage: str, token: str) -> None:
    """The task token the case's execution waits on (one at a time), with its stage."""
    table.put_item(
        Item={
            "PK": keys.member_pk(member_id),
            "SK": task_sk(case_id),
            "entity": "AuditCaseTask",
            "stage": stage,
            "token": token,
        }
    )


def take_task_token(table: Table, member_id: str, case_id: str) -> str | None:
    """The waiting token, removed so that only one caller resumes it; None if none waits."""
    answer = table.delete_item(
        Key={"PK": keys.member_pk(member_id), "SK": task_sk(case_id)}, ReturnValues="ALL_OLD"
    )
    old = answer.get("Attributes") or {}
    token = old.get("token")
    return str(token) if token else None

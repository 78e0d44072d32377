"""Where a member may upload documents (R15), and the uploads recorded.

Audit cases are opened by the audit draw (`audits.draw`, R25, R26); review (R27) and
recertification applications (R28-R29) get their full
workflows later; this module only answers "is this one open for this member"
and records each uploaded object once.

| what                                  | key                                                          |
|---------------------------------------|--------------------------------------------------------------|
| an audit case (`AuditCase`)           | PK = MEMBER#<memberId>, SK = AUDIT#<caseId>  (its `status`)  |
| a recertification application         | PK = MEMBER#<memberId>, SK = RECERTAPP#<applicationId>, `status` OPEN or closed |
| an uploaded document, once per object | PK = MEMBER#<memberId>, SK = DOC#<caseOrApplicationId>#<sha256(key@version)> (condition) |
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from staycertified.domain.model import AuditCase, RecertificationApplication
from staycertified.store import keys
from staycertified.store.table import from_item, is_conditional_check_failure, to_item

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

AUDIT_CASE = "AuditCase"
RECERT_APPLICATION = "RecertificationApplication"
DOCUMENT = "Document"
OPEN = "OPEN"


def audit_case_sk(case_id: str) -> str:
    return f"AUDIT#{case_id}"


def application_sk(application_id: str) -> str:
    return f"RECERTAPP#{application_id}"


def document_sk(container_id: str, object_key: str, version: str = "") -> str:
    digest = hashlib.sha256(f"{object_key}@{version}".encode()).hexdigest()[:32]
    return f"DOC#{container_id}#{digest}"


def audit_case_item(member_id: str, case: AuditCase) -> dict[str, Any]:
    return to_item(case, AUDIT_CASE, PK=keys.member_pk(member_id), SK=audit_case_sk(case.case_id))


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


def upload_targets(
    table: Table, member_id: str, container_id: str
) -> tuple[AuditCase | None, RecertificationApplication | None]:
    """The audit case and the open recertification application with this id, if any."""
    pk = keys.member_pk(member_id)
    case_item = table.get_item(
        Key={"PK": pk, "SK": audit_case_sk(container_id)}, ConsistentRead=True
    ).get("Item")
    app_item = table.get_item(
        Key={"PK": pk, "SK": application_sk(container_id)}, ConsistentRead=True
    ).get("Item")
    case = from_item(AuditCase, case_item) if case_item else None
    application = None
    if app_item and app_item.get("status", OPEN) == OPEN:
        application = from_item(
            RecertificationApplication, {k: v for k, v in app_item.items() if k != "status"}
        )
    return case, application


def record_document(
    table: Table, member_id: str, container_id: str, record: dict[str, Any]
) -> bool:
    """Records one uploaded object once (S3 may deliver the event twice); False if known."""
    item = {
        **record,
        "PK": keys.member_pk(member_id),
        "SK": document_sk(
            container_id, str(record["object_key"]), str(record.get("version_id", ""))
        ),
        "entity": DOCUMENT,
    }
    try:
        table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


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

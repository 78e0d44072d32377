"""Where a member may upload documents (R15), and the uploads recorded.

Audit cases (R26-R27) and recertification applications (R28-R29) get their full
workflows later; this module only answers "is this one open for this member"
and records each uploaded object once.

| what                                  | key                                                          |
|---------------------------------------|--------------------------------------------------------------|
| an audit case                         | PK = MEMBER#<memberId>, SK = AUDIT#<caseId>      (status OPEN/...) |
| a recertification application         | PK = MEMBER#<memberId>, SK = RECERTAPP#<applicationId> (status OPEN/...) |
| an uploaded document, once per object | PK = MEMBER#<memberId>, SK = DOC#<caseOrApplicationId>#<sha256(key@version)> (condition) |
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from staycertified.store import keys
from staycertified.store.table import is_conditional_check_failure

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


def open_container(table: Table, member_id: str, container_id: str) -> str | None:
    """`AUDIT_CASE` or `RECERT_APPLICATION` when that id is open for this member, else None."""
    pk = keys.member_pk(member_id)
    for kind, sk in (
        (AUDIT_CASE, audit_case_sk(container_id)),
        (RECERT_APPLICATION, application_sk(container_id)),
    ):
        item = table.get_item(Key={"PK": pk, "SK": sk}, ConsistentRead=True).get("Item")
        if item and item.get("status") == OPEN:
            return kind
    return None


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

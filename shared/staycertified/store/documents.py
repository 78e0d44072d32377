"""Uploaded documents (R15): one item per upload grant, in the member's partition.

| what                                  | key                                                              |
|---------------------------------------|------------------------------------------------------------------|
| a document (its grant, then the file) | PK = MEMBER#<memberId>, SK = DOC#<ownerId>#<documentId> (condition) |
| a document by id (staff review)       | GSI2: GSI2PK = DOCUMENT#<documentId>, GSI2SK = DOCUMENT          |
| the documents of a case/application   | Query PK, SK begins_with DOC#<ownerId>#                          |

The item is written when the grant is given (`PENDING_UPLOAD`); the bucket's
side moves it once, by a condition on its status, to `RECEIVED` or `REJECTED`;
staff move a received one to `ACCEPTED` or `REJECTED`. An object in the bucket
without such an item is never written down (it is removed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from pydantic import BaseModel, ConfigDict

from staycertified.domain.documents import DocumentKind, DocumentStatus, UploadPurpose
from staycertified.store import keys
from staycertified.store.table import from_item, is_conditional_check_failure, query_all, to_item

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

DOCUMENT = "UploadedDocument"
KEY_PREFIX = "uploads/"


class StoredDocument(BaseModel):
    """A document as stored: the grant's terms, then what the bucket received."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    document_id: str
    member_id: str
    purpose: UploadPurpose
    owner_id: str
    item_id: str | None = None
    kind: DocumentKind
    file_name: str
    content_type: str
    max_bytes: int
    object_key: str
    status: DocumentStatus = DocumentStatus.PENDING_UPLOAD
    code: str | None = None
    reason: str | None = None
    granted_at: str
    expires_at: str
    uploaded_at: str | None = None
    version_id: str | None = None
    size: int | None = None
    decided_by: str | None = None
    decided_at: str | None = None


def document_sk(owner_id: str, document_id: str) -> str:
    return f"DOC#{owner_id}#{document_id}"


def document_gsi2pk(document_id: str) -> str:
    return f"DOCUMENT#{document_id}"


def object_key(member_id: str, owner_id: str, document_id: str) -> str:
    """The key the system chooses (never the member's file name)."""
    return f"{KEY_PREFIX}{member_id}/{owner_id}/{document_id}"


def parse_object_key(key: str) -> tuple[str, str, str] | None:
    """(memberId, ownerId, documentId) of a key this system chose, None otherwise."""
    if not key.startswith(KEY_PREFIX):
        return None
    parts = key[len(KEY_PREFIX) :].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def _key(member_id: str, owner_id: str, document_id: str) -> dict[str, str]:
    return {"PK": keys.member_pk(member_id), "SK": document_sk(owner_id, document_id)}


def put_grant(table: Table, document: StoredDocument) -> None:
    """The grant's document, PENDING_UPLOAD; written once (its id is new)."""
    item = to_item(
        document,
        DOCUMENT,
        **_key(document.member_id, document.owner_id, document.document_id),
        GSI2PK=document_gsi2pk(document.document_id),
        GSI2SK="DOCUMENT",
    )
    table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")


def get_document(
    table: Table, member_id: str, owner_id: str, document_id: str
) -> StoredDocument | None:
    item = table.get_item(Key=_key(member_id, owner_id, document_id), ConsistentRead=True).get(
        "Item"
    )
    return from_item(StoredDocument, item) if item else None


def find_document(table: Table, document_id: str) -> StoredDocument | None:
    """By id alone (staff review): one GSI2 Query."""
    page = table.query(
        IndexName="GSI2",
        KeyConditionExpression=Key("GSI2PK").eq(document_gsi2pk(document_id)),
    )
    items = page.get("Items", [])
    return from_item(StoredDocument, items[0]) if items else None


def list_documents(
    table: Table, member_id: str, owner_id: str | None = None
) -> Iterator[StoredDocument]:
    """The member's documents (of one owner if given), in the member's partition."""
    prefix = document_sk(owner_id, "") if owner_id else "DOC#"
    for item in query_all(
        table,
        KeyConditionExpression=Key("PK").eq(keys.member_pk(member_id))
        & Key("SK").begins_with(prefix),
        ConsistentRead=True,
    ):
        if item.get("entity") == DOCUMENT:
            yield from_item(StoredDocument, item)


def settle(
    table: Table,
    document: StoredDocument,
    *,
    status: DocumentStatus,
    uploaded_at: str,
    version_id: str,
    size: int,
    code: str | None = None,
    reason: str | None = None,
) -> bool:
    """PENDING_UPLOAD -> RECEIVED or REJECTED, once; False if it was already settled."""
    names = {"#status": "status", "#size": "size"}
    values: dict[str, Any] = {
        ":status": status.value,
        ":pending": DocumentStatus.PENDING_UPLOAD.value,
        ":uploaded_at": uploaded_at,
        ":version_id": version_id,
        ":size": size,
    }
    sets = [
        "#status = :status",
        "uploaded_at = :uploaded_at",
        "version_id = :version_id",
        "#size = :size",
    ]
    if code is not None:
        sets += ["code = :code", "reason = :reason"]
        values.update({":code": code, ":reason": reason or ""})
    try:
        table.update_item(
            Key=_key(document.member_id, document.owner_id, document.document_id),
            UpdateExpression="SET " + ", ".join(sets),
            ConditionExpression="#status = :pending",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def decide(
    table: Table,
    document: StoredDocument,
    *,
    status: DocumentStatus,
    decided_by: str,
    decided_at: str,
    reason: str | None = None,
) -> None:
    """Staff's verdict on a received document (ACCEPTED or REJECTED), who and when."""
    table.update_item(
        Key=_key(document.member_id, document.owner_id, document.document_id),
        UpdateExpression=(
            "SET #status = :status, decided_by = :by, decided_at = :at, reason = :reason"
        ),
        ConditionExpression="#status IN (:received, :accepted, :rejected)",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":status": status.value,
            ":by": decided_by,
            ":at": decided_at,
            ":reason": reason or "",
            ":received": DocumentStatus.RECEIVED.value,
            ":accepted": DocumentStatus.ACCEPTED.value,
            ":rejected": DocumentStatus.REJECTED.value,
        },
    )

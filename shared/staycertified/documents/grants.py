"""Upload grants (R15): the member asks, the system decides and signs a presigned POST.

The POST's policy fixes the key (chosen here: `uploads/<memberId>/<ownerId>/<documentId>`,
never the file name), the content type and the size range, for the policy's minutes.
A refusal writes nothing. The grant is the document's item, `PENDING_UPLOAD`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from staycertified.clock import iso_instant
from staycertified.documents.owners import resolve_owner
from staycertified.domain.documents import DocumentKind, UploadPurpose, decide_grant
from staycertified.store import documents as store

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.policy import Policy

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")


def display_name(file_name: str) -> str:
    """The member's file name, kept only as display text: no path, no control characters."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE.sub(" ", base).strip()[:200] or "document"


@dataclass(frozen=True)
class GrantRequest:
    purpose: UploadPurpose
    owner_id: str
    item_id: str | None
    kind: DocumentKind
    file_name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Grant:
    document: store.StoredDocument
    url: str
    fields: dict[str, str]


def new_document_id() -> str:
    return f"DOC-{uuid.uuid4().hex[:20].upper()}"


def grant_upload(
    request: GrantRequest,
    *,
    member_id: str,
    table: Any,
    s3: Any,
    bucket: str,
    now: datetime,
    today: date,
    policy: Policy,
) -> Grant:
    """R15: decide (DomainError with a stable code, nothing written), sign, record."""
    owner = resolve_owner(table, request.purpose, member_id, request.owner_id, today)
    decided = decide_grant(
        owner,
        item_id=request.item_id,
        content_type=request.content_type,
        size=request.size,
        today=today,
        policy=policy,
    )
    document_id = new_document_id()
    key = store.object_key(member_id, request.owner_id, document_id)
    seconds = decided.minutes * 60
    presigned = s3.generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": decided.content_type},
        Conditions=[
            {"Content-Type": decided.content_type},
            ["content-length-range", 1, decided.max_bytes],
        ],
        ExpiresIn=seconds,
    )
    document = store.StoredDocument(
        document_id=document_id,
        member_id=member_id,
        purpose=request.purpose,
        owner_id=request.owner_id,
        item_id=request.item_id,
        kind=request.kind,
        file_name=display_name(request.file_name),
        content_type=decided.content_type,
        max_bytes=decided.max_bytes,
        object_key=key,
        granted_at=iso_instant(now),
        expires_at=iso_instant(now + timedelta(seconds=seconds)),
    )
    store.put_grant(table, document)
    return Grant(
        document=document,
        url=str(presigned["url"]),
        fields={str(k): str(v) for k, v in presigned["fields"].items()},
    )

"""The bucket's side of an upload (R15), for every purpose: DocumentUploadedFunction.

For each object created under `uploads/`:

1. The key must be one this system chose for a grant (its document item exists,
   same key). Otherwise the object is removed and nothing is written.
2. One object per grant: a grant already settled keeps its first object; a later
   one under the same key is removed (its version only). The same event twice
   (the same version) changes nothing.
3. The grant's terms and the content: before the grant expired, owner still
   taking documents before its deadline, size within 1..maxBytes, magic bytes
   of the granted type (PDF, JPEG, PNG). A failing object is removed and the
   document `REJECTED` with the code and reason; a passing one is `RECEIVED`
   and its owner told (`document_received`), which attaches it.

Nothing of the file name or the member goes to the logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from staycertified.documents.owners import owner_store
from staycertified.domain import errors
from staycertified.domain.documents import SNIFF_BYTES, DocumentStatus, check_object
from staycertified.store import documents as store

RECEIVED = "RECEIVED"
REJECTED = "REJECTED"
REMOVED = "REMOVED"  # no grant, or a second object for a settled grant: removed, not recorded
DUPLICATE = "DUPLICATE"  # the same object again (a replayed event)
GONE = "GONE"  # the object is no longer there (a replay after its removal)


@dataclass(frozen=True)
class UploadedObject:
    bucket: str
    key: str
    received_at: datetime  # the event's time
    today: date  # its date in the body's time zone


def _head(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        return dict(s3.head_object(Bucket=bucket, Key=key))
    except Exception as error:
        status = (getattr(error, "response", None) or {}).get("ResponseMetadata", {})
        if status.get("HTTPStatusCode") == 404:
            return None
        raise


def _remove_version(s3: Any, bucket: str, key: str, version: str | None) -> None:
    if version and version != "null":
        s3.delete_object(Bucket=bucket, Key=key, VersionId=version)
    else:
        s3.delete_object(Bucket=bucket, Key=key)


def _remove_every_version(s3: Any, bucket: str, key: str) -> None:
    """An object without a grant: every version of it goes (no delete marker left)."""
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key)
    versions = [
        v["VersionId"]
        for page in pages
        for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        if v["Key"] == key
    ]
    for version in versions or [None]:
        _remove_version(s3, bucket, key, version)


def _first_bytes(s3: Any, bucket: str, key: str, version: str | None) -> bytes:
    extra = {"VersionId": version} if version and version != "null" else {}
    answer = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{SNIFF_BYTES - 1}", **extra)
    return bytes(answer["Body"].read())


def process_object(uploaded: UploadedObject, *, table: Any, s3: Any) -> str:
    """RECEIVED, REJECTED, REMOVED, DUPLICATE or GONE for one created object."""
    parsed = store.parse_object_key(uploaded.key)
    document = store.get_document(table, *parsed) if parsed else None
    if document is None or document.object_key != uploaded.key:
        _remove_every_version(s3, uploaded.bucket, uploaded.key)
        return REMOVED
    head = _head(s3, uploaded.bucket, uploaded.key)
    if head is None:
        return GONE
    version = str(head.get("VersionId") or "null")
    size = int(head.get("ContentLength", 0))
    if document.status != DocumentStatus.PENDING_UPLOAD:
        if document.version_id == version:
            if document.status == DocumentStatus.RECEIVED:
                _tell_owner(table, document)  # a replay after a stop before the owner heard
            return DUPLICATE
        _remove_version(s3, uploaded.bucket, uploaded.key, version)  # one object per grant
        return REMOVED

    owners = owner_store(document.purpose)
    owner = (
        None
        if owners is None
        else owners.upload_owner(table, document.member_id, document.owner_id, uploaded.today)
    )
    expired = uploaded.received_at > datetime.fromisoformat(
        document.expires_at.replace("Z", "+00:00")
    )
    verdict_code: str | None
    if expired:
        verdict_code = errors.DOCUMENT_GRANT_EXPIRED
        reason = "received after the upload grant expired"
    else:
        head_bytes = _first_bytes(s3, uploaded.bucket, uploaded.key, version) if size else b""
        verdict = check_object(
            size=size,
            head=head_bytes,
            granted_type=document.content_type,
            max_bytes=document.max_bytes,
            owner=owner,
            today=uploaded.today,
        )
        verdict_code, reason = verdict.code, verdict.reason
    received_at = uploaded.received_at.isoformat().replace("+00:00", "Z")
    if verdict_code is not None:
        _remove_version(s3, uploaded.bucket, uploaded.key, version)
        store.settle(
            table,
            document,
            status=DocumentStatus.REJECTED,
            uploaded_at=received_at,
            version_id=version,
            size=size,
            code=verdict_code,
            reason=reason,
        )
        return REJECTED
    if not store.settle(
        table,
        document,
        status=DocumentStatus.RECEIVED,
        uploaded_at=received_at,
        version_id=version,
        size=size,
    ):
        settled = store.get_document(table, *parsed)  # type: ignore[misc]
        if settled is not None and settled.version_id != version:
            _remove_version(s3, uploaded.bucket, uploaded.key, version)
            return REMOVED
        return DUPLICATE
    received = store.get_document(table, *parsed)  # type: ignore[misc]
    if received is not None:
        _tell_owner(table, received)
    return RECEIVED


def _tell_owner(table: Any, document: store.StoredDocument) -> None:
    owners = owner_store(document.purpose)
    if owners is not None:
        owners.document_received(table, document)

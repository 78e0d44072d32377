"""A document for staff review (R27): the stored document and, while it may be read
(RECEIVED or ACCEPTED), a short-lived presigned download of the very version uploaded,
for the policy's `documents.download_minutes`. An unknown id is refused like any
unknown record (`refusals.Unknown`). The S3 client and the bucket are asked for only
when there is something to sign.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from staycertified.refusals import Unknown

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.policy import Policy
    from staycertified.store.documents import StoredDocument


@dataclass(frozen=True)
class StaffDownload:
    document: StoredDocument
    url: str | None  # None: nothing to read (not received, or rejected and removed)
    expires_at: str | None


def staff_download(
    table: Table,
    document_id: str,
    *,
    s3: Callable[[], Any],
    bucket: Callable[[], str],
    now: datetime,
    today: date,
    policy: Policy,
) -> StaffDownload:
    from staycertified.clock import iso_instant
    from staycertified.domain.documents import DocumentStatus
    from staycertified.store import documents as store

    document = store.find_document(table, document_id)
    if document is None:
        raise Unknown("document")
    if document.status not in (DocumentStatus.RECEIVED, DocumentStatus.ACCEPTED):
        return StaffDownload(document, None, None)
    minutes = policy.documents.download_minutes.at(today)
    params: dict[str, Any] = {"Bucket": bucket(), "Key": document.object_key}
    if document.version_id and document.version_id != "null":
        params["VersionId"] = document.version_id
    url = s3().generate_presigned_url("get_object", Params=params, ExpiresIn=minutes * 60)
    return StaffDownload(document, url, iso_instant(now + timedelta(minutes=minutes)))

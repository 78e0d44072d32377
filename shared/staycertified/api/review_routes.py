"""Routes of documents (R15) and the audit review (R27), registered on the member API.

No `from __future__ import annotations` here: Powertools reads the route
functions' annotations at registration, so they must be real objects.
"""

import functools
from typing import TYPE_CHECKING, Annotated, Any

from staycertified.api import errors

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

DOCUMENT_ID = r"^DOC-[A-Z0-9]{1,40}$"
OWNER_ID = r"^[A-Za-z0-9_-]{1,80}$"


@functools.cache
def _s3() -> Any:
    import boto3

    return boto3.client("s3")


def _bucket() -> str:
    from staycertified.api import settings

    bucket = settings.settings().documents_bucket
    if not bucket:
        raise RuntimeError("DOCUMENTS_BUCKET is not set")
    return bucket


def _document_out(document: Any) -> Any:
    from staycertified.api.document_schemas import DocumentOut

    return DocumentOut(
        document_id=document.document_id,
        item_id=document.item_id,
        kind=document.kind.value,
        file_name=document.file_name,
        status=document.status.value,
        reason=document.reason or None,
        uploaded_at=document.uploaded_at,
    )


def register_review_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

    from staycertified.api.clock import request_instant
    from staycertified.api.document_schemas import (
        DocumentList,
        StaffDocumentOut,
        UploadIn,
        UploadOut,
    )
    from staycertified.api.resolver import (
        JSON,
        MEMBER_ID,
        _context,
        _error_responses,
        _require_member_access,
        _require_staff,
    )

    MemberId = Annotated[str, Path(pattern=MEMBER_ID, description="The member's id.")]

    def _now() -> Any:
        return request_instant(app.current_event.raw_event)

    @app.post(
        "/members/<memberId>/uploads",
        summary="Ask for an upload grant for your own open audit case or application (R15)",
        tags=["documents"],
        security=[{"cognitoJwt": []}],
        responses={
            201: {
                "description": "A presigned POST (key, type and size fixed) and its document id.",
                "content": {JSON: {"model": UploadOut}},
            }
        }
        | _error_responses(400, 401, 404, 422),
    )
    def request_upload(
        memberId: MemberId, upload: Annotated[UploadIn, Body(embed=False)]
    ) -> Response[UploadOut]:
        from staycertified.api.document_schemas import PresignedPost
        from staycertified.documents.grants import GrantRequest, grant_upload
        from staycertified.domain.documents import DocumentKind, UploadPurpose
        from staycertified.policy import load_policy

        table, caller, today = _context(app)
        _require_member_access(caller, memberId)
        grant = grant_upload(
            GrantRequest(
                purpose=UploadPurpose(upload.purpose),
                owner_id=upload.owner_id,
                item_id=upload.item_id,
                kind=DocumentKind(upload.kind),
                file_name=upload.file_name,
                content_type=upload.content_type,
                size=upload.size,
            ),
            member_id=memberId,
            table=table,
            s3=_s3(),
            bucket=_bucket(),
            now=_now(),
            today=today,
            policy=load_policy(),
        )
        answer = UploadOut(
            document_id=grant.document.document_id,
            upload=PresignedPost(url=grant.url, fields=grant.fields),
            expires_at=grant.document.expires_at,
            max_bytes=grant.document.max_bytes,
        )
        return Response(201, JSON, answer)

    @app.get(
        "/members/<memberId>/documents",
        summary="The member's documents, of one audit case or application (R15)",
        tags=["documents"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "Documents with their status and reason."}}
        | _error_responses(400, 401, 404),
    )
    def list_documents(
        memberId: MemberId,
        caseId: Annotated[str | None, Query(pattern=OWNER_ID)] = None,
        applicationId: Annotated[str | None, Query(pattern=OWNER_ID)] = None,
    ) -> DocumentList:
        from staycertified.store import documents as store

        table, caller, _ = _context(app)
        _require_member_access(caller, memberId)
        owner = caseId or applicationId
        return DocumentList(
            documents=[_document_out(d) for d in store.list_documents(table, memberId, owner)]
        )

    @app.get(
        "/staff/documents/<documentId>",
        summary="A document for staff review: metadata and a short-lived download URL (R27)",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "The document."}} | _error_responses(400, 401, 403, 404),
    )
    def staff_document(
        documentId: Annotated[str, Path(pattern=DOCUMENT_ID)],
    ) -> StaffDocumentOut:
        from datetime import timedelta

        from staycertified.documents.grants import iso_instant
        from staycertified.domain.documents import DocumentStatus, UploadPurpose
        from staycertified.policy import load_policy
        from staycertified.store import documents as store

        table, caller, today = _context(app)
        _require_staff(caller)
        document = store.find_document(table, documentId)
        if document is None:
            raise errors.not_found("document")
        url = expires = None
        if document.status in (DocumentStatus.RECEIVED, DocumentStatus.ACCEPTED):
            minutes = load_policy().documents.download_minutes.at(today)
            params: dict[str, Any] = {"Bucket": _bucket(), "Key": document.object_key}
            if document.version_id and document.version_id != "null":
                params["VersionId"] = document.version_id
            url = _s3().generate_presigned_url("get_object", Params=params, ExpiresIn=minutes * 60)
            expires = iso_instant(_now() + timedelta(minutes=minutes))
        audit = document.purpose == UploadPurpose.AUDIT
        return StaffDocumentOut(
            document_id=document.document_id,
            member_id=document.member_id,
            purpose=document.purpose.value,
            case_id=document.owner_id if audit else None,
            application_id=None if audit else document.owner_id,
            item_id=document.item_id,
            kind=document.kind.value,
            file_name=document.file_name,
            content_type=document.content_type,
            size=document.size,
            status=document.status.value,
            reason=document.reason or None,
            uploaded_at=document.uploaded_at,
            decided_by=document.decided_by,
            decided_at=document.decided_at,
            download_url=url,
            download_expires_at=expires,
        )

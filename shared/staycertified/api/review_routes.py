"""Routes of documents (R15) and the audit review (R27), registered on the member API.

No `from __future__ import annotations` here: Powertools reads the route
functions' annotations at registration, so they must be real objects.
"""

from typing import TYPE_CHECKING, Annotated, Any

from staycertified.api import errors

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

DOCUMENT_ID = r"^DOC-[A-Z0-9]{1,40}$"
OWNER_ID = r"^[A-Za-z0-9_-]{1,80}$"
CASE_ID = r"^AUD-[0-9]{4}-[A-Za-z0-9_-]{1,40}$"
ITEM_ID = r"^[A-Za-z0-9_.:-]{1,120}$"


def _s3() -> Any:
    from staycertified import aws

    return aws.s3()


def _bucket() -> str:
    from staycertified import config

    bucket = config.settings().documents_bucket
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
    register_document_routes(app)
    register_audit_routes(app)


def register_document_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

    from staycertified.api.document_schemas import (
        DocumentList,
        StaffDocumentOut,
        UploadIn,
        UploadOut,
    )
    from staycertified.api.routing import (
        JSON,
        MEMBER_ID,
        _context,
        _error_responses,
        _require_member_access,
        _require_staff,
    )
    from staycertified.clock import request_instant

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
        from staycertified.documents.downloads import staff_download
        from staycertified.domain.documents import UploadPurpose
        from staycertified.policy import load_policy
        from staycertified.refusals import Refused

        table, caller, today = _context(app)
        _require_staff(caller)
        try:
            download = staff_download(
                table,
                documentId,
                s3=_s3,
                bucket=_bucket,
                now=_now(),
                today=today,
                policy=load_policy(),
            )
        except Refused as refusal:
            raise errors.from_refusal(refusal) from None
        document = download.document
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
            download_url=download.url,
            download_expires_at=download.expires_at,
        )


def case_out(loaded: Any) -> Any:
    from staycertified.api.audit_schemas import AuditCaseOut, AuditItemOut, CycleSpan
    from staycertified.audits.case import next_step

    review, case = loaded.review, loaded.case
    step = next_step(review)
    return AuditCaseOut(
        case_id=case.case_id,
        audit_year=case.audit_year,
        certificate_number=case.certificate_number,
        cycle=CycleSpan(start=case.cycle_start, end=case.cycle_end),
        status=case.status.value,
        respond_by=case.deadline,
        reminder_on=case.reminder_on,
        extended_to=case.extended_to,
        extension_reason=case.extension_reason,
        submitted_on=case.submitted_on,
        decided_on=case.decided_on,
        outcome_reason=case.outcome_reason,
        points_required=float(review.points_required),
        points_verified=float(review.points_verified),
        items=[
            AuditItemOut(
                item_id=i.item_id,
                title=i.title,
                category=i.category.value if i.category is not None else None,
                points=float(i.points),
                source=i.source.value,
                verification=i.verification.value,
                points_verified=float(i.points_verified),
                reason=i.reason,
                documents=list(i.documents),
            )
            for i in review.items
        ],
        next_action=step[1] if step else None,
    )


def _case_errors(call: Any) -> Any:
    """Runs a case operation: unknown → 404, a concurrent change → 409."""
    from staycertified.audits.review import AUDIT_CASE_CHANGED, CaseChanged

    try:
        return call()
    except LookupError:
        raise errors.not_found("audit case") from None
    except CaseChanged:
        raise errors.ApiError(
            409, AUDIT_CASE_CHANGED, "The case changed meanwhile: read it again."
        ) from None


def register_audit_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

    from staycertified.api.audit_schemas import (
        AuditCaseList,
        AuditCaseOut,
        AuditCaseSummary,
        CaseDecisionIn,
        ExtensionIn,
        ItemDecisionIn,
    )
    from staycertified.api.routing import (
        MEMBER_ID,
        _context,
        _error_responses,
        _require_member_access,
        _require_staff,
    )
    from staycertified.clock import iso_instant, request_instant

    MemberId = Annotated[str, Path(pattern=MEMBER_ID, description="The member's id.")]
    CaseId = Annotated[str, Path(pattern=CASE_ID, description="The audit case's id.")]

    def _staff() -> tuple[Any, str, Any, str]:
        table, caller, today = _context(app)
        _require_staff(caller)
        at = iso_instant(request_instant(app.current_event.raw_event))
        return table, caller.username or "staff", today, at

    def _on_case(operation: Any) -> Any:
        """A staff decision on a case: `operation(table, by, today, at)`, its errors
        mapped (`_case_errors`), the case after it answered."""
        table, by, today, at = _staff()
        return case_out(_case_errors(lambda: operation(table, by, today, at)))

    def _staff_case_post(path: str, summary: str, answered: str) -> Any:
        """The route of a staff decision on one case (R27)."""
        return app.post(
            path,
            summary=summary,
            tags=["staff"],
            security=[{"cognitoJwt": []}],
            responses={200: {"description": answered}}
            | _error_responses(400, 401, 403, 404, 409, 422),
        )

    @app.get(
        "/members/<memberId>/audits/<caseId>",
        summary="The member's audit case: items, verification, deadline (R27)",
        tags=["audits"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "The case."}} | _error_responses(400, 401, 404),
    )
    def get_case(memberId: MemberId, caseId: CaseId) -> AuditCaseOut:
        from staycertified.audits.case import load_case

        table, caller, _ = _context(app)
        _require_member_access(caller, memberId)
        loaded = load_case(table, memberId, caseId)
        if loaded is None:
            raise errors.not_found("audit case")
        return case_out(loaded)

    @app.post(
        "/members/<memberId>/audits/<caseId>/submit",
        summary="Submit the audit case for review (R27); refused while proof is missing",
        tags=["audits"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "The case, SUBMITTED (or PASSED)."}}
        | _error_responses(400, 401, 404, 409, 422),
    )
    def submit_case(memberId: MemberId, caseId: CaseId) -> AuditCaseOut:
        from staycertified.audits import review

        table, caller, today = _context(app)
        _require_member_access(caller, memberId)
        return case_out(_case_errors(lambda: review.submit(table, memberId, caseId, today)))

    @app.get(
        "/staff/audits",
        summary="Audit cases in one status, oldest first, paged (R27)",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "A page of cases and the next cursor."}}
        | _error_responses(400, 401, 403),
    )
    def list_cases(
        status: Annotated[str, Query(pattern="^(OPEN|SUBMITTED|PASSED|FAILED)$")] = "SUBMITTED",
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
        cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[0-9A-Za-z#_-]+$")] = None,
    ) -> AuditCaseList:
        from staycertified.store.audit_cases import cases_by_status

        table, _, _, _ = _staff()
        cases, after = cases_by_status(table, status, limit=limit, after=cursor)
        return AuditCaseList(
            cases=[
                AuditCaseSummary(
                    case_id=c.case_id,
                    member_id=c.member_id,
                    certificate_number=c.certificate_number,
                    audit_year=c.audit_year,
                    status=c.status.value,
                    opened_on=c.opened_on,
                    respond_by=c.deadline,
                    submitted_on=c.submitted_on,
                )
                for c in cases
            ],
            next=after,
        )

    @_staff_case_post(
        "/staff/audits/<caseId>/items/<itemId>/decision",
        "Staff verify (points, at most those claimed) or reject an item (R27)",
        "The case after the decision.",
    )
    def decide_item(
        caseId: CaseId,
        itemId: Annotated[str, Path(pattern=ITEM_ID)],
        decision: Annotated[ItemDecisionIn, Body(embed=False)],
    ) -> AuditCaseOut:
        from staycertified.audits import review

        return _on_case(
            lambda table, by, today, at: review.decide_item(
                table,
                caseId,
                itemId,
                decision=decision.decision,
                points=decision.points,
                reason=decision.reason,
                by=by,
                at=at,
                today=today,
            )
        )

    @_staff_case_post(
        "/staff/audits/<caseId>/extension",
        "Staff extend the deadline once, at most the policy's maximum (R27)",
        "The case with its new deadline.",
    )
    def extend_case(
        caseId: CaseId, extension: Annotated[ExtensionIn, Body(embed=False)]
    ) -> AuditCaseOut:
        from staycertified.audits import review
        from staycertified.policy import load_policy

        return _on_case(
            lambda table, by, today, at: review.extend(
                table,
                caseId,
                days=extension.days,
                reason=extension.reason,
                by=by,
                at=at,
                today=today,
                policy=load_policy(),
            )
        )

    @_staff_case_post(
        "/staff/audits/<caseId>/decision",
        "Staff close a submitted case short: FAILED, with a reason (R27, R22.3)",
        "The case, FAILED.",
    )
    def decide_case(
        caseId: CaseId, decision: Annotated[CaseDecisionIn, Body(embed=False)]
    ) -> AuditCaseOut:
        from staycertified.audits import review

        return _on_case(
            lambda table, by, today, _at: review.close_short(
                table, caseId, reason=decision.reason, by=by, today=today
            )
        )

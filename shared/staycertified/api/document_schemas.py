"""Wire models of the document routes (R15): the upload grant and the member's list."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from staycertified.api.schemas import Camel, CamelIn, Text

OwnerId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,80}$")]
ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,120}$")]


class UploadIn(CamelIn):
    """Ask for an upload grant: for your own open audit case or application (R15)."""

    purpose: Literal["AUDIT", "RECERTIFICATION"]
    case_id: OwnerId | None = None
    application_id: OwnerId | None = None
    item_id: ItemId | None = None
    kind: Literal["PROOF", "EMPLOYMENT_VERIFICATION", "TRANSCRIPT", "OTHER"]
    file_name: Text
    content_type: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    size: Annotated[int, Field(ge=0, le=10**12)]

    @model_validator(mode="after")
    def _owner_matches_purpose(self) -> UploadIn:
        wanted, other = (
            (self.case_id, self.application_id)
            if self.purpose == "AUDIT"
            else (self.application_id, self.case_id)
        )
        if wanted is None or other is not None:
            needed = "caseId" if self.purpose == "AUDIT" else "applicationId"
            raise ValueError(f"purpose {self.purpose} takes {needed} (and only it)")
        return self

    @property
    def owner_id(self) -> str:
        return str(self.case_id or self.application_id)


class PresignedPost(Camel):
    url: str
    fields: dict[str, str]


class UploadOut(Camel):
    document_id: str
    upload: PresignedPost
    expires_at: str
    max_bytes: int


DocumentStatusOut = Literal["PENDING_UPLOAD", "RECEIVED", "REJECTED", "ACCEPTED"]


class DocumentOut(Camel):
    document_id: str
    item_id: str | None = None
    kind: str
    file_name: str
    status: DocumentStatusOut
    reason: str | None = None
    uploaded_at: str | None = None


class DocumentList(Camel):
    documents: list[DocumentOut]


class StaffDocumentOut(Camel):
    """A document for staff review: metadata and a short-lived download URL (R27)."""

    document_id: str
    member_id: str
    purpose: str
    case_id: str | None = None
    application_id: str | None = None
    item_id: str | None = None
    kind: str
    file_name: str
    content_type: str
    size: int | None = None
    status: DocumentStatusOut
    reason: str | None = None
    uploaded_at: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    download_url: str | None = None
    download_expires_at: str | None = None

"""An audit case as the member and staff see it (R27), and its upload owner (R15).

`load_case` reads the member's partition once (the record: certification, cycles,
activities, attestations, the case) plus the case's documents, and reviews it
with `domain.audit_review`. `AUDIT_UPLOADS` is the AUDIT owner store plugged into
`documents.owners`: the case takes documents while it is open, before its
deadline, for the items that still need proof (or were rejected).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from staycertified.domain.audit_review import (
    CaseReview,
    ProofDocument,
    review_history,
    upload_item_ids,
)
from staycertified.domain.documents import UploadOwner, UploadPurpose
from staycertified.store import documents as document_store
from staycertified.store.members import load_member

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.model import AuditCase
    from staycertified.store.members import CertificationRecord, MemberRecord


@dataclass(frozen=True)
class LoadedCase:
    record: MemberRecord
    certification: CertificationRecord
    review: CaseReview
    documents: tuple[document_store.StoredDocument, ...]

    @property
    def case(self) -> AuditCase:
        return self.review.case


def review_from(
    cert: CertificationRecord, case: AuditCase, documents: list[document_store.StoredDocument]
) -> CaseReview:
    proofs = [
        ProofDocument(
            document_id=d.document_id,
            item_id=d.item_id,
            status=d.status.value,
            uploaded_at=d.uploaded_at,
        )
        for d in documents
    ]
    return review_history(cert, case, proofs)


def load_case(table: Any, member_id: str, case_id: str) -> LoadedCase | None:
    """The member's case with this id, reviewed; None if unknown or not theirs."""
    record = load_member(table, member_id)
    if record is None:
        return None
    return case_in(record, case_id)


def case_in(record: MemberRecord, case_id: str) -> LoadedCase | None:
    """The case with this id in a member record already read, reviewed."""
    for cert in record.certifications:
        case = next((c for c in cert.audit_cases if c.case_id == case_id), None)
        if case is not None:
            documents = [d for d in record.documents if d.owner_id == case_id]
            return LoadedCase(record, cert, review_from(cert, case, documents), tuple(documents))
    return None


def next_step(review: CaseReview) -> tuple[str, str] | None:
    """R27, R24: what is left for the member to do (action kind, message), None if nothing."""
    case = review.case
    deadline = case.deadline.isoformat()
    if not case.is_open:
        return None
    missing = review.missing_proof
    rejected = [i.item_id for i in review.items if i.verification.value == "REJECTED"]
    if case.status.value == "SUBMITTED":
        if not rejected:
            return None
        return (
            "UPLOAD_AUDIT_DOCUMENTS",
            f"upload a new document for {len(rejected)} rejected item(s) and submit the "
            f"audit case again by {deadline}",
        )
    if missing:
        return (
            "UPLOAD_AUDIT_DOCUMENTS",
            f"upload proof for {len(missing)} item(s) of audit case {case.case_id}, then "
            f"submit it, by {deadline}",
        )
    return ("SUBMIT_AUDIT_CASE", f"submit audit case {case.case_id} by {deadline}")


class AuditUploads:
    """The AUDIT owner store (documents.owners.OwnerStore)."""

    def upload_owner(
        self, table: Any, member_id: str, owner_id: str, today: date
    ) -> UploadOwner | None:
        loaded = load_case(table, member_id, owner_id)
        if loaded is None:
            return None
        case = loaded.case
        item_ids = upload_item_ids(loaded.review)
        return UploadOwner(
            purpose=UploadPurpose.AUDIT,
            owner_id=case.case_id,
            open=case.is_open and bool(item_ids),
            deadline=case.deadline,
            item_ids=item_ids,
            reason=case.status.value if not case.is_open else "no item needs proof",
        )

    def document_received(self, table: Any, document: document_store.StoredDocument) -> None:
        """Nothing to write: the case's items are reviewed from its documents."""


AUDIT_UPLOADS = AuditUploads()

"""The recertification application as an upload owner (R15, purpose RECERTIFICATION).

Plugged into `staycertified.documents.owners` by its dotted path
(`staycertified.recertification.uploads:RECERTIFICATION_UPLOADS`): the member's own
application takes documents while the member can still complete it (DRAFT or
INCOMPLETE) and until it is valid; an upload grant's `itemId` is one of its
activities' `activityId`. A document that passed the bucket's checks is attached to
its activity (a proof, or the employment verification form) once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from staycertified.domain.application import AppStatus, DocumentKind, DocumentRef
from staycertified.recertification import store

TAKES_DOCUMENTS = frozenset({AppStatus.DRAFT, AppStatus.INCOMPLETE})


class RecertificationUploads:
    def upload_owner(self, table: Any, member_id: str, owner_id: str, today: date) -> Any:
        from staycertified.domain.documents import UploadOwner, UploadPurpose

        record = store.get_application(table, member_id, owner_id)
        if record is None:
            return None
        open_now = record.status in TAKES_DOCUMENTS
        return UploadOwner(
            purpose=UploadPurpose.RECERTIFICATION,
            owner_id=owner_id,
            open=open_now,
            deadline=record.valid_until,
            item_ids=frozenset(a.activity_id for a in record.activities),
            reason="" if open_now else f"the application is {record.status.value}",
        )

    def document_received(self, table: Any, document: Any) -> None:
        """Attaches the document to its activity (or the application), once; retried
        when another writer came first."""
        for _ in range(5):
            record = store.get_application(table, document.member_id, document.owner_id)
            if record is None:
                return
            kind = _kind(str(getattr(document.kind, "value", document.kind)))
            ref = DocumentRef(document_id=document.document_id, kind=kind)
            known = {d.document_id for a in record.activities for d in a.documents}
            known |= {d.document_id for d in record.documents}
            if document.document_id in known:
                return
            if document.item_id:
                activities = tuple(
                    a.model_copy(update={"documents": (*a.documents, ref)})
                    if a.activity_id == document.item_id
                    else a
                    for a in record.activities
                )
                updated = record.model_copy(update={"activities": activities})
            else:
                updated = record.model_copy(update={"documents": (*record.documents, ref)})
            try:
                store.save(table, updated)
                return
            except store.StaleApplication:
                continue
        raise store.StaleApplication(document.owner_id)


def _kind(value: str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        return DocumentKind.OTHER


RECERTIFICATION_UPLOADS = RecertificationUploads()

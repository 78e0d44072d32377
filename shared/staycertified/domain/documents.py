"""Documents a member uploads (R15): the grant decision and the content check.

Pure: no boto3, no clock. A member may upload only inside their own open audit
case (R27) or recertification application (R29), before its deadline, into a
key the system chooses, with a type and a size the policy allows. What reaches
the bucket is judged again by its content (magic bytes), its size and its
grant; a failing object is removed and its document is `REJECTED` with the
reason.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from staycertified.domain import errors
from staycertified.domain.decisions import Frozen
from staycertified.domain.errors import DomainError
from staycertified.domain.policy import Policy


class UploadPurpose(StrEnum):
    AUDIT = "AUDIT"
    RECERTIFICATION = "RECERTIFICATION"


class DocumentKind(StrEnum):
    PROOF = "PROOF"
    EMPLOYMENT_VERIFICATION = "EMPLOYMENT_VERIFICATION"
    TRANSCRIPT = "TRANSCRIPT"
    OTHER = "OTHER"


class DocumentStatus(StrEnum):
    """PENDING_UPLOAD (granted, nothing received), RECEIVED (passed the checks,
    attached), REJECTED (failed a check, removed from the bucket; or refused by
    staff), ACCEPTED (staff verified the item it proves)."""

    PENDING_UPLOAD = "PENDING_UPLOAD"
    RECEIVED = "RECEIVED"
    REJECTED = "REJECTED"
    ACCEPTED = "ACCEPTED"


class UploadOwner(Frozen):
    """What an owner (audit case, recertification application) says about uploads:
    whether it takes documents now, until which day, and which items exist
    (`None`: the owner has no items, any `itemId` is refused)."""

    purpose: UploadPurpose
    owner_id: str
    open: bool
    deadline: date | None = None
    item_ids: frozenset[str] | None = None
    reason: str = ""


class UploadGrant(Frozen):
    """The decision: what the presigned POST will fix."""

    content_type: str
    max_bytes: int
    minutes: int
    rules: tuple[str, ...] = ("R15",)


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, "R15")


def decide_grant(
    owner: UploadOwner | None,
    *,
    item_id: str | None,
    content_type: str,
    size: int,
    today: date,
    policy: Policy,
) -> UploadGrant:
    """R15: a grant for the member's own open owner, before its deadline, for a type
    and size inside policy. Every refusal has a stable code; nothing is written."""
    if owner is None:
        raise _refuse(
            errors.DOCUMENT_UPLOAD_NOT_ALLOWED,
            "documents can be uploaded only to your own open audit case or "
            "recertification application",
        )
    if not owner.open:
        raise _refuse(
            errors.DOCUMENT_UPLOAD_NOT_ALLOWED,
            f"{owner.owner_id} does not take documents ({owner.reason or 'closed'})",
        )
    if owner.deadline is not None and today > owner.deadline:
        raise _refuse(
            errors.DOCUMENT_DEADLINE_PASSED,
            f"the deadline of {owner.owner_id} was {owner.deadline.isoformat()}",
        )
    if item_id is not None and (owner.item_ids is None or item_id not in owner.item_ids):
        raise _refuse(
            errors.DOCUMENT_ITEM_UNKNOWN, f"{owner.owner_id} has no item {item_id} needing proof"
        )
    accepted = policy.documents.accepted_types.at(today)
    if content_type not in accepted:
        raise _refuse(
            errors.DOCUMENT_TYPE_NOT_ACCEPTED,
            f"accepted types are {', '.join(accepted)}",
        )
    max_bytes = policy.documents.max_bytes.at(today)
    if size <= 0:
        raise _refuse(errors.DOCUMENT_EMPTY, "the file is empty")
    if size > max_bytes:
        raise _refuse(errors.DOCUMENT_TOO_LARGE, f"a document is at most {max_bytes} bytes")
    return UploadGrant(
        content_type=content_type,
        max_bytes=max_bytes,
        minutes=policy.documents.grant_minutes.at(today),
    )


# ---------------------------------------------------------------- the object's content

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
SNIFF_BYTES = 16


def sniff_type(head: bytes) -> str | None:
    """The type the first bytes say the file is (PDF, JPEG, PNG), or None."""
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


class ObjectCheck(Frozen):
    """The S3-side verdict on one uploaded object: `code` is None when it passes."""

    code: str | None = None
    reason: str = ""
    detected_type: str | None = None
    rules: tuple[str, ...] = ("R15",)

    @property
    def passed(self) -> bool:
        return self.code is None


def check_object(
    *,
    size: int,
    head: bytes,
    granted_type: str,
    max_bytes: int,
    owner: UploadOwner | None,
    today: date,
) -> ObjectCheck:
    """R15: the object's size, its content (magic bytes) against the granted type, and
    its owner still taking documents. The first failing check is the reason."""
    if owner is None or not owner.open:
        return ObjectCheck(
            code=errors.DOCUMENT_UPLOAD_NOT_ALLOWED,
            reason="the audit case or application no longer takes documents",
        )
    if owner.deadline is not None and today > owner.deadline:
        return ObjectCheck(
            code=errors.DOCUMENT_DEADLINE_PASSED,
            reason=f"received after the deadline {owner.deadline.isoformat()}",
        )
    if size <= 0:
        return ObjectCheck(code=errors.DOCUMENT_EMPTY, reason="the file is empty")
    if size > max_bytes:
        return ObjectCheck(
            code=errors.DOCUMENT_TOO_LARGE,
            reason=f"the file is {size} bytes; at most {max_bytes} are allowed",
        )
    detected = sniff_type(head)
    if detected is None:
        return ObjectCheck(
            code=errors.DOCUMENT_TYPE_NOT_ACCEPTED,
            reason="the file's content is not a PDF, JPEG or PNG",
        )
    if detected != granted_type:
        return ObjectCheck(
            code=errors.DOCUMENT_TYPE_NOT_ACCEPTED,
            reason=f"the file's content is {detected}, not the {granted_type} granted",
            detected_type=detected,
        )
    return ObjectCheck(detected_type=detected)

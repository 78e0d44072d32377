"""The audit case under review (R27): its items, their verification, submit and outcome.

Pure. The case lists the cycle's items: the recorded activities of the cycle, or,
for an attested cycle (R18), the attested points per category. Provider CE (R13)
is VERIFIED from the start; any other item NEEDS_PROOF until a document passes
the bucket's checks (PROOF_RECEIVED), then staff decide VERIFIED (points, at most
those claimed) or REJECTED (reason). A rejected item may get a new document until
the deadline (extended once, R27). The case passes as soon as verified points
reach the requirement; it fails the day after its deadline, or when staff close
a submitted case short.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from staycertified.domain.decisions import Frozen
from staycertified.domain.errors import DomainError
from staycertified.domain.history import CertificationHistory
from staycertified.domain.model import (
    Activity,
    ActivitySource,
    Attestation,
    AuditCase,
    AuditStatus,
    Category,
    Cycle,
    ItemDecision,
)
from staycertified.domain.policy import Policy

AUDIT_NOT_OPEN = "AUDIT_NOT_OPEN"
AUDIT_DEADLINE_PASSED = "AUDIT_DEADLINE_PASSED"
AUDIT_PROOF_MISSING = "AUDIT_PROOF_MISSING"
AUDIT_NOT_SUBMITTED = "AUDIT_NOT_SUBMITTED"
AUDIT_ITEM_UNKNOWN = "AUDIT_ITEM_UNKNOWN"
AUDIT_ITEM_NO_PROOF = "AUDIT_ITEM_NO_PROOF"
AUDIT_POINTS_ABOVE_CLAIM = "AUDIT_POINTS_ABOVE_CLAIM"
AUDIT_EXTENSION_USED = "AUDIT_EXTENSION_USED"
AUDIT_EXTENSION_TOO_LONG = "AUDIT_EXTENSION_TOO_LONG"
AUDIT_REASON_REQUIRED = "AUDIT_REASON_REQUIRED"

VERIFIED = "VERIFIED"
REJECTED = "REJECTED"


class ItemSource(StrEnum):
    PROVIDER = "PROVIDER"
    MEMBER = "MEMBER"
    ATTESTATION = "ATTESTATION"


class Verification(StrEnum):
    VERIFIED = "VERIFIED"
    NEEDS_PROOF = "NEEDS_PROOF"
    PROOF_RECEIVED = "PROOF_RECEIVED"
    REJECTED = "REJECTED"


class ProofDocument(Frozen):
    """What the review needs of a document: which item, received when, its status."""

    document_id: str
    item_id: str | None
    status: str  # PENDING_UPLOAD, RECEIVED, REJECTED, ACCEPTED
    uploaded_at: str | None = None


PRIOR_RECORDS_ITEM = "PRIOR-RECORDS"


class ClaimedItem(Frozen):
    item_id: str
    title: str
    category: Category | None
    points: Decimal
    source: ItemSource


class ReviewedItem(Frozen):
    item_id: str
    title: str
    category: Category | None
    points: Decimal
    source: ItemSource
    verification: Verification
    points_verified: Decimal
    reason: str | None = None
    documents: tuple[str, ...] = ()


class CaseReview(Frozen):
    case: AuditCase
    items: tuple[ReviewedItem, ...]
    points_required: Decimal
    points_verified: Decimal
    rules: tuple[str, ...] = ("R27",)

    @property
    def missing_proof(self) -> tuple[str, ...]:
        return tuple(
            i.item_id
            for i in self.items
            if i.verification in (Verification.NEEDS_PROOF, Verification.REJECTED)
        )

    @property
    def awaiting_review(self) -> tuple[str, ...]:
        return tuple(i.item_id for i in self.items if i.verification == Verification.PROOF_RECEIVED)

    @property
    def passes(self) -> bool:
        return self.points_verified >= self.points_required


def attested_item_id(category: Category) -> str:
    return f"ATTEST-{category.value}"


def claimed_items(
    case: AuditCase,
    activities: Iterable[Activity],
    attestations: Iterable[Attestation],
    cycle: Cycle | None = None,
) -> tuple[ClaimedItem, ...]:
    """R27: the cycle's recorded activities, or the attested points per category. A
    cycle with nothing recorded here (its points were taken as met from the previous
    system's records, the member import) has one item: its required points, to be
    proven like any other."""
    found = _recorded_items(case, activities, attestations)
    if found or cycle is None:
        return found
    return (
        ClaimedItem(
            item_id=PRIOR_RECORDS_ITEM,
            title="Points recorded in the previous records system",
            category=None,
            points=cycle.points_required,
            source=ItemSource.MEMBER,
        ),
    )


def _recorded_items(
    case: AuditCase, activities: Iterable[Activity], attestations: Iterable[Attestation]
) -> tuple[ClaimedItem, ...]:
    attested = next(
        (
            a
            for a in attestations
            if a.certificate_number == case.certificate_number and a.cycle_start == case.cycle_start
        ),
        None,
    )
    if attested is not None:
        return tuple(
            ClaimedItem(
                item_id=attested_item_id(category),
                title=f"Attested {category.value.replace('_', ' ').lower()} points",
                category=category,
                points=points,
                source=ItemSource.ATTESTATION,
            )
            for category, points in sorted(attested.points_by_category.items())
            if points > 0
        )
    items = []
    for activity in sorted(activities, key=lambda a: (a.effective_date, a.activity_id)):
        if activity.certificate_number != case.certificate_number:
            continue
        if not case.cycle_start <= activity.effective_date <= case.cycle_end:
            continue
        provider = activity.source == ActivitySource.PROVIDER
        items.append(
            ClaimedItem(
                item_id=activity.activity_id,
                title=activity.title,
                category=activity.category,
                points=activity.points,
                source=ItemSource.PROVIDER if provider else ItemSource.MEMBER,
            )
        )
    return tuple(items)


def _review_item(
    item: ClaimedItem, decision: ItemDecision | None, documents: Sequence[ProofDocument]
) -> ReviewedItem:
    mine = [d for d in documents if d.item_id == item.item_id]
    received = [d for d in mine if d.status in ("RECEIVED", "ACCEPTED")]
    ids = tuple(d.document_id for d in mine if d.status != "PENDING_UPLOAD")
    base = item.model_dump()
    if decision is not None and decision.decision == VERIFIED:
        return ReviewedItem(
            **base,
            verification=Verification.VERIFIED,
            points_verified=decision.points,
            documents=ids,
            reason=decision.reason or None,
        )
    if item.source == ItemSource.PROVIDER:
        return ReviewedItem(
            **base, verification=Verification.VERIFIED, points_verified=item.points, documents=ids
        )
    if decision is not None:
        # Rejected: a rejection also rejects the documents it judged, so a document
        # still RECEIVED came after it: the item has new proof to review.
        newer = [d for d in mine if d.status == "RECEIVED"]
        state = Verification.PROOF_RECEIVED if newer else Verification.REJECTED
        return ReviewedItem(
            **base,
            verification=state,
            points_verified=Decimal(0),
            reason=decision.reason or None,
            documents=ids,
        )
    state = Verification.PROOF_RECEIVED if received else Verification.NEEDS_PROOF
    return ReviewedItem(**base, verification=state, points_verified=Decimal(0), documents=ids)


def review_case(
    case: AuditCase,
    items: Sequence[ClaimedItem],
    documents: Sequence[ProofDocument],
    points_required: Decimal,
) -> CaseReview:
    reviewed = tuple(_review_item(i, case.decisions.get(i.item_id), documents) for i in items)
    return CaseReview(
        case=case,
        items=reviewed,
        points_required=points_required,
        points_verified=sum((i.points_verified for i in reviewed), Decimal(0)),
    )


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, "R27")


def upload_item_ids(review: CaseReview) -> frozenset[str] | None:
    """R27: the items that may get a document (None: the case is decided). The
    deadline (`case.deadline`) is the owner's, checked by the grant and the bucket."""
    case = review.case
    if not case.is_open:
        return None
    if case.status == AuditStatus.SUBMITTED:  # only items staff rejected are open again
        return frozenset(i.item_id for i in review.items if i.verification == Verification.REJECTED)
    return frozenset(i.item_id for i in review.items if i.verification != Verification.VERIFIED)


def check_submit(review: CaseReview, today: date) -> None:
    """R27: the member submits when every item needing proof has a document."""
    case = review.case
    if not case.is_open:
        raise _refuse(AUDIT_NOT_OPEN, f"audit case {case.case_id} is {case.status.value}")
    if today > case.deadline:
        raise _refuse(AUDIT_DEADLINE_PASSED, f"the deadline was {case.deadline.isoformat()}")
    missing = review.missing_proof
    if missing:
        raise _refuse(AUDIT_PROOF_MISSING, "proof is missing for items: " + ", ".join(missing))


def submitted(case: AuditCase, today: date) -> AuditCase:
    return case.model_copy(
        update={
            "status": AuditStatus.SUBMITTED,
            "submitted_on": today,
            "submissions": case.submissions + 1,
        }
    )


def decide_item(
    review: CaseReview,
    item_id: str,
    *,
    decision: str,
    points: Decimal | None,
    reason: str,
    decided_by: str,
    decided_at: str,
) -> AuditCase:
    """R27: staff verify an item (at most the points claimed) or reject it (a reason)."""
    case = review.case
    if not case.is_open:
        raise _refuse(AUDIT_NOT_OPEN, f"audit case {case.case_id} is {case.status.value}")
    item = next((i for i in review.items if i.item_id == item_id), None)
    if item is None:
        raise _refuse(AUDIT_ITEM_UNKNOWN, f"audit case {case.case_id} has no item {item_id}")
    if item.source != ItemSource.PROVIDER and item.verification not in (
        Verification.PROOF_RECEIVED,
        Verification.VERIFIED,
    ):
        raise _refuse(AUDIT_ITEM_NO_PROOF, f"item {item_id} has no document to review")
    if decision == REJECTED and not reason.strip():
        raise _refuse(AUDIT_REASON_REQUIRED, "a rejection needs a reason the member can act on")
    granted = item.points if points is None else points
    if decision == VERIFIED and (granted > item.points or granted < 0):
        raise _refuse(
            AUDIT_POINTS_ABOVE_CLAIM, f"item {item_id} claims {item.points} points at most"
        )
    chosen = ItemDecision(
        decision=decision,
        points=granted if decision == VERIFIED else Decimal(0),
        reason=reason,
        decided_by=decided_by,
        decided_at=decided_at,
    )
    return case.model_copy(update={"decisions": {**case.decisions, item_id: chosen}})


def extend(
    case: AuditCase,
    *,
    days: int,
    reason: str,
    extended_by: str,
    extended_at: str,
    today: date,
    policy: Policy,
) -> AuditCase:
    """R27: once, by at most the policy's maximum, with a reason."""
    if not case.is_open:
        raise _refuse(AUDIT_NOT_OPEN, f"audit case {case.case_id} is {case.status.value}")
    if case.extended_to is not None:
        raise _refuse(AUDIT_EXTENSION_USED, "the deadline was already extended once")
    most = policy.audit.extension_max_days.at(today)
    if not 1 <= days <= most:
        raise _refuse(AUDIT_EXTENSION_TOO_LONG, f"an extension is 1 to {most} days")
    return case.model_copy(
        update={
            "extended_to": case.respond_by + timedelta(days=days),
            "extension_reason": reason,
            "extended_by": extended_by,
            "extended_at": extended_at,
        }
    )


class CaseOutcome(Frozen):
    status: AuditStatus
    reason: str
    rules: tuple[str, ...] = ("R27",)


def outcome_after_review(review: CaseReview) -> CaseOutcome | None:
    """R27: PASSED as soon as verified points reach the requirement; else still open."""
    if review.passes:
        return CaseOutcome(
            status=AuditStatus.PASSED, reason="verified points reach the requirement"
        )
    return None


def outcome_on(review: CaseReview, today: date) -> CaseOutcome | None:
    """R27, deadlines as data: the day after the deadline an undecided case fails."""
    case = review.case
    if not case.is_open:
        return None
    if review.passes:
        return outcome_after_review(review)
    if today > case.deadline:
        return CaseOutcome(
            status=AuditStatus.FAILED,
            reason=f"the deadline {case.deadline.isoformat()} passed without enough verified points",
            rules=("R27", "R22"),
        )
    return None


def close_short(review: CaseReview, reason: str) -> CaseOutcome:
    """R27: staff close a submitted case whose verified points fall short."""
    case = review.case
    if case.status != AuditStatus.SUBMITTED:
        raise _refuse(AUDIT_NOT_SUBMITTED, f"audit case {case.case_id} is {case.status.value}")
    if review.passes:
        raise _refuse(AUDIT_NOT_OPEN, "verified points reach the requirement: the case passes")
    return CaseOutcome(status=AuditStatus.FAILED, reason=reason, rules=("R27", "R22"))


def reminder_due_on(case: AuditCase, today: date) -> bool:
    """R26, R27: the reminder goes on its day (or the first sweep after it) while nothing
    has been submitted and the deadline has not passed."""
    return (
        case.status == AuditStatus.OPEN
        and case.submissions == 0
        and case.reminder_on <= today <= case.deadline
    )


def review_history(
    history: CertificationHistory, case: AuditCase, documents: Sequence[ProofDocument]
) -> CaseReview:
    """R27: `case` reviewed against the certification's history: the items claimed for
    the audited cycle (as stored), what the proofs and staff decisions say of each, and
    the points that cycle requires (0 when it is not stored)."""
    cycle = history.stored_cycle(case.cycle_start)
    items = claimed_items(case, history.activities, history.attestations, cycle)
    required = cycle.points_required if cycle is not None else Decimal(0)
    return review_case(case, items, documents, required)

"""R27: an audit case under review, pure (domain.audit_review): its items, their proof
and staff's decisions, submitting, the extension and the outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from staycertified.domain import audit_review as review
from staycertified.domain.audit_review import (
    ClaimedItem,
    ItemSource,
    ProofDocument,
    Verification,
)
from staycertified.domain.errors import DomainError
from staycertified.domain.model import (
    ActivitySource,
    AuditCase,
    AuditStatus,
    Category,
    Cycle,
    ItemDecision,
)
from staycertified.policy import Policy

from .builders import activity, attestation

START, END = date(2023, 1, 1), date(2025, 12, 31)
RESPOND_BY = date(2026, 3, 2)


def case(**changes: object) -> AuditCase:
    fields: dict[str, object] = {
        "case_id": "AUD-2026-C-1",
        "certificate_number": "C-1",
        "audit_year": 2026,
        "cycle_start": START,
        "cycle_end": END,
        "opened_on": date(2026, 1, 15),
        "respond_by": RESPOND_BY,
        "reminder_on": date(2026, 2, 14),
    }
    fields.update(changes)
    return AuditCase.model_validate(fields)


def item(item_id: str, points: int = 30, source: ItemSource = ItemSource.MEMBER) -> ClaimedItem:
    return ClaimedItem(
        item_id=item_id,
        title=f"course {item_id}",
        category=Category.PROFESSIONAL_EDUCATION,
        points=Decimal(points),
        source=source,
    )


def document(item_id: str, status: str = "RECEIVED", document_id: str = "") -> ProofDocument:
    return ProofDocument(
        document_id=document_id or f"DOC-{item_id}", item_id=item_id, status=status
    )


def decided(decision: str, points: int = 0, reason: str = "") -> ItemDecision:
    return ItemDecision(
        decision=decision,
        points=Decimal(points),
        reason=reason,
        decided_by="staff-1",
        decided_at="2026-02-01T10:00:00Z",
    )


def refused(code: str) -> pytest.RaisesExc[DomainError]:
    return pytest.raises(DomainError, match=code)


# ---------------------------------------------------------------- the items


def test_r27_the_items_are_the_cycles_activities_of_the_certificate_in_date_order() -> None:
    activities = [
        activity(date(2025, 5, 1), 20),
        activity(date(2023, 2, 1), 25),
        activity(date(2022, 12, 31), 40),  # before the cycle
        activity(date(2026, 1, 1), 40),  # after it
        activity(date(2024, 1, 1), 40, number="C-2"),  # another certificate
    ]
    items = review.claimed_items(case(), activities, [])
    assert [i.item_id for i in items] == ["A-2023-02-01-25", "A-2025-05-01-20"]
    assert [i.points for i in items] == [Decimal(25), Decimal(20)]
    assert {i.source for i in items} == {ItemSource.MEMBER}


def test_r27_the_cycle_end_and_start_days_are_inside_the_cycle() -> None:
    items = review.claimed_items(case(), [activity(START, 10), activity(END, 11)], [])
    assert len(items) == 2


def test_r13_provider_ce_is_an_item_of_source_provider() -> None:
    provided = activity(date(2024, 3, 3)).model_copy(update={"source": ActivitySource.PROVIDER})
    (only,) = review.claimed_items(case(), [provided], [])
    assert only.source == ItemSource.PROVIDER


def test_r18_an_attested_cycle_has_one_item_per_category_with_points() -> None:
    attested = attestation(START, signed_on=date(2025, 12, 1), points=45)
    attested = attested.model_copy(
        update={
            "points_by_category": {
                Category.PROFESSIONAL_EDUCATION: Decimal(45),
                Category.FORMAL_EDUCATION: Decimal(0),
            }
        }
    )
    (only,) = review.claimed_items(case(), [activity(date(2024, 1, 1))], [attested])
    assert only.item_id == review.attested_item_id(Category.PROFESSIONAL_EDUCATION)
    assert only.item_id == "ATTEST-PROFESSIONAL_EDUCATION"
    assert only.points == Decimal(45)
    assert only.source == ItemSource.ATTESTATION
    assert only.category == Category.PROFESSIONAL_EDUCATION
    assert only.title == "Attested professional education points"


def test_r18_a_category_attested_with_one_point_is_an_item() -> None:
    attested = attestation(START, signed_on=date(2025, 12, 1), points=1)
    (only,) = review.claimed_items(case(), [], [attested])
    assert only.points == Decimal(1)


def test_r18_an_attestation_of_another_cycle_does_not_make_the_items() -> None:
    other = attestation(date(2020, 1, 1), signed_on=date(2022, 12, 1))
    items = review.claimed_items(case(), [activity(date(2024, 1, 1))], [other])
    assert [i.source for i in items] == [ItemSource.MEMBER]


def test_r27_a_cycle_with_nothing_recorded_and_no_stored_cycle_has_no_items() -> None:
    assert review.claimed_items(case(), [], []) == ()


def test_r27_a_cycle_taken_as_met_from_prior_records_has_one_item_of_its_points() -> None:
    cycle = Cycle(certificate_number="C-1", start=START, end=END, points_required=Decimal(60))
    (only,) = review.claimed_items(case(), [], [], cycle)
    assert only.item_id == review.PRIOR_RECORDS_ITEM
    assert only.title == "Points recorded in the previous records system"
    assert (only.category, only.points, only.source) == (None, Decimal(60), ItemSource.MEMBER)


def test_r27_an_activity_item_carries_its_category() -> None:
    authored = activity(date(2024, 1, 1), 10, Category.AUTHORSHIP)
    (only,) = review.claimed_items(case(), [authored], [])
    assert only.category == Category.AUTHORSHIP


# ---------------------------------------------------------------- what each item's proof says


def test_r27_a_member_item_without_a_document_needs_proof() -> None:
    (reviewed,) = review.review_case(case(), [item("I-1")], [], Decimal(30)).items
    assert reviewed.verification == Verification.NEEDS_PROOF
    assert reviewed.points_verified == 0


def test_r27_a_pending_upload_is_no_proof_and_is_not_listed() -> None:
    docs = [document("I-1", "PENDING_UPLOAD")]
    (reviewed,) = review.review_case(case(), [item("I-1")], docs, Decimal(30)).items
    assert reviewed.verification == Verification.NEEDS_PROOF
    assert reviewed.documents == ()


def test_r27_an_accepted_document_is_proof() -> None:
    docs = [document("I-1", "ACCEPTED")]
    (reviewed,) = review.review_case(case(), [item("I-1")], docs, Decimal(30)).items
    assert reviewed.verification == Verification.PROOF_RECEIVED


def test_r27_a_received_document_puts_the_item_up_for_review() -> None:
    docs = [document("I-1"), document("I-2", document_id="DOC-other")]
    (reviewed,) = review.review_case(case(), [item("I-1")], docs, Decimal(30)).items
    assert reviewed.verification == Verification.PROOF_RECEIVED
    assert reviewed.documents == ("DOC-I-1",)


def test_r15_a_rejected_document_is_listed_but_is_no_proof() -> None:
    docs = [document("I-1", "REJECTED")]
    (reviewed,) = review.review_case(case(), [item("I-1")], docs, Decimal(30)).items
    assert reviewed.verification == Verification.NEEDS_PROOF
    assert reviewed.documents == ("DOC-I-1",)


def test_r13_a_provider_item_is_verified_from_the_start_for_its_points() -> None:
    provider = item("P-1", 12, ItemSource.PROVIDER)
    result = review.review_case(case(), [provider], [document("P-1")], Decimal(30))
    (reviewed,) = result.items
    assert reviewed.verification == Verification.VERIFIED
    assert reviewed.points_verified == Decimal(12)
    assert reviewed.documents == ("DOC-P-1",)
    assert result.points_verified == Decimal(12)


def test_r27_a_verified_item_counts_the_points_staff_granted_with_the_reason() -> None:
    decisions = {"I-1": decided("VERIFIED", 20, "partly")}
    docs = [document("I-1", "ACCEPTED")]
    result = review.review_case(case(decisions=decisions), [item("I-1")], docs, Decimal(30))
    (reviewed,) = result.items
    assert reviewed.verification == Verification.VERIFIED
    assert reviewed.points_verified == Decimal(20)
    assert reviewed.reason == "partly"
    assert reviewed.documents == ("DOC-I-1",)
    assert result.points_verified == Decimal(20)
    assert not result.passes


def test_r27_a_rejected_item_counts_nothing_and_needs_new_proof() -> None:
    decisions = {"I-1": decided("REJECTED", reason="illegible")}
    docs = [document("I-1", "REJECTED")]
    result = review.review_case(case(decisions=decisions), [item("I-1")], docs, Decimal(30))
    (reviewed,) = result.items
    assert reviewed.verification == Verification.REJECTED
    assert reviewed.points_verified == 0
    assert reviewed.reason == "illegible"
    assert reviewed.documents == ("DOC-I-1",)
    assert result.missing_proof == ("I-1",)


def test_r27_a_document_received_after_a_rejection_is_new_proof_to_review() -> None:
    decisions = {"I-1": decided("REJECTED", reason="illegible")}
    docs = [document("I-1", "REJECTED", "DOC-1"), document("I-1", "RECEIVED", "DOC-2")]
    result = review.review_case(case(decisions=decisions), [item("I-1")], docs, Decimal(30))
    assert result.items[0].verification == Verification.PROOF_RECEIVED
    assert result.awaiting_review == ("I-1",)
    assert result.missing_proof == ()


def test_r27_the_case_passes_when_verified_points_reach_the_requirement_exactly() -> None:
    decisions = {"I-1": decided("VERIFIED", 20), "I-2": decided("VERIFIED", 10)}
    items = [item("I-1", 20), item("I-2", 10)]
    assert review.review_case(case(decisions=decisions), items, [], Decimal(30)).passes
    assert not review.review_case(case(decisions=decisions), items, [], Decimal(31)).passes


# ---------------------------------------------------------------- uploads and submitting


def test_r27_an_open_case_takes_documents_for_every_item_not_yet_verified() -> None:
    items = [item("I-1"), item("I-2"), item("P-1", source=ItemSource.PROVIDER)]
    result = review.review_case(case(), items, [document("I-2")], Decimal(30))
    assert review.upload_item_ids(result) == frozenset({"I-1", "I-2"})


def test_r27_a_submitted_case_takes_documents_only_for_rejected_items() -> None:
    decisions = {"I-1": decided("REJECTED", reason="blurred")}
    submitted = case(status=AuditStatus.SUBMITTED, decisions=decisions)
    result = review.review_case(submitted, [item("I-1"), item("I-2")], [document("I-2")], 30)
    assert review.upload_item_ids(result) == frozenset({"I-1"})


@pytest.mark.parametrize("status", [AuditStatus.PASSED, AuditStatus.FAILED])
def test_r27_a_decided_case_takes_no_documents(status: AuditStatus) -> None:
    result = review.review_case(case(status=status), [item("I-1")], [], Decimal(30))
    assert review.upload_item_ids(result) is None


def test_r27_a_case_with_every_item_proven_can_be_submitted_on_its_deadline() -> None:
    result = review.review_case(case(), [item("I-1")], [document("I-1")], Decimal(30))
    review.check_submit(result, RESPOND_BY)
    after = review.submitted(result.case, RESPOND_BY)
    assert after.status == AuditStatus.SUBMITTED
    assert after.submitted_on == RESPOND_BY
    assert after.submissions == 1
    assert review.submitted(after, RESPOND_BY).submissions == 2


def test_r27_submitting_with_proof_missing_names_the_items() -> None:
    result = review.review_case(case(), [item("I-1"), item("I-2")], [document("I-2")], 30)
    with refused("AUDIT_PROOF_MISSING") as raised:
        review.check_submit(result, RESPOND_BY)
    assert raised.value.message == "proof is missing for items: I-1"
    assert raised.value.rule == "R27"


def test_r27_submitting_with_several_items_missing_lists_them_all() -> None:
    result = review.review_case(case(), [item("I-1"), item("I-2")], [], Decimal(30))
    with refused("AUDIT_PROOF_MISSING") as raised:
        review.check_submit(result, RESPOND_BY)
    assert raised.value.message == "proof is missing for items: I-1, I-2"


def test_r27_submitting_after_the_deadline_is_refused() -> None:
    result = review.review_case(case(), [item("I-1")], [document("I-1")], Decimal(30))
    with refused("AUDIT_DEADLINE_PASSED") as raised:
        review.check_submit(result, date(2026, 3, 3))
    assert raised.value.message == "the deadline was 2026-03-02"


def test_r27_submitting_to_a_decided_case_is_refused() -> None:
    result = review.review_case(case(status=AuditStatus.PASSED), [], [], Decimal(30))
    with refused("AUDIT_NOT_OPEN") as raised:
        review.check_submit(result, RESPOND_BY)
    assert raised.value.message == "audit case AUD-2026-C-1 is PASSED"


# ---------------------------------------------------------------- staff decide an item


def decide(result: review.CaseReview, item_id: str = "I-1", **changes: object) -> AuditCase:
    fields: dict[str, object] = {
        "decision": "VERIFIED",
        "points": None,
        "reason": "",
        "decided_by": "staff-1",
        "decided_at": "2026-02-01T10:00:00Z",
    }
    fields.update(changes)
    return review.decide_item(result, item_id, **fields)  # type: ignore[arg-type]


def proven(*items: ClaimedItem, on: AuditCase | None = None) -> review.CaseReview:
    docs = [document(i.item_id) for i in items]
    return review.review_case(on or case(), items, docs, Decimal(30))


def test_r27_verifying_without_points_grants_the_points_claimed() -> None:
    after = decide(proven(item("I-1", 25)))
    chosen = after.decisions["I-1"]
    assert chosen.decision == "VERIFIED"
    assert chosen.points == Decimal(25)
    assert chosen.decided_by == "staff-1"


def test_r27_staff_may_grant_fewer_points_than_claimed_but_not_more() -> None:
    assert decide(proven(item("I-1", 25)), points=Decimal(10)).decisions["I-1"].points == 10
    assert decide(proven(item("I-1", 25)), points=Decimal(25)).decisions["I-1"].points == 25
    with refused("AUDIT_POINTS_ABOVE_CLAIM") as raised:
        decide(proven(item("I-1", 25)), points=Decimal(26))
    assert raised.value.message == "item I-1 claims 25 points at most"


def test_r27_staff_may_verify_an_item_for_no_points() -> None:
    assert decide(proven(item("I-1", 25)), points=Decimal(0)).decisions["I-1"].points == 0


def test_r27_negative_points_are_refused() -> None:
    with refused("AUDIT_POINTS_ABOVE_CLAIM"):
        decide(proven(item("I-1", 25)), points=Decimal(-1))


def test_r27_a_rejection_needs_a_reason_and_counts_no_points() -> None:
    with refused("AUDIT_REASON_REQUIRED") as raised:
        decide(proven(item("I-1")), decision="REJECTED", reason="   ")
    assert raised.value.message == "a rejection needs a reason the member can act on"
    after = decide(proven(item("I-1")), decision="REJECTED", reason="unreadable", points=None)
    assert after.decisions["I-1"].points == 0
    assert after.decisions["I-1"].reason == "unreadable"


def test_r27_an_item_without_a_document_cannot_be_decided() -> None:
    result = review.review_case(case(), [item("I-1")], [], Decimal(30))
    with refused("AUDIT_ITEM_NO_PROOF") as raised:
        decide(result)
    assert raised.value.message == "item I-1 has no document to review"


def test_r27_a_provider_item_can_be_decided_without_a_document() -> None:
    result = review.review_case(case(), [item("P-1", 5, ItemSource.PROVIDER)], [], 30)
    assert decide(result, "P-1", points=Decimal(3)).decisions["P-1"].points == 3


def test_r27_a_verified_item_can_be_decided_again() -> None:
    first = decide(proven(item("I-1", 25)), points=Decimal(10))
    again = review.review_case(first, [item("I-1", 25)], [document("I-1")], Decimal(30))
    assert decide(again, points=Decimal(20)).decisions["I-1"].points == 20


def test_r27_an_unknown_item_is_refused() -> None:
    with refused("AUDIT_ITEM_UNKNOWN") as raised:
        decide(proven(item("I-1")), "I-9")
    assert raised.value.message == "audit case AUD-2026-C-1 has no item I-9"


def test_r27_a_decided_case_takes_no_decisions() -> None:
    with refused("AUDIT_NOT_OPEN") as raised:
        decide(proven(item("I-1"), on=case(status=AuditStatus.FAILED)))
    assert raised.value.message == "audit case AUD-2026-C-1 is FAILED"


def test_r27_a_decision_keeps_the_others() -> None:
    earlier = case(decisions={"I-2": decided("VERIFIED", 5)})
    after = decide(proven(item("I-1"), item("I-2"), on=earlier))
    assert set(after.decisions) == {"I-1", "I-2"}


# ---------------------------------------------------------------- the extension


def extend(the_case: AuditCase, days: int, policy: Policy) -> AuditCase:
    return review.extend(
        the_case,
        days=days,
        reason="hospital stay",
        extended_by="staff-1",
        extended_at="2026-02-20T09:00:00Z",
        today=date(2026, 2, 20),
        policy=policy,
    )


def test_r27_an_extension_moves_the_deadline_from_the_response_date(policy: Policy) -> None:
    after = extend(case(), 30, policy)
    assert after.extended_to == date(2026, 4, 1)
    assert after.deadline == date(2026, 4, 1)
    assert after.extension_reason == "hospital stay"
    assert after.extended_by == "staff-1"
    assert after.extended_at == "2026-02-20T09:00:00Z"


@pytest.mark.parametrize("days", [0, 31, -5])
def test_r27_an_extension_is_one_day_to_the_policy_maximum(days: int, policy: Policy) -> None:
    assert policy.audit.extension_max_days.at(date(2026, 2, 20)) == 30
    with refused("AUDIT_EXTENSION_TOO_LONG") as raised:
        extend(case(), days, policy)
    assert raised.value.message == "an extension is 1 to 30 days"


def test_r27_a_case_is_extended_once(policy: Policy) -> None:
    assert extend(case(), 1, policy).extended_to == date(2026, 3, 3)
    with refused("AUDIT_EXTENSION_USED") as raised:
        extend(extend(case(), 1, policy), 1, policy)
    assert raised.value.message == "the deadline was already extended once"


def test_r27_a_decided_case_is_not_extended(policy: Policy) -> None:
    with refused("AUDIT_NOT_OPEN") as raised:
        extend(case(status=AuditStatus.PASSED), 5, policy)
    assert raised.value.message == "audit case AUD-2026-C-1 is PASSED"


# ---------------------------------------------------------------- the outcome


def verified_case(points: int, **changes: object) -> review.CaseReview:
    decisions = {"I-1": decided("VERIFIED", points)}
    return review.review_case(case(decisions=decisions, **changes), [item("I-1")], [], 30)


def test_r27_a_case_passes_as_soon_as_verified_points_reach_the_requirement() -> None:
    outcome = review.outcome_after_review(verified_case(30))
    assert outcome is not None
    assert outcome.status == AuditStatus.PASSED
    assert outcome.reason == "verified points reach the requirement"
    assert outcome.rules == ("R27",)
    assert review.outcome_after_review(verified_case(29)) is None


def test_r27_an_open_case_short_of_points_stays_open_up_to_its_deadline() -> None:
    assert review.outcome_on(verified_case(10), RESPOND_BY) is None


def test_r27_r22_the_day_after_the_deadline_a_case_short_of_points_fails() -> None:
    outcome = review.outcome_on(verified_case(10), date(2026, 3, 3))
    assert outcome is not None
    assert outcome.status == AuditStatus.FAILED
    assert outcome.rules == ("R27", "R22")
    assert "2026-03-02" in outcome.reason


def test_r27_the_extended_deadline_is_the_one_that_counts() -> None:
    extended = verified_case(10, extended_to=date(2026, 4, 1))
    assert review.outcome_on(extended, date(2026, 3, 3)) is None
    failed = review.outcome_on(extended, date(2026, 4, 2))
    assert failed is not None and failed.status == AuditStatus.FAILED


def test_r27_a_case_with_enough_points_passes_even_after_its_deadline() -> None:
    outcome = review.outcome_on(verified_case(30), date(2026, 6, 1))
    assert outcome is not None and outcome.status == AuditStatus.PASSED


def test_r27_a_decided_case_has_no_new_outcome() -> None:
    assert review.outcome_on(verified_case(30, status=AuditStatus.FAILED), RESPOND_BY) is None


def test_r27_r22_staff_close_a_submitted_case_short_with_their_reason() -> None:
    outcome = review.close_short(verified_case(10, status=AuditStatus.SUBMITTED), "no proof")
    assert outcome.status == AuditStatus.FAILED
    assert outcome.reason == "no proof"
    assert outcome.rules == ("R27", "R22")


def test_r27_only_a_submitted_case_is_closed_short() -> None:
    with refused("AUDIT_NOT_SUBMITTED") as raised:
        review.close_short(verified_case(10), "no proof")
    assert raised.value.message == "audit case AUD-2026-C-1 is OPEN"


def test_r27_a_case_whose_points_suffice_is_not_closed_short() -> None:
    with refused("AUDIT_NOT_OPEN") as raised:
        review.close_short(verified_case(30, status=AuditStatus.SUBMITTED), "no proof")
    assert raised.value.message == "verified points reach the requirement: the case passes"


# ---------------------------------------------------------------- the reminder (R26)


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 2, 13), False),  # before its day
        (date(2026, 2, 14), True),  # its day
        (date(2026, 2, 20), True),  # the first sweep after it
        (RESPOND_BY, True),  # still on the deadline
        (date(2026, 3, 3), False),  # not after it
    ],
)
def test_r26_the_reminder_goes_from_its_day_up_to_the_deadline(today: date, due: bool) -> None:
    assert review.reminder_due_on(case(), today) is due


def test_r26_no_reminder_once_the_member_submitted() -> None:
    assert not review.reminder_due_on(case(submissions=1), date(2026, 2, 14))
    assert not review.reminder_due_on(case(status=AuditStatus.SUBMITTED), date(2026, 2, 14))

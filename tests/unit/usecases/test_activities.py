"""activities.record_activity called directly (R10-R13, issue 8): domain values, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from staycertified import activities
from staycertified.domain.activities import ActivityDraft
from staycertified.refusals import IDEMPOTENCY_KEY_REUSED, NOT_FOUND, Refused

from .conftest import TODAY


def education(quantity: str = "2.5") -> ActivityDraft:
    return ActivityDraft(
        category="PROFESSIONAL_EDUCATION",
        unit="CONTACT_HOUR",
        title="Infection control",
        quantity=Decimal(quantity),
        qualifies="JOB_PERFORMANCE",  # type: ignore[arg-type]
        provider="Local college",
        completed_on=date(2026, 1, 10),
    )


def test_r10_recording_returns_recorded_with_points(member: str, table: Any, policy: Any) -> None:
    recorded = activities.record_activity(table, member, None, education(), TODAY, policy)
    assert recorded.replayed is False
    assert recorded.activity.points == Decimal("2.5")
    assert recorded.activity.certificate_number == "RMA-M1"
    assert recorded.certification.activities[-1] == recorded.activity


def test_r13_same_idempotency_key_replays_the_same_activity(
    member: str, table: Any, policy: Any
) -> None:
    def once() -> activities.Recorded:
        return activities.record_activity(
            table, member, None, education(), TODAY, policy, idempotency_key="k1", fingerprint="f"
        )

    first, second = once(), once()
    assert (first.replayed, second.replayed) == (False, True)
    assert second.activity == first.activity
    assert second.activity.activity_id == activities.activity_id(member, "k1")
    from staycertified.store.members import load_member

    record = load_member(table, member)
    assert record is not None
    ids = sorted(a.activity_id for a in record.certifications[0].activities)
    assert ids == sorted([first.activity.activity_id, "IMPORT-RMA-M1"])  # written once


def test_r13_a_key_reused_for_another_request_is_refused(
    member: str, table: Any, policy: Any
) -> None:
    activities.record_activity(
        table, member, None, education(), TODAY, policy, idempotency_key="k1", fingerprint="a"
    )
    with pytest.raises(Refused) as refused:
        activities.record_activity(
            table,
            member,
            None,
            education("3"),
            TODAY,
            policy,
            idempotency_key="k1",
            fingerprint="b",
        )
    assert refused.value.code == IDEMPOTENCY_KEY_REUSED


def test_r37_an_unknown_member_is_refused_not_found(member: str, table: Any, policy: Any) -> None:
    with pytest.raises(Refused) as refused:
        activities.record_activity(table, "M404", None, education(), TODAY, policy)
    assert refused.value.code == NOT_FOUND


def test_r37_an_unknown_certificate_number_is_refused_not_found(
    member: str, table: Any, policy: Any
) -> None:
    with pytest.raises(Refused) as refused:
        activities.record_activity(table, member, "RMA-NOPE", education(), TODAY, policy)
    assert (refused.value.code, getattr(refused.value, "what", None)) == (
        NOT_FOUND,
        "certification",
    )

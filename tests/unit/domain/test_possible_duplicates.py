"""R13: a completion is recorded once; a likely resubmission is recorded and flagged
(domain.activities.possible_duplicates). R18: an attestation claims the cycle's points
(domain.recording.attestation_shortfall)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from staycertified.domain import errors
from staycertified.domain.activities import possible_duplicates
from staycertified.domain.model import ActivitySource, Category, Cycle
from staycertified.domain.recording import ATTESTATION_POINTS_SHORT, attestation_shortfall

from .builders import activity, attestation

DAY = date(2026, 3, 14)


def test_r13_the_same_course_recorded_again_is_flagged_naming_the_first() -> None:
    first = activity(DAY, 10, activity_id="A-1")
    again = activity(DAY, 10, activity_id="A-2").model_copy(update={"title": "  COURSE "})
    (warning,) = possible_duplicates(again, [first])
    assert warning.rule == "R13"
    assert warning.code == errors.ACTIVITY_POSSIBLE_DUPLICATE
    assert warning.message == (
        "same category, date and quantity as A-1: an activity with the same title is "
        "already recorded; this one is recorded too (send an Idempotency-Key so that a "
        "retry is recorded once)"
    )


def test_r13_an_activity_is_no_duplicate_of_itself() -> None:
    first = activity(DAY, 10, activity_id="A-1")
    assert possible_duplicates(first, [first]) == []


def test_r13_a_different_title_is_a_different_course() -> None:
    first = activity(DAY, 10, activity_id="A-1")
    other = activity(DAY, 10, activity_id="A-2").model_copy(update={"title": "another"})
    assert possible_duplicates(other, [first]) == []


def test_r13_the_bodys_online_ce_is_matched_whatever_its_title() -> None:
    provided = activity(DAY, 10, activity_id="P-1").model_copy(
        update={"source": ActivitySource.PROVIDER, "title": "Online CE 123"}
    )
    mine = activity(DAY, 10, activity_id="A-2").model_copy(update={"title": "my course"})
    (warning,) = possible_duplicates(mine, [provided])
    assert warning.message.startswith(
        "same category, date and quantity as P-1: the body's online CE already recorded it;"
    )


def test_r13_two_provider_completions_are_compared_by_title() -> None:
    provided = activity(DAY, 10, activity_id="P-1").model_copy(
        update={"source": ActivitySource.PROVIDER, "title": "Online CE 123"}
    )
    other = provided.model_copy(update={"activity_id": "P-2", "title": "Online CE 456"})
    assert possible_duplicates(other, [provided]) == []


def test_r13_another_date_category_or_quantity_is_no_duplicate() -> None:
    first = activity(DAY, 10, activity_id="A-1")
    for changed in (
        activity(date(2026, 3, 15), 10, activity_id="A-2"),
        activity(DAY, 11, activity_id="A-2"),
        activity(DAY, 10, Category.AUTHORSHIP, activity_id="A-2"),
        activity(DAY, 10, activity_id="A-2").model_copy(update={"period_start": date(2026, 1, 1)}),
        activity(DAY, 10, activity_id="A-2").model_copy(update={"period_end": date(2026, 3, 14)}),
    ):
        assert possible_duplicates(changed, [first]) == [], changed


def test_r13_every_earlier_match_is_listed_past_those_that_do_not_match() -> None:
    earlier = [
        activity(DAY, 10, activity_id="A-3"),  # itself
        activity(DAY, 10, activity_id="A-1"),
        activity(DAY, 99, activity_id="A-0"),  # another quantity
        activity(DAY, 10, activity_id="A-9").model_copy(update={"title": "other"}),
        activity(DAY, 10, activity_id="A-2"),
    ]
    found = possible_duplicates(activity(DAY, 10, activity_id="A-3"), earlier)
    assert [w.message.split(":")[0] for w in found] == [
        "same category, date and quantity as A-1",
        "same category, date and quantity as A-2",
    ]


CYCLE = Cycle(
    certificate_number="C-1",
    start=date(2024, 1, 1),
    end=date(2026, 12, 31),
    points_required=Decimal(30),
)


def test_r18_an_attestation_of_every_required_point_stands() -> None:
    assert attestation_shortfall(attestation(CYCLE.start, DAY, points=30), CYCLE) is None
    assert attestation_shortfall(attestation(CYCLE.start, DAY, points=45), CYCLE) is None


def test_r18_an_attestation_short_of_the_cycles_points_is_refused() -> None:
    error = attestation_shortfall(attestation(CYCLE.start, DAY, points=29), CYCLE)
    assert error is not None
    assert error.code == ATTESTATION_POINTS_SHORT
    assert error.rule == "R18"
    assert error.message == "the attestation claims 29 points, the cycle requires 30"

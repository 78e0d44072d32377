"""ProviderCeFunction (R13): a CourseCompleted event is recorded once, verified, source PROVIDER."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from staycertified.store.members import load_member

from .support import function_module, load_rows, member_row

provider = function_module("provider_ce")


def course_completed(**detail: Any) -> dict[str, Any]:
    body = {
        "completionId": "C-1",
        "memberId": "M1",
        "courseId": "IC-101",
        "title": "Infection control",
        "contactHours": 2.5,
        "completedOn": "2026-01-10",
    }
    body.update(detail)
    return {  # the whole EventBridge envelope, as the rule target's input transformer builds it
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "source": "staycertified.learning",
        "account": "123456789012",
        "region": "us-east-1",
        "resources": [],
        "detail-type": "CourseCompleted",
        "time": "2026-01-10T20:00:00Z",
        "detail": body,
        "receivedAt": "2026-01-10T20:00:00Z",
    }


def test_completion_is_recorded_verified_as_provider_ce(table: Any) -> None:
    load_rows(table, [member_row("M1")], date(2026, 1, 1))
    assert provider.handle(course_completed(), None, table=table)["status"] == "RECORDED"
    [activity] = load_member(table, "M1").certifications[0].activities
    assert (activity.source, activity.verified, activity.points) == ("PROVIDER", True, 2.5)
    assert activity.category == "PROFESSIONAL_EDUCATION"


def test_ceu_earns_ten_points_each(table: Any) -> None:
    load_rows(table, [member_row("M1")], date(2026, 1, 1))
    event = course_completed(contactHours=None, ceu=0.5)
    assert provider.handle(event, None, table=table)["status"] == "RECORDED"
    [activity] = load_member(table, "M1").certifications[0].activities
    assert activity.points == 5


def test_a_replayed_completion_is_recorded_once(table: Any) -> None:
    load_rows(table, [member_row("M1")], date(2026, 1, 1))
    provider.handle(course_completed(), None, table=table)
    assert provider.handle(course_completed(), None, table=table)["status"] == "DUPLICATE"
    assert len(load_member(table, "M1").certifications[0].activities) == 1


def test_unknown_member_is_rejected_not_retried(table: Any) -> None:
    result = provider.handle(course_completed(memberId="NOBODY"), None, table=table)
    assert result == {"status": "REJECTED", "activity_id": None, "codes": ["UNKNOWN_MEMBER"]}


def test_malformed_detail_is_rejected(table: Any) -> None:
    result = provider.handle(course_completed(contactHours=None), None, table=table)
    assert result == {"status": "MALFORMED"}


def test_r13_one_completion_over_the_policy_cap_is_refused_finding_4(table: Any) -> None:
    load_rows(table, [member_row("M1")], date(2026, 1, 1))
    result = provider.handle(course_completed(contactHours=500), None, table=table)
    assert result["codes"] == ["COMPLETION_HOURS_OVER_CAP"]
    assert provider.handle(course_completed(contactHours=None, ceu=5), None, table=table)[
        "codes"
    ] == ["COMPLETION_HOURS_OVER_CAP"]
    assert load_member(table, "M1").certifications[0].activities == ()


def test_r40_today_is_the_received_time_not_the_senders_time_finding_4(table: Any) -> None:
    load_rows(table, [member_row("M1")], date(2026, 1, 1))
    event = course_completed(completedOn="2026-06-01")  # after the received day: refused
    event["time"] = "2026-07-01T00:00:00Z"  # what a sender claims counts for nothing
    assert provider.handle(event, None, table=table)["status"] == "REJECTED"
    assert load_member(table, "M1").certifications[0].activities == ()


def test_r21_a_completion_dated_inside_the_lapsed_cycle_cures_it_and_rolls_it_over(
    table: Any,
) -> None:
    """R13 + R21 + R16: the body's own CE cures an ended non-compliant cycle as a member's
    activity would, and the cycle rolls over the day it was cured (the audit pool, R25)."""
    row = member_row("M1", certified_on="2022-12-20", paid_through="2026-12-31", cycle_points=0)
    load_rows(table, [row], date(2025, 12, 1))
    event = course_completed(completedOn="2025-12-05", contactHours=30)
    assert provider.handle(event, None, table=table)["status"] == "RECORDED"
    cert = load_member(table, "M1").certifications[0]
    [ended] = [c for c in cert.cycles if c.start == date(2022, 12, 20)]
    assert ended.advanced_on == date(2026, 1, 10)


def test_r21_a_redelivered_completion_finishes_the_rollover_a_crash_left_undone(
    table: Any,
) -> None:
    """The first delivery stored the activity and died before the rollover (a timeout):
    the redelivery is a DUPLICATE and still rolls the cured cycle over, once."""
    from staycertified.store import cycles as cycle_store

    row = member_row("M1", certified_on="2022-12-20", paid_through="2026-12-31", cycle_points=0)
    load_rows(table, [row], date(2025, 12, 1))
    event = course_completed(completedOn="2025-12-05", contactHours=30)
    real = cycle_store.mark_advanced
    cycle_store.mark_advanced = lambda *args: (_ for _ in ()).throw(TimeoutError("killed"))
    try:
        with pytest.raises(TimeoutError):
            provider.handle(event, None, table=table)
    finally:
        cycle_store.mark_advanced = real
    assert provider.handle(event, None, table=table)["status"] == "DUPLICATE"
    cert = load_member(table, "M1").certifications[0]
    [ended] = [c for c in cert.cycles if c.start == date(2022, 12, 20)]
    assert ended.advanced_on == date(2026, 1, 10)

"""The simulated clock fires the template's schedules at the right instants."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from staycertified_sandbox import Sandbox


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def sweep_instants(sb: Sandbox, until: date) -> list[datetime]:
    return [f.at for f in sb.advance_to(until) if f.schedule == "LifecycleSweepFunctionDailySweep"]


def test_the_daily_sweep_follows_chicago_time_across_both_dst_changes(
    fresh_sandbox: Callable[..., Sandbox],
) -> None:
    spring = fresh_sandbox(start=date(2026, 3, 6))
    # 2026-03-08: the sweep runs at 03:00, which exists on the spring-forward day (R17).
    assert sweep_instants(spring, date(2026, 3, 9)) == [
        utc(2026, 3, 6, 9), utc(2026, 3, 7, 9), utc(2026, 3, 8, 8), utc(2026, 3, 9, 8),
    ]  # fmt: skip
    spring.close()
    autumn = fresh_sandbox(start=date(2026, 10, 31))
    # 2026-11-01: 03:00 CST happens once, at 09:00Z.
    assert sweep_instants(autumn, date(2026, 11, 2)) == [
        utc(2026, 10, 31, 8), utc(2026, 11, 1, 9), utc(2026, 11, 2, 9),
    ]  # fmt: skip


def test_the_monthly_run_gets_its_scheduled_time_in_utc(
    fresh_sandbox: Callable[..., Sandbox],
) -> None:
    sb = fresh_sandbox(start=date(2026, 3, 31))
    fired = [
        f
        for f in sb.advance_to(date(2026, 4, 1))
        if f.schedule == "StartRunFunctionMonthlyRenewalRun"
    ]
    assert [f.payload for f in fired] == [
        {"workflow": "renewals", "scheduledTime": "2026-04-01T11:00:00Z"}
    ]
    assert sb.today == date(2026, 4, 1)


def test_firings_run_in_time_order_and_the_clock_ends_at_the_end_of_the_day(
    fresh_sandbox: Callable[..., Sandbox],
) -> None:
    sb = fresh_sandbox(start=date(2026, 1, 1))
    fired = sb.advance_to(date(2026, 1, 2))
    assert [(f.schedule, f.at) for f in fired] == [
        ("EventRelayFunctionPendingEvents", utc(2026, 1, 1, 6, 30)),
        ("LifecycleSweepFunctionDailySweep", utc(2026, 1, 1, 9)),
        ("BadgeEventsFunctionRetryOpenCalls", utc(2026, 1, 1, 9)),
        ("StartRunFunctionMonthlyRenewalRun", utc(2026, 1, 1, 12)),
        ("DashboardSnapshotFunctionMonthlySnapshot", utc(2026, 1, 1, 13)),
        ("EventRelayFunctionPendingEvents", utc(2026, 1, 2, 6, 30)),
        ("LifecycleSweepFunctionDailySweep", utc(2026, 1, 2, 9)),
        ("BadgeEventsFunctionRetryOpenCalls", utc(2026, 1, 2, 9)),
        ("StartRunFunctionAnnualAuditRun", utc(2026, 1, 2, 13)),
    ]
    invoked = [c.event for c in sb.invocations if c.function == "LifecycleSweepFunction"]
    assert invoked[:2] == [
        {"scheduledTime": "2026-01-01T09:00:00Z"},
        {"scheduledTime": "2026-01-02T09:00:00Z"},
    ]
    assert sb.today == date(2026, 1, 2)
    assert sb.advance_to(date(2026, 1, 2)) == []

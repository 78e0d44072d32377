"""R17/R39: every scheduled job runs on its calendar day in the body's time zone, whatever
the clocks do that night: each local time a schedule names exists exactly once on every
day, the daylight-saving changes included (derived from the template's schedules)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from staycertified_sandbox.cron import Cron, ScheduleExpression
from staycertified_sandbox.template import load_template

ROOT = Path(__file__).resolve().parents[2]
SAM = load_template(ROOT / "template.yaml")
BODY_ZONE = SAM["Parameters"]["TimeZone"]["Default"]


def _zone(value: Any) -> str:
    if isinstance(value, dict) and value.get("Ref") == "TimeZone":
        return str(BODY_ZONE)
    return str(value)


def schedules() -> list[tuple[str, str, str]]:
    """(function.event, cron expression, time zone) of every time-of-day schedule."""
    found = []
    for logical_id, resource in SAM["Resources"].items():
        events = resource.get("Properties", {}).get("Events", {}) or {}
        for name, event in events.items():
            if event.get("Type") not in ("ScheduleV2", "Schedule"):
                continue
            props = event["Properties"]
            expression = str(props["ScheduleExpression"])
            if expression.startswith("cron("):
                zone = _zone(props.get("ScheduleExpressionTimezone", "UTC"))
                found.append((f"{logical_id}.{name}", expression, zone))
    return found


def dst_changes(zone: ZoneInfo, year: int) -> list[date]:
    """The local days on which the UTC offset changes (spring forward, fall back)."""
    days = [date(year, 1, 1) + timedelta(days=n) for n in range(366)]
    noon = [datetime.combine(d, time(12), tzinfo=zone).utcoffset() for d in days]
    return [days[n] for n in range(1, len(days)) if noon[n] != noon[n - 1]]


def exists_once(day: date, wall: time, zone: ZoneInfo) -> bool:
    """The wall time is neither skipped (spring forward) nor repeated (fall back)."""
    first = datetime.combine(day, wall, tzinfo=zone)
    second = first.replace(fold=1)
    same = first.astimezone(UTC) == second.astimezone(UTC)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return same and round_trip == first.replace(tzinfo=None)


def test_the_template_has_daily_schedules_and_the_body_zone_changes_clocks() -> None:
    assert any("LifecycleSweep" in name for name, _, _ in schedules())
    assert len(dst_changes(ZoneInfo(BODY_ZONE), 2026)) == 2


@pytest.mark.parametrize(("name", "expression", "zone_name"), schedules(), ids=lambda v: str(v))
def test_r17_every_schedule_names_a_local_time_that_exists_once_on_every_day(
    name: str, expression: str, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    cron = Cron.parse(expression[len("cron(") : -1])
    for change in dst_changes(zone, 2026):
        for hour in cron.hours:
            for minute in cron.minutes:
                assert exists_once(change, time(hour, minute), zone), (
                    f"{name}: {hour:02d}:{minute:02d} on {change} is skipped or repeated"
                )


@pytest.mark.parametrize(("name", "expression", "zone_name"), schedules(), ids=lambda v: str(v))
def test_r17_each_schedule_fires_once_per_matching_day_across_both_dst_changes(
    name: str, expression: str, zone_name: str
) -> None:
    """As EventBridge Scheduler runs it (the sandbox's evaluator skips a time that does not
    exist and runs a repeated one once), on the days around both changes of 2026."""
    zone = ZoneInfo(zone_name)
    schedule = ScheduleExpression(expression, zone, datetime(2026, 1, 1, tzinfo=UTC))
    cron = Cron.parse(expression[len("cron(") : -1])
    per_day = len(cron.hours) * len(cron.minutes)
    for change in dst_changes(zone, 2026):
        for day in (change - timedelta(days=1), change, change + timedelta(days=1)):
            start = datetime.combine(day, time(0), tzinfo=zone)
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            fired = schedule.between(start.astimezone(UTC), end.astimezone(UTC))
            expected = per_day if cron.matches_day(day) else 0
            assert len(fired) == expected, f"{name} on {day}: {len(fired)} runs"
            assert all(f.astimezone(zone).date() == day for f in fired)

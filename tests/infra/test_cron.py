"""The AWS schedule-expression evaluator (cron, rate, at) and its time-zone handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from staycertified_sandbox.cron import ScheduleExpression, ScheduleExpressionError

CHICAGO = ZoneInfo("America/Chicago")
ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def fires(expression: str, after: datetime, until: datetime, zone: str = "UTC") -> list[datetime]:
    return ScheduleExpression(expression, ZoneInfo(zone), ANCHOR).between(after, until)


@pytest.mark.parametrize(
    ("expression", "after", "until", "expected"),
    [
        # every day at 10:15 UTC
        ("cron(15 10 * * ? *)", utc(2026, 1, 1), utc(2026, 1, 3), [utc(2026, 1, 1, 10, 15), utc(2026, 1, 2, 10, 15)]),
        # the window is (after, until]: an instant equal to `after` is not due, one equal to `until` is
        ("cron(0 12 * * ? *)", utc(2026, 1, 1, 12), utc(2026, 1, 2, 12), [utc(2026, 1, 2, 12)]),
        # lists and ranges of hours
        ("cron(0 8,17 ? * MON-FRI *)", utc(2026, 1, 2), utc(2026, 1, 5, 9), [utc(2026, 1, 2, 8), utc(2026, 1, 2, 17), utc(2026, 1, 5, 8)]),
        # steps: every 20 minutes from :05
        ("cron(5/20 9 1 1 ? 2026)", utc(2026, 1, 1), utc(2026, 1, 2), [utc(2026, 1, 1, 9, 5), utc(2026, 1, 1, 9, 25), utc(2026, 1, 1, 9, 45)]),
        ("cron(*/30 0 1 1 ? *)", utc(2025, 12, 31), utc(2026, 1, 1, 1), [utc(2026, 1, 1, 0, 0), utc(2026, 1, 1, 0, 30)]),
        # L: last day of the month, leap year included
        ("cron(0 0 L * ? *)", utc(2028, 1, 15), utc(2028, 3, 15), [utc(2028, 1, 31), utc(2028, 2, 29)]),
        # W: nearest weekday to the 15th (2026-02-15 is a Sunday -> Monday the 16th)
        ("cron(0 0 15W 2 ? *)", utc(2026, 1, 1), utc(2026, 3, 1), [utc(2026, 2, 16)]),
        # 1W on a Saturday moves forward within the month (2026-08-01 is a Saturday -> Mon 3rd)
        ("cron(0 0 1W 8 ? *)", utc(2026, 7, 1), utc(2026, 9, 1), [utc(2026, 8, 3)]),
        # LW: last weekday of the month (2026-01-31 is a Saturday -> Fri 30th)
        ("cron(0 0 LW 1 ? *)", utc(2026, 1, 1), utc(2026, 2, 1), [utc(2026, 1, 30)]),
        # #: the third Friday
        ("cron(0 10 ? * 6#3 *)", utc(2026, 1, 1), utc(2026, 3, 1), [utc(2026, 1, 16, 10), utc(2026, 2, 20, 10)]),
        # nL: the last Friday of the month
        ("cron(0 10 ? JAN 6L *)", utc(2026, 1, 1), utc(2026, 2, 1), [utc(2026, 1, 30, 10)]),
        # month and weekday names, year ranges
        ("cron(0 0 1 JAN,JUL ? 2026-2027)", utc(2026, 1, 1), utc(2028, 12, 31), [utc(2026, 7, 1), utc(2027, 1, 1), utc(2027, 7, 1)]),
        # SUN = 1
        ("cron(0 0 ? * 1 *)", utc(2026, 1, 1), utc(2026, 1, 12), [utc(2026, 1, 4), utc(2026, 1, 11)]),
    ],
)  # fmt: skip
def test_cron_fires_at_the_expected_instants(
    expression: str, after: datetime, until: datetime, expected: list[datetime]
) -> None:
    assert fires(expression, after, until) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 2 * * *)",  # five fields
        "cron(0 2 * * * *)",  # neither day field is ?
        "cron(0 2 ? * ? *)",  # both are ?
        "cron(60 2 * * ? *)",  # minute out of range
        "cron(0 2 * FOO ? *)",  # unknown month
        "cron(0 2 ? * 6#6 *)",  # no sixth Friday
        "cron(0 22-2 * * ? *)",  # wrapping range: unsupported, said clearly
        "rate(0 minutes)",
        "rate(5 weeks)",
        "every(5 minutes)",
    ],
)
def test_unsupported_or_invalid_expressions_are_refused_when_read(expression: str) -> None:
    with pytest.raises(ScheduleExpressionError):
        ScheduleExpression(expression, ZoneInfo("UTC"), ANCHOR)


def test_daily_2am_chicago_skips_the_spring_forward_day_as_eventbridge_scheduler_does() -> None:
    # 2026-03-08 02:00-02:59 does not exist in Chicago: the invocation is skipped.
    instants = fires("cron(0 2 * * ? *)", utc(2026, 3, 6), utc(2026, 3, 10), "America/Chicago")
    assert instants == [utc(2026, 3, 6, 8), utc(2026, 3, 7, 8), utc(2026, 3, 9, 7)]


def test_daily_2am_chicago_runs_once_on_the_fall_back_day() -> None:
    instants = fires("cron(0 2 * * ? *)", utc(2026, 10, 31), utc(2026, 11, 3), "America/Chicago")
    assert instants == [utc(2026, 10, 31, 7), utc(2026, 11, 1, 8), utc(2026, 11, 2, 8)]


def test_a_repeated_wall_time_runs_once_at_its_first_occurrence() -> None:
    # 01:30 happens twice on 2026-11-01 in Chicago (CDT, then CST): first one only.
    instants = fires("cron(30 1 1 11 ? *)", utc(2026, 10, 1), utc(2026, 12, 1), "America/Chicago")
    assert instants == [utc(2026, 11, 1, 6, 30)]


def test_monthly_6am_chicago_is_noon_utc_in_winter_and_11_in_summer() -> None:
    instants = fires("cron(0 6 1 * ? *)", utc(2026, 1, 1), utc(2027, 1, 1), "America/Chicago")
    assert [instant.hour for instant in instants] == [
        12,
        12,
        12,
        11,
        11,
        11,
        11,
        11,
        11,
        11,
        12,
        12,
    ]


def test_rate_counts_from_the_anchor() -> None:
    expression = ScheduleExpression("rate(6 hours)", ZoneInfo("UTC"), utc(2026, 1, 1, 1))
    assert expression.between(utc(2026, 1, 1, 5), utc(2026, 1, 2)) == [
        utc(2026, 1, 1, 7),
        utc(2026, 1, 1, 13),
        utc(2026, 1, 1, 19),
    ]


def test_rate_of_one_day_is_24_hours_across_dst() -> None:
    anchor = datetime(2026, 3, 7, 2, tzinfo=CHICAGO)
    expression = ScheduleExpression("rate(1 day)", CHICAGO, anchor)
    instants = expression.between(anchor, anchor + timedelta(days=2))
    assert [i - anchor for i in instants] == [timedelta(days=1), timedelta(days=2)]


def test_at_fires_once_in_its_time_zone() -> None:
    instants = fires("at(2026-07-04T09:00:00)", utc(2026, 1, 1), utc(2027, 1, 1), "America/Chicago")
    assert instants == [utc(2026, 7, 4, 14)]

"""Calendar arithmetic (R39). Dates are plain calendar dates in the body's time
zone; converting an instant to that date happens at the edge (`local_date`).

29 February: an anniversary of 02-29 falls on the last day of February in
common years (R39); adding years/months clamps to the month's last day.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

ONE_DAY = timedelta(days=1)


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month_end(day: date) -> date:
    return last_day_of_month(day.year, day.month)


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) moved by `months` (may be negative); crosses year ends."""
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's last day."""
    year, month = shift_month(day.year, day.month, months)
    return min(date(year, month, 1) + timedelta(days=day.day - 1), last_day_of_month(year, month))


def add_years(day: date, years: int) -> date:
    """Same day `years` later; 29 February becomes 28 February in a common year (R39)."""
    return add_months(day, 12 * years)


def anniversary_month_end(anchor: date, year: int) -> date:
    """Last day of the anniversary month in `year` (R3 due day, R7 paid_through)."""
    return last_day_of_month(year, anchor.month)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (end exclusive of a partial month)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day and end != month_end(end):
        months -= 1
    return months


def local_date(instant: datetime, time_zone: str) -> date:
    """The calendar date of an aware instant in the body's time zone (R39, R40)."""
    from zoneinfo import ZoneInfo

    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(ZoneInfo(time_zone)).date()

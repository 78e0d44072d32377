"""AWS schedule expressions (`cron(...)`, `rate(...)`, `at(...)`) evaluated in a time zone.

The fields of an AWS cron expression are `minutes hours day-of-month month
day-of-week year`. Supported, as AWS documents them:

- `*` (every value), `?` (no specific value; day-of-month or day-of-week only),
  single values, lists `a,b`, ranges `a-b`, steps `*/n`, `a/n`, `a-b/n`;
- month names `JAN`..`DEC`, weekday names `SUN`..`SAT` (1 = SUN .. 7 = SAT);
- day-of-month `L` (last day), `nW` (weekday nearest to day n, within the month), `LW`;
- day-of-week `nL` (last weekday n of the month) and `n#k` (k-th weekday n).

Anything else raises `ScheduleExpressionError` naming the field.

Time zones follow EventBridge Scheduler: the expression is evaluated in its
`ScheduleExpressionTimezone`; when the clocks go forward an occurrence whose
local time does not exist is skipped, and when they go back an occurrence that
happens twice in local time runs once (the first time)
(https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS = {k.upper(): v for k, v in MONTHS.items()}
WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


class ScheduleExpressionError(ValueError):
    """An expression the evaluator cannot (or AWS would not) accept."""


@dataclass(frozen=True)
class _Bounds:
    name: str
    low: int
    high: int
    names: dict[str, int] | None = None


_MINUTES = _Bounds("minutes", 0, 59)
_HOURS = _Bounds("hours", 0, 23)
_DOM = _Bounds("day-of-month", 1, 31)
_MONTH = _Bounds("month", 1, 12, MONTHS)
_DOW = _Bounds("day-of-week", 1, 7, WEEKDAYS)
_YEAR = _Bounds("year", 1970, 2199)


def _value(token: str, bounds: _Bounds) -> int:
    token = token.upper()
    if bounds.names and token in bounds.names:
        return bounds.names[token]
    if not token.isdigit():
        raise ScheduleExpressionError(f"{bounds.name}: unsupported value {token!r}")
    number = int(token)
    if not bounds.low <= number <= bounds.high:
        raise ScheduleExpressionError(f"{bounds.name}: {number} outside {bounds.low}-{bounds.high}")
    return number


def _part(part: str, bounds: _Bounds) -> set[int]:
    """One comma-separated part: `*`, `a`, `a-b`, with an optional `/step`."""
    base, _, step_text = part.partition("/")
    step = int(step_text) if step_text else 1
    if step_text and (not step_text.isdigit() or step < 1):
        raise ScheduleExpressionError(f"{bounds.name}: bad step {step_text!r}")
    if base == "*":
        low, high = bounds.low, bounds.high
    elif "-" in base:
        first, last = base.split("-", 1)
        low, high = _value(first, bounds), _value(last, bounds)
    else:
        low = _value(base, bounds)
        high = bounds.high if step_text else low
    if low > high:
        raise ScheduleExpressionError(f"{bounds.name}: wrapping range {base!r} not supported")
    return set(range(low, high + 1, step))


def _field(text: str, bounds: _Bounds) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        values |= _part(part, bounds)
    return frozenset(values)


def _weekday(day: date) -> int:
    """AWS numbering: 1 = Sunday .. 7 = Saturday."""
    return (day.isoweekday() % 7) + 1


def _nearest_weekday(year: int, month: int, day: int) -> int:
    last = calendar.monthrange(year, month)[1]
    day = min(day, last)
    candidate = date(year, month, day)
    if candidate.weekday() == 5:  # Saturday -> Friday, or Monday if the 1st
        return day - 1 if day > 1 else day + 2
    if candidate.weekday() == 6:  # Sunday -> Monday, or Friday if the last day
        return day + 1 if day < last else day - 2
    return day


@dataclass(frozen=True)
class _DayRule:
    """A day-of-month or day-of-week rule, resolved per month."""

    text: str
    kind: str  # "dom" or "dow"

    def matches(self, day: date) -> bool:
        if self.text == "?":
            return True
        return any(self._part_matches(part, day) for part in self.text.split(","))

    def _part_matches(self, part: str, day: date) -> bool:
        part = part.upper()
        last = calendar.monthrange(day.year, day.month)[1]
        if self.kind == "dom":
            if part == "L":
                return day.day == last
            if part == "LW":
                return day.day == _nearest_weekday(day.year, day.month, last)
            if part.endswith("W"):
                target = _value(part[:-1], _DOM)
                return day.day == _nearest_weekday(day.year, day.month, target)
            return day.day in _part(part, _DOM)
        if part == "L":
            return _weekday(day) == 7
        if part.endswith("L"):
            return _weekday(day) == _value(part[:-1], _DOW) and day.day + 7 > last
        if "#" in part:
            weekday, nth = part.split("#", 1)
            if not nth.isdigit() or not 1 <= int(nth) <= 5:
                raise ScheduleExpressionError(f"day-of-week: bad occurrence {part!r}")
            return _weekday(day) == _value(weekday, _DOW) and (day.day - 1) // 7 + 1 == int(nth)
        return _weekday(day) in _part(part, _DOW)


@dataclass(frozen=True)
class Cron:
    """A parsed AWS cron expression; `occurrences` lists its instants."""

    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: _DayRule
    months: frozenset[int]
    day_of_week: _DayRule
    years: frozenset[int]

    @classmethod
    def parse(cls, fields_text: str) -> Cron:
        fields = fields_text.split()
        if len(fields) != 6:
            raise ScheduleExpressionError(
                f"cron needs 6 fields (min hour dom month dow year), got {len(fields)}"
            )
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ScheduleExpressionError("exactly one of day-of-month and day-of-week must be '?'")
        rule_dom, rule_dow = _DayRule(dom, "dom"), _DayRule(dow, "dow")
        probe = date(2026, 1, 1)
        rule_dom.matches(probe)  # validate eagerly: errors at parse time, not at firing time
        rule_dow.matches(probe)
        return cls(
            minutes=_field(minute, _MINUTES),
            hours=_field(hour, _HOURS),
            day_of_month=rule_dom,
            months=_field(month, _MONTH),
            day_of_week=rule_dow,
            years=_field(year, _YEAR),
        )

    def matches_day(self, day: date) -> bool:
        return (
            day.year in self.years
            and day.month in self.months
            and self.day_of_month.matches(day)
            and self.day_of_week.matches(day)
        )

    def occurrences(self, after: datetime, until: datetime, zone: ZoneInfo) -> Iterator[datetime]:
        """UTC instants in (after, until], in order, evaluated in `zone`."""
        day = after.astimezone(zone).date()
        last_day = until.astimezone(zone).date()
        while day <= last_day:
            if self.matches_day(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        instant = _local_instant(day, time(hour, minute), zone)
                        if instant is not None and after < instant <= until:
                            yield instant
            day += timedelta(days=1)


def _local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall time, or None when DST skips it.

    For a repeated wall time (clocks going back) the first instant is used.
    """
    local = datetime.combine(day, wall, tzinfo=zone)  # fold=0: the first of two
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


@dataclass(frozen=True)
class Rate:
    """`rate(value unit)`: every `every`, counted from an anchor instant."""

    every: timedelta

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = re.fullmatch(r"\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*", text)
        if not match or int(match.group(1)) < 1:
            raise ScheduleExpressionError(f"bad rate expression {text!r}")
        unit = match.group(2).rstrip("s") + "s"
        return cls(timedelta(**{unit: int(match.group(1))}))

    def occurrences(self, after: datetime, until: datetime, anchor: datetime) -> Iterator[datetime]:
        if until <= anchor:
            return
        skipped = max(0, (after - anchor) // self.every) if after > anchor else 0
        instant = anchor + self.every * (skipped + 1)
        while instant <= until:
            if instant > after:
                yield instant
            instant += self.every


@dataclass(frozen=True)
class At:
    """`at(yyyy-mm-ddThh:mm:ss)`: a one-time schedule, in its time zone."""

    local: datetime

    @classmethod
    def parse(cls, text: str) -> At:
        try:
            return cls(datetime.fromisoformat(text.strip()))
        except ValueError as error:
            raise ScheduleExpressionError(f"bad at() expression {text!r}") from error

    def occurrences(self, after: datetime, until: datetime, zone: ZoneInfo) -> Iterator[datetime]:
        instant = _local_instant(self.local.date(), self.local.time(), zone)
        if instant is not None and after < instant <= until:
            yield instant


@dataclass(frozen=True)
class ScheduleExpression:
    """A schedule expression with its time zone; `between` gives its firing instants."""

    expression: str
    zone: ZoneInfo
    anchor: datetime  # where rate() counts from: the schedule's start

    def __post_init__(self) -> None:
        self.parsed()  # fail at construction on an unsupported expression

    def parsed(self) -> Cron | Rate | At:
        match = re.fullmatch(r"\s*(cron|rate|at)\((.*)\)\s*", self.expression)
        if not match:
            raise ScheduleExpressionError(f"unsupported schedule expression {self.expression!r}")
        kind, body = match.groups()
        if kind == "cron":
            return Cron.parse(body)
        if kind == "rate":
            return Rate.parse(body)
        return At.parse(body)

    def between(self, after: datetime, until: datetime) -> list[datetime]:
        """Firing instants (UTC) in (after, until], in time order."""
        parsed = self.parsed()
        if isinstance(parsed, Rate):
            return list(parsed.occurrences(after, until, self.anchor))
        return list(parsed.occurrences(after, until, self.zone))

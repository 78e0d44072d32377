"""CCP cycles (R9): 3 years from the anchor date (certified_on, or the latest
recertified_on, R33). Cycle 0 starts on the anchor and ends the day before its
3rd anniversary; each next cycle starts the day after.

29 February anchors (R39): the cycle ends on the last day of February, 28 or 29
as the calendar has it, and the next one starts on 1 March.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from staycertified.domain.dates import ONE_DAY, add_years, last_day_of_month
from staycertified.domain.model import Certification, Cycle
from staycertified.domain.policy import Policy

CYCLE_YEARS = 3  # R9


def _is_leap_day(day: date) -> bool:
    return day.month == 2 and day.day == 29


def cycle_end(anchor: date, index: int) -> date:
    """Last day of cycle `index` (0-based) counted from `anchor` (R9, R39)."""
    years = CYCLE_YEARS * (index + 1)
    if _is_leap_day(anchor):
        return last_day_of_month(anchor.year + years, 2)
    return add_years(anchor, years) - ONE_DAY


def cycle_bounds(anchor: date, index: int) -> tuple[date, date]:
    """(start, end) of cycle `index`; cycle 0 starts on the anchor (R9)."""
    if index < 0:
        raise ValueError("cycle index must be >= 0")
    start = anchor if index == 0 else cycle_end(anchor, index - 1) + ONE_DAY
    return start, cycle_end(anchor, index)


def cycle_index_on(anchor: date, day: date) -> int | None:
    """Index of the cycle containing `day`, None before the anchor (R9)."""
    if day < anchor:
        return None
    index = max(0, (day.year - anchor.year) // CYCLE_YEARS - 1)
    while cycle_end(anchor, index) < day:
        index += 1
    return index


def make_cycle(certification: Certification, index: int, policy: Policy) -> Cycle:
    """The cycle value, its requirement in force on its start date (R1, R2)."""
    start, end = cycle_bounds(certification.anchor_date, index)
    return Cycle(
        certificate_number=certification.certificate_number,
        start=start,
        end=end,
        points_required=policy.points_required(certification.type, start),
    )


def cycle_containing(certification: Certification, day: date, policy: Policy) -> Cycle | None:
    """The cycle that contains `day`, None before the anchor (R9)."""
    index = cycle_index_on(certification.anchor_date, day)
    return None if index is None else make_cycle(certification, index, policy)


def current_cycle(
    certification: Certification,
    today: date,
    policy: Policy,
    stored: Sequence[Cycle] = (),
) -> Cycle:
    """The cycle in progress on `today` (the first one if today precedes the anchor),
    the stored one when there is one (it carries `advanced_on`, R16)."""
    return cycles_of(certification, stored, today, policy)[-1]


def cycles_of(
    certification: Certification, stored: Sequence[Cycle], today: date, policy: Policy
) -> list[Cycle]:
    """Every cycle from the anchor to the current one, stored values preferred (R9, R16)."""
    return merge_stored_cycles(cycles_until(certification, today, policy), stored)


def cycles_until(certification: Certification, today: date, policy: Policy) -> list[Cycle]:
    """Every cycle from the anchor up to and including the current one."""
    last = cycle_index_on(certification.anchor_date, today)
    count = 1 if last is None else last + 1
    return [make_cycle(certification, i, policy) for i in range(count)]


def ended_cycles(certification: Certification, today: date, policy: Policy) -> list[Cycle]:
    """Cycles whose last day is before `today`."""
    return [c for c in cycles_until(certification, today, policy) if c.end < today]


def cycle_ending_in_month(anchor: date, year: int, month: int) -> tuple[date, date] | None:
    """Bounds of the cycle from `anchor` that ends in (year, month), if any (R16 rollover run)."""
    index = cycle_index_on(anchor, date(year, month, 1))
    if index is None:
        index = 0
    start, end = cycle_bounds(anchor, index)
    if (end.year, end.month) == (year, month):
        return start, end
    return None


def cycles_ended_in_month(
    certifications: list[Certification], year: int, month: int, policy: Policy
) -> list[Cycle]:
    """For the monthly rollover run: each certification's cycle ending in that month."""
    found = []
    for certification in certifications:
        bounds = cycle_ending_in_month(certification.anchor_date, year, month)
        if bounds is not None:
            index = cycle_index_on(certification.anchor_date, bounds[0])
            found.append(make_cycle(certification, index or 0, policy))
    return found


def merge_stored_cycles(computed: list[Cycle], stored: Sequence[Cycle]) -> list[Cycle]:
    """Computed cycles, replaced by the stored one with the same start (keeps `advanced_on`)."""
    by_start = {c.start: c for c in stored}
    return [by_start.get(c.start, c) for c in computed]

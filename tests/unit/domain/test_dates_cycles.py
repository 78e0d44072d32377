"""R39 dates and R9 cycles, at every boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staycertified.domain import cycles, dates
from staycertified.policy import Policy

from .builders import cert

D = date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 5, 17), 0, D(2024, 5, 17)),
    ],
)
def test_r39_add_months_clamps_to_month_end_and_crosses_years(day, months, expected) -> None:
    assert dates.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2023, 12, 31), 3, D(2026, 12, 31)),
    ],
)
def test_r39_add_years_handles_29_february(day, years, expected) -> None:
    assert dates.add_years(day, years) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2024, 2, D(2024, 2, 29)),
        (2023, 2, D(2023, 2, 28)),
        (2025, 12, D(2025, 12, 31)),
        (2025, 4, D(2025, 4, 30)),
    ],
)
def test_r39_last_day_of_month(year, month, expected) -> None:
    assert dates.last_day_of_month(year, month) == expected
    assert dates.month_end(D(year, month, 1)) == expected


def test_r39_29_february_anniversary_month_end_is_in_february_every_year() -> None:
    anchor = D(2008, 2, 29)
    assert dates.anniversary_month_end(anchor, 2011) == D(2011, 2, 28)
    assert dates.anniversary_month_end(anchor, 2012) == D(2012, 2, 29)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2019, 1, 1), D(2020, 1, 1), 12),
        (D(2019, 1, 15), D(2019, 2, 14), 0),
        (D(2019, 1, 15), D(2019, 2, 15), 1),
        (D(2019, 1, 31), D(2019, 2, 28), 1),
        (D(2019, 1, 31), D(2019, 2, 27), 0),
    ],
)
def test_months_between_counts_whole_months(start, end, months) -> None:
    assert dates.months_between(start, end) == months


def test_r39_local_date_is_in_the_body_time_zone() -> None:
    instant = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)  # 21:00 on 31 Dec in Chicago
    assert dates.local_date(instant, "America/Chicago") == D(2025, 12, 31)
    with pytest.raises(ValueError):
        dates.local_date(datetime(2026, 1, 1), "America/Chicago")


def test_shift_month_crosses_year_boundaries() -> None:
    assert dates.shift_month(2025, 12, 1) == (2026, 1)
    assert dates.shift_month(2026, 1, -1) == (2025, 12)
    assert dates.shift_month(2026, 1, -13) == (2024, 12)


@pytest.mark.parametrize(
    ("anchor", "index", "start", "end"),
    [
        (D(2006, 5, 1), 0, D(2006, 5, 1), D(2009, 4, 30)),  # R9's own example
        (D(2006, 5, 1), 1, D(2009, 5, 1), D(2012, 4, 30)),
        (D(2022, 5, 17), 0, D(2022, 5, 17), D(2025, 5, 16)),
        (D(2021, 1, 1), 0, D(2021, 1, 1), D(2023, 12, 31)),
        (D(2020, 12, 31), 0, D(2020, 12, 31), D(2023, 12, 30)),
        (D(2008, 2, 29), 0, D(2008, 2, 29), D(2011, 2, 28)),
        (D(2008, 2, 29), 3, D(2017, 3, 1), D(2020, 2, 29)),
        (D(2008, 2, 29), 4, D(2020, 3, 1), D(2023, 2, 28)),
        (D(2010, 3, 1), 0, D(2010, 3, 1), D(2013, 2, 28)),
        (D(2013, 3, 1), 0, D(2013, 3, 1), D(2016, 2, 29)),
        (D(2010, 2, 15), 0, D(2010, 2, 15), D(2013, 2, 14)),  # February, not 29th
        (D(2010, 3, 29), 0, D(2010, 3, 29), D(2013, 3, 28)),  # 29th, not February
    ],
)
def test_r9_cycle_bounds(anchor, index, start, end) -> None:
    assert cycles.cycle_bounds(anchor, index) == (start, end)


def test_r9_negative_cycle_index_is_refused() -> None:
    with pytest.raises(ValueError):
        cycles.cycle_bounds(D(2020, 1, 1), -1)


@pytest.mark.parametrize(
    ("day", "index"),
    [
        (D(2006, 4, 30), None),
        (D(2006, 5, 1), 0),
        (D(2009, 4, 30), 0),
        (D(2009, 5, 1), 1),
        (D(2012, 4, 30), 1),
        (D(2012, 5, 1), 2),
        (D(2040, 5, 1), 11),
    ],
)
def test_r9_cycle_containing_day_before_and_after_boundaries(day, index) -> None:
    assert cycles.cycle_index_on(D(2006, 5, 1), day) == index


@given(
    anchor=st.dates(min_value=D(1990, 1, 1), max_value=D(2030, 12, 31)),
    offset=st.integers(min_value=0, max_value=40 * 366),
)
def test_r9_cycles_tile_time_without_gaps(anchor: date, offset: int) -> None:
    day = date.fromordinal(anchor.toordinal() + offset)
    index = cycles.cycle_index_on(anchor, day)
    assert index is not None
    start, end = cycles.cycle_bounds(anchor, index)
    assert start <= day <= end
    if index > 0:
        assert cycles.cycle_bounds(anchor, index - 1)[1] == start - dates.ONE_DAY


def test_r9_r33_cycles_count_from_the_recertification_date(policy: Policy) -> None:
    c = cert(D(2006, 5, 1), recertified_on=D(2015, 8, 10))
    current = cycles.current_cycle(c, D(2016, 1, 1), policy)
    assert (current.start, current.end) == (D(2015, 8, 10), D(2018, 8, 9))
    assert current.points_required == 30


def test_r9_current_cycle_before_the_anchor_is_the_first(policy: Policy) -> None:
    c = cert(D(2026, 5, 1))
    assert cycles.current_cycle(c, D(2026, 4, 1), policy).start == D(2026, 5, 1)
    assert cycles.cycle_containing(c, D(2026, 4, 30), policy) is None
    assert cycles.cycle_containing(c, D(2026, 5, 1), policy) is not None
    assert len(cycles.cycles_until(c, D(2026, 4, 1), policy)) == 1


def test_r9_ended_cycles_exclude_the_current(policy: Policy) -> None:
    c = cert(D(2006, 5, 1))
    assert [x.end for x in cycles.ended_cycles(c, D(2009, 4, 30), policy)] == []
    assert [x.end for x in cycles.ended_cycles(c, D(2009, 5, 1), policy)] == [D(2009, 4, 30)]


@pytest.mark.parametrize(
    ("year", "month", "found"),
    [(2009, 4, True), (2009, 5, False), (2009, 3, False), (2012, 4, True), (2006, 4, False)],
)
def test_r16_cycles_ended_in_a_month(policy: Policy, year, month, found) -> None:
    c = cert(D(2006, 5, 1))
    ended = cycles.cycles_ended_in_month([c], year, month, policy)
    assert bool(ended) is found
    if found:
        assert (ended[0].end.year, ended[0].end.month) == (year, month)


def test_r16_merge_keeps_stored_advanced_on(policy: Policy) -> None:
    c = cert(D(2006, 5, 1))
    computed = cycles.cycles_until(c, D(2010, 1, 1), policy)
    stored = [computed[0].model_copy(update={"advanced_on": D(2009, 5, 1)})]
    merged = cycles.merge_stored_cycles(computed, stored)
    assert merged[0].advanced_on == D(2009, 5, 1)
    assert merged[1].advanced_on is None


def test_r16_cycle_ending_on_the_first_of_a_month_is_found(policy: Policy) -> None:
    c = cert(D(2006, 5, 2))
    (ended,) = cycles.cycles_ended_in_month([c], 2009, 5, policy)
    assert (ended.start, ended.end) == (D(2006, 5, 2), D(2009, 5, 1))

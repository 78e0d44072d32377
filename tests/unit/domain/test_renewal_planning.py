"""Which renewal notices the monthly run plans (domain.renewal_planning: R4, R7, R22)."""

from __future__ import annotations

from datetime import date

import pytest

from staycertified.domain.model import Certification, Channel
from staycertified.domain.notices import PlannedNotice
from staycertified.domain.renewal_planning import anniversary_month_of_step, worth_planning

from .builders import cert

# Certified 2024-06-15: anniversary month June; year 2025 is the first invoiced (R3).
CERTIFIED = date(2024, 6, 15)


def planned(year: int) -> PlannedNotice:
    return PlannedNotice(
        certificate_number="C-1",
        membership_year=year,
        step="RENEWAL_NOTICE",
        offset_months=-1,
        channels=(Channel.EMAIL, Channel.MAIL),
        due_date=date(year, 6, 30),
    )


def test_r4_an_unpaid_year_is_worth_planning() -> None:
    assert worth_planning(cert(CERTIFIED), planned(2025))


def test_r7_a_year_already_paid_is_not_planned() -> None:
    # Paying 2025 covers up to the end of June 2026 (R7).
    paid = cert(CERTIFIED, paid_through=date(2026, 6, 30))
    assert not worth_planning(paid, planned(2025))
    assert worth_planning(paid, planned(2026))


def test_r7_coverage_one_day_short_of_the_year_still_plans_the_notice() -> None:
    assert worth_planning(cert(CERTIFIED, paid_through=date(2026, 6, 29)), planned(2025))


def test_r7_a_stored_paid_through_earlier_than_the_anchor_covers_counts_as_the_anchor() -> None:
    # The certification itself covers up to its first due date, 2025-06-30.
    stale = cert(CERTIFIED, paid_through=date(2020, 1, 31))
    assert worth_planning(stale, planned(2025))
    assert not worth_planning(stale, planned(2024))


def test_r22_a_certification_that_must_be_recertified_gets_no_renewal_notice() -> None:
    must_recertify = Certification(
        **{
            **cert(CERTIFIED).model_dump(),
            "recertification_required_since": date(2026, 1, 1),
        }
    )
    assert not worth_planning(must_recertify, planned(2026))


@pytest.mark.parametrize(
    ("run", "offset", "anniversary_month"),
    [
        ((2026, 12), -1, 1),  # the renewal notice goes the month before: January's
        ((2026, 12), 1, 11),  # past due goes the month after: November's
        ((2026, 12), 0, 12),  # a step in the anniversary month itself
        ((2027, 1), 1, 12),  # crosses the year end backwards
        ((2026, 11), -2, 1),  # and forwards
    ],
)
def test_r4_a_step_of_a_run_month_is_about_one_anniversary_month(
    run: tuple[int, int], offset: int, anniversary_month: int
) -> None:
    assert anniversary_month_of_step(*run, offset) == anniversary_month

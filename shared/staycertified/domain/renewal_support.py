"""Which renewal steps are due in a run month (R3, R4), for the monthly run.

Written by the renewals lane because `domain.notices` did not exist yet; it
only composes `invoicing` and the policy cadence. Pure: no I/O, no clock.

A step with offset `k` months is due in run month M for the membership year
whose due month is M - k (R4): with the default cadence, the run of April
sends the May renewal notices (-1), the April reminders (0) and the March
past-due notices (+1). Year boundaries are crossed by `dates.shift_month`:
the December run sends the renewal notices of the next January, the January
run the past-due notices of the previous December.
"""

from __future__ import annotations

from datetime import date

from staycertified.domain import invoicing
from staycertified.domain.dates import shift_month
from staycertified.domain.decisions import Frozen
from staycertified.domain.model import Certification, Channel
from staycertified.policy.model import Policy, RenewalStep


class DueStep(Frozen):
    """R4: one notice step due for one certification in a run month."""

    step: str
    offset_months: int
    channels: tuple[Channel, ...]
    membership_year: int
    due_date: date
    rules: tuple[str, ...] = ("R3", "R4")


def cadence(policy: Policy, as_of: date) -> tuple[RenewalStep, ...]:
    """R4: the notice steps in force on the run's date (R2)."""
    return policy.renewal.cadence.at(as_of)


def due_month(run_year: int, run_month: int, offset_months: int) -> tuple[int, int]:
    """The due month a step of `offset_months` is about, seen from the run month.

    Run 2026-12, renewal notice (-1) -> due 2027-01; past due (+1) -> due 2026-11.
    """
    return shift_month(run_year, run_month, -offset_months)


def due_step(
    certification: Certification, step: RenewalStep, run_year: int, run_month: int
) -> DueStep | None:
    """The step for this certification in the run month, or None (R3, R4, R7, R22).

    None when the due month is not the certification's anniversary month, when
    the year is still covered by the certification itself (first invoice is the
    year after the anchor, R3), when `paid_through` already covers the year
    (R7; the invoice itself is re-checked at send time, R4), or when the
    certification must be recertified (R22: fees no longer cure it).
    """
    year, month = due_month(run_year, run_month, step.offset_months)
    membership_year = invoicing.membership_year_due_in(certification, year, month)
    if membership_year is None:
        return None
    if certification.recertification_required_since is not None:
        return None
    paid_through = invoicing.effective_paid_through(certification)
    if paid_through >= invoicing.paid_through_after(certification, membership_year):
        return None
    return DueStep(
        step=step.step,
        offset_months=step.offset_months,
        channels=step.channels,
        membership_year=membership_year,
        due_date=invoicing.due_date(certification, membership_year),
    )

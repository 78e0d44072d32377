"""Which renewal notices the monthly run plans, beyond `domain.notices` (R4, R7, R22).

Pure, no I/O, no clock. `notices.renewal_steps_due`
says which cadence steps fall in a run month; this says which of them are worth
planning at all, from what the certification item alone shows (the invoice
itself is re-checked at send time with `notices.still_due`, R4).
"""

from __future__ import annotations

from staycertified.domain import invoicing
from staycertified.domain.dates import shift_month
from staycertified.domain.model import Certification
from staycertified.domain.notices import PlannedNotice


def worth_planning(certification: Certification, planned: PlannedNotice) -> bool:
    """False when `paid_through` already covers the year (R7: paying year Y sets it to
    the end of the anniversary month of Y+1), or when the certification must be
    recertified (R22: fees no longer cure it, so no renewal notices go)."""
    if certification.recertification_required_since is not None:
        return False
    covered = invoicing.effective_paid_through(certification)
    return covered < invoicing.paid_through_after(certification, planned.membership_year)


def anniversary_month_of_step(run_year: int, run_month: int, offset_months: int) -> int:
    """The anniversary month whose certifications a step of `offset_months` is about in
    the run month (R4): run 2026-12, renewal notice (-1) -> January; past due (+1) -> November."""
    return shift_month(run_year, run_month, -offset_months)[1]

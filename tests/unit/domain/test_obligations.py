"""R21: the obligations a standing is judged by, at their boundaries
(domain.standing.fee_obligations and points_obligations)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from staycertified.domain.invoicing import FeeYear
from staycertified.domain.model import Cycle
from staycertified.domain.standing import fee_obligations, points_obligations
from staycertified.policy import Policy

from .builders import activity

DUE = date(2025, 6, 30)


def fee(
    paid: bool, paid_on: date | None = None, *, waived: bool = False, year: int = 2025
) -> FeeYear:
    return FeeYear(
        membership_year=year,
        due_date=date(year, 6, 30),
        invoice_id=f"INV-C-1-{year}",
        paid=paid,
        paid_on=paid_on,
        waived=waived,
    )


def test_r21_a_fee_paid_on_the_last_day_of_grace_is_on_time() -> None:
    assert fee_obligations([fee(True, DUE + timedelta(days=10))], grace_days=10) == []
    assert fee_obligations([fee(True, DUE)], grace_days=0) == []


def test_r21_a_fee_paid_the_day_after_grace_was_unmet_until_it_was_paid() -> None:
    (late,) = fee_obligations([fee(True, DUE + timedelta(days=11))], grace_days=10)
    assert late.kind == "FEE"
    assert late.unmet_from == DUE
    assert late.overdue_from == DUE + timedelta(days=11)
    assert late.satisfied_on == DUE + timedelta(days=11)
    assert (late.invoice_id, late.membership_year) == ("INV-C-1-2025", 2025)


def test_r21_an_unpaid_fee_is_unmet_from_the_day_after_grace() -> None:
    (unpaid,) = fee_obligations([fee(False)], grace_days=0)
    assert unpaid.overdue_from == date(2025, 7, 1)
    assert unpaid.satisfied_on is None
    assert not unpaid.unmet_on(DUE)
    assert unpaid.unmet_on(date(2025, 7, 1))


def test_r21_a_payment_date_of_an_unpaid_fee_does_not_satisfy_it() -> None:
    (unpaid,) = fee_obligations([fee(False, date(2025, 8, 1))], grace_days=0)
    assert unpaid.satisfied_on is None


def test_r21_a_paid_fee_of_unknown_date_is_taken_as_on_time() -> None:
    assert fee_obligations([fee(True, None)], grace_days=0) == []


def test_r21_a_waived_fee_is_no_obligation_even_unpaid() -> None:
    assert fee_obligations([fee(False, waived=True)], grace_days=0) == []


def test_r21_every_fee_is_judged_past_those_paid_on_time() -> None:
    fees = [fee(True, date(2024, 6, 1), year=2024), fee(False, year=2025), fee(False, year=2026)]
    assert [o.membership_year for o in fee_obligations(fees, grace_days=0)] == [2025, 2026]


# ---------------------------------------------------------------- a cycle's points

CYCLE = Cycle(
    certificate_number="C-1",
    start=date(2022, 1, 1),
    end=date(2024, 12, 31),
    points_required=Decimal(30),
)
AFTER = date(2025, 3, 1)


def obligations(policy: Policy, cycle: Cycle, *recorded: object, today: date = AFTER) -> list:  # type: ignore[type-arg]
    return points_obligations([cycle], list(recorded), [], policy, today)  # type: ignore[arg-type]


def test_r21_a_cycle_is_judged_only_once_it_has_ended(policy: Policy) -> None:
    assert obligations(policy, CYCLE, today=CYCLE.end) == []
    (short,) = obligations(policy, CYCLE, today=CYCLE.end + timedelta(days=1))
    assert short.overdue_from == date(2025, 1, 1)


def test_r21_a_cycle_short_of_points_is_unmet_from_its_end_with_what_is_outstanding(
    policy: Policy,
) -> None:
    (short,) = obligations(policy, CYCLE, activity(date(2023, 1, 1), 12))
    assert (short.kind, short.unmet_from, short.overdue_from) == (
        "POINTS",
        CYCLE.end,
        date(2025, 1, 1),
    )
    assert short.satisfied_on is None
    assert short.points_outstanding == Decimal(18)
    assert short.cycle == CYCLE


def test_r21_r16_a_cycle_rolled_over_the_day_after_its_end_was_met_in_time(policy: Policy) -> None:
    rolled = CYCLE.model_copy(update={"advanced_on": date(2025, 1, 1)})
    assert obligations(policy, rolled) == []


def test_r21_a_rollover_not_known_yet_on_the_day_judged_does_not_count(policy: Policy) -> None:
    rolled = CYCLE.model_copy(update={"advanced_on": date(2025, 4, 1)})
    (short,) = obligations(policy, rolled)
    assert short.satisfied_on is None


def test_r21_a_cycle_cured_later_was_unmet_until_its_points_were_met(policy: Policy) -> None:
    cured = activity(date(2024, 6, 1), 30, recorded_on=date(2025, 2, 1))
    (late,) = obligations(policy, CYCLE, cured)
    assert late.satisfied_on == date(2025, 2, 1)
    assert late.points_outstanding == Decimal(0)


def test_r21_a_cycle_rolled_over_later_was_unmet_until_then(policy: Policy) -> None:
    rolled = CYCLE.model_copy(update={"advanced_on": date(2025, 1, 2)})
    (late,) = obligations(policy, rolled)
    assert late.satisfied_on == date(2025, 1, 2)


def test_r21_every_ended_cycle_is_judged_past_those_met_or_running(policy: Policy) -> None:
    met = CYCLE.model_copy(update={"start": date(2019, 1, 1), "end": date(2021, 12, 31)})
    running = CYCLE.model_copy(update={"start": date(2025, 1, 1), "end": date(2027, 12, 31)})
    found = points_obligations(
        [met, running, CYCLE], [activity(date(2020, 1, 1), 30)], [], policy, AFTER
    )
    assert [o.cycle for o in found] == [CYCLE]

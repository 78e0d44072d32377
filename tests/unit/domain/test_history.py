"""The certification aggregate: decisions are f(history, today, policy) (R9, R12, R16, R18,
R21, R27, R37)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from staycertified.domain import cycles
from staycertified.domain.audit_review import PRIOR_RECORDS_ITEM, review_history
from staycertified.domain.history import CertificationHistory
from staycertified.domain.model import AuditCase, AuditStatus, Cycle, Standing
from staycertified.domain.recording import attestation_cycle, cycle_compliance_on, recording_cycle
from staycertified.domain.standing import evaluate_standing

from .builders import POLICY, activity, cert, history, invoice

D = date
C = cert(D(2019, 5, 17))  # cycle 0: 2019-05-17..2022-05-16, cycle 1 from 2022-05-17
PAID = [invoice(y, D(y, 5, 31), paid_at=D(y, 5, 1)) for y in range(2020, 2023)]
TODAY = D(2022, 7, 1)


def case(year: int, status: AuditStatus = AuditStatus.OPEN) -> AuditCase:
    return AuditCase(
        case_id=f"AUD-{year}-C-1",
        certificate_number="C-1",
        audit_year=year,
        cycle_start=D(2019, 5, 17),
        cycle_end=D(2022, 5, 16),
        opened_on=D(year, 1, 10),
        respond_by=D(year, 3, 11),
        reminder_on=D(year, 2, 25),
        status=status,
    )


def test_r37_the_open_audit_case_is_the_latest_open_one() -> None:
    cases = [case(2023), case(2024), case(2025, AuditStatus.PASSED)]
    assert history(C, audit_cases=cases).open_audit_case == case(2024)
    assert history(C, audit_cases=[case(2025, AuditStatus.FAILED)]).open_audit_case is None
    assert history(C).open_audit_case is None
    assert history(C).certificate_number == "C-1"


def test_the_history_is_frozen_and_takes_only_its_own_fields() -> None:
    record = history(C, invoices=PAID)
    assert isinstance(record.invoices, tuple)
    with pytest.raises(ValidationError):
        record.invoices = ()  # type: ignore[misc]
    with pytest.raises(ValidationError):
        CertificationHistory(certification=C, notices=[])  # type: ignore[call-arg]


def test_r27_the_standing_asks_for_proof_of_the_historys_open_case() -> None:
    record = history(C, [], [activity(D(2021, 1, 10), 30)], [], PAID, audit_cases=[case(2022)])
    decision = evaluate_standing(record, D(2022, 2, 1), POLICY)
    assert decision.open_audit_case == "AUD-2022-C-1"
    assert decision.status == Standing.ACTIVE


def test_r12_r21_an_activity_dated_in_a_non_compliant_ended_cycle_goes_against_it() -> None:
    short = history(C, invoices=PAID)
    ended = recording_cycle(short, D(2021, 1, 10), TODAY, POLICY)
    assert (ended.start, ended.end) == (D(2019, 5, 17), D(2022, 5, 16))
    assert recording_cycle(short, None, TODAY, POLICY).start == D(2022, 5, 17)
    assert recording_cycle(short, D(2022, 6, 1), TODAY, POLICY).start == D(2022, 5, 17)
    met = history(C, activities=[activity(D(2021, 1, 10), 30)], invoices=PAID)
    assert recording_cycle(met, D(2021, 1, 10), TODAY, POLICY).start == D(2022, 5, 17)
    assert cycle_compliance_on(met, ended, TODAY, POLICY).points_met
    assert not cycle_compliance_on(short, ended, TODAY, POLICY).points_met


def test_r18_r21_an_attestation_cures_the_lapsed_ended_cycle_else_goes_to_the_current() -> None:
    short = history(C, invoices=PAID)
    assert evaluate_standing(short, TODAY, POLICY).status == Standing.LAPSED
    cycle, cures = attestation_cycle(short, TODAY, POLICY)
    assert (cycle.end, cures) == (D(2022, 5, 16), True)
    met = history(C, activities=[activity(D(2021, 1, 10), 30)], invoices=PAID)
    cycle, cures = attestation_cycle(met, TODAY, POLICY)
    assert (cycle.start, cures) == (D(2022, 5, 17), False)
    # R22: three years after the cycle ended, no attestation cures it any more
    late = history(C, invoices=[invoice(y, D(y, 5, 31), D(y, 5, 1)) for y in range(2020, 2026)])
    cycle, cures = attestation_cycle(late, D(2025, 5, 17), POLICY)
    assert (cycle.start, cures) == (D(2025, 5, 17), False)


def stored(start: date, end: date, advanced_on: date | None = None) -> Cycle:
    return Cycle(
        certificate_number="C-1",
        start=start,
        end=end,
        points_required=Decimal(20),  # stored value differs from the policy's 30
        advanced_on=advanced_on,
    )


def test_r9_r16_the_historys_cycles_prefer_the_stored_values() -> None:
    first = stored(D(2019, 5, 17), D(2022, 5, 16), advanced_on=D(2022, 5, 17))
    record = history(C, cycles=[first])
    every = record.every_cycle(TODAY, POLICY)
    assert [(c.start, c.points_required) for c in every] == [
        (D(2019, 5, 17), Decimal(20)),
        (D(2022, 5, 17), Decimal(30)),
    ]
    assert every == cycles.cycles_of(C, [first], TODAY, POLICY)
    assert record.current_cycle(TODAY, POLICY) == cycles.current_cycle(C, TODAY, POLICY, [first])
    assert record.current_cycle(D(2021, 1, 1), POLICY).start == D(2019, 5, 17)
    assert record.cycle_containing(D(2021, 1, 1), TODAY, POLICY) == first
    assert record.cycle_containing(D(2022, 5, 17), TODAY, POLICY) == every[1]
    assert record.cycle_containing(D(2019, 5, 16), TODAY, POLICY) is None  # before the anchor
    assert record.cycle_containing(D(2025, 5, 17), TODAY, POLICY) is None  # not begun on TODAY
    assert record.stored_cycle(D(2019, 5, 17)) == first
    assert record.stored_cycle(D(2022, 5, 17)) is None


def test_r27_an_audit_case_is_reviewed_against_its_stored_cycle() -> None:
    audited = case(2022)
    inside = activity(D(2021, 1, 10), 12, activity_id="A-IN")
    outside = activity(D(2022, 6, 1), 5, activity_id="A-OUT")
    first = stored(D(2019, 5, 17), D(2022, 5, 16))
    review = review_history(history(C, [first], [inside, outside]), audited, [])
    assert [(i.item_id, i.points) for i in review.items] == [("A-IN", Decimal(12))]
    assert review.points_required == Decimal(20) and not review.passes
    # nothing recorded in the stored cycle: the previous records' points are the one item
    prior = review_history(history(C, [first]), audited, [])
    assert [(i.item_id, i.points) for i in prior.items] == [(PRIOR_RECORDS_ITEM, Decimal(20))]
    # the cycle not stored: nothing to claim, nothing required
    bare = review_history(history(C), audited, [])
    assert (bare.items, bare.points_required) == ((), Decimal(0))

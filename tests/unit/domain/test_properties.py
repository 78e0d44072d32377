"""Properties across many generated members (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from staycertified.domain.compliance import tally_points
from staycertified.domain.cycles import cycle_bounds, cycle_index_on, make_cycle
from staycertified.domain.invoicing import due_date
from staycertified.domain.model import Standing
from staycertified.domain.standing import SEVERITY, evaluate_standing
from staycertified.policy import load_policy

from .builders import activity, attestation, cert, invoice
from .builders import history as history_of  # the tests' `history` is hypothesis data

POLICY = load_policy()
D = date
anchors = st.dates(min_value=D(2000, 1, 1), max_value=D(2020, 12, 31))


@st.composite
def member_history(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    anchor = draw(anchors)
    c = cert(anchor)
    horizon = anchor + timedelta(days=draw(st.integers(min_value=30, max_value=16 * 366)))
    invoices = []
    for year in range(anchor.year + 1, horizon.year + 1):
        due = due_date(c, year)
        lag = draw(st.one_of(st.none(), st.integers(min_value=-40, max_value=5 * 366)))
        paid_at = None if lag is None else due + timedelta(days=lag)
        invoices.append(invoice(year, due, paid_at=paid_at))
    activities = []
    for i in range(draw(st.integers(min_value=0, max_value=8))):
        done = anchor + timedelta(
            days=draw(st.integers(min_value=0, max_value=(horizon - anchor).days))
        )
        recorded = done + timedelta(days=draw(st.integers(min_value=0, max_value=2000)))
        points = draw(st.integers(min_value=1, max_value=30))
        activities.append(activity(done, points, recorded_on=recorded, activity_id=f"A{i}"))
    attestations = []
    if draw(st.booleans()):
        index = draw(st.integers(min_value=0, max_value=4))
        start, end = cycle_bounds(anchor, index)
        attestations.append(
            attestation(start, start + timedelta(days=draw(st.integers(0, (end - start).days))))
        )
    return c, invoices, activities, attestations, horizon


def _events(invoices, activities, attestations) -> list[date]:  # type: ignore[no-untyped-def]
    days = [i.paid_at for i in invoices if i.paid_at]
    days += [a.recorded_on for a in activities if a.recorded_on]
    return days + [a.signed_on for a in attestations]


@given(member_history(), st.integers(min_value=1, max_value=6000))
@settings(max_examples=150, deadline=None)
def test_time_alone_never_improves_a_standing(history, gap: int) -> None:  # type: ignore[no-untyped-def]
    # Given a history and two dates with no payment, activity or attestation between them
    c, invoices, activities, attestations, t1 = history
    t2 = t1 + timedelta(days=gap)
    quiet = [d for d in _events(invoices, activities, attestations) if t1 < d <= t2]
    if quiet:
        invoices = [i for i in invoices if not (i.paid_at and t1 < i.paid_at)]
        activities = [a for a in activities if not (a.recorded_on and t1 < a.recorded_on)]
        attestations = [a for a in attestations if a.signed_on <= t1]
    # When evaluated on both dates
    record = history_of(c, [], activities, attestations, invoices)
    before = evaluate_standing(record, t1, POLICY)
    after = evaluate_standing(record, t2, POLICY)
    # Then the later standing is never better
    assert SEVERITY[after.status] >= SEVERITY[before.status], (before.reasons, after.reasons)


@given(member_history())
@settings(max_examples=100, deadline=None)
def test_every_standing_decision_names_a_rule(history) -> None:  # type: ignore[no-untyped-def]
    c, invoices, activities, attestations, today = history
    decision = evaluate_standing(
        history_of(c, [], activities, attestations, invoices), today, POLICY
    )
    assert decision.reasons
    assert all(r.rule.startswith("R") and r.code and r.message for r in decision.reasons)
    assert all(a.rule.startswith("R") for a in decision.next_actions)
    if decision.status == Standing.RECERTIFICATION_REQUIRED:
        assert any(r.rule == "R22" for r in decision.reasons)
        assert decision.recertification_routes


@given(member_history())
@settings(max_examples=100, deadline=None)
def test_points_never_carry_over_between_cycles(history) -> None:  # type: ignore[no-untyped-def]
    c, _, activities, _, today = history
    last = cycle_index_on(c.anchor_date, today) or 0
    cycles = [make_cycle(c, i, POLICY) for i in range(last + 1)]
    total = sum((tally_points(cycle, activities, POLICY).counted for cycle in cycles), Decimal(0))
    inside = [a for a in activities if a.effective_date <= cycles[-1].end]
    # every activity counts in exactly one cycle: the one containing its date
    assert total == sum((a.points for a in inside), Decimal(0))
    for cycle in cycles:
        own = [a for a in activities if cycle.start <= a.effective_date <= cycle.end]
        assert tally_points(cycle, activities, POLICY).counted == sum(
            (a.points for a in own), Decimal(0)
        )


@given(anchors, st.integers(min_value=0, max_value=12))
def test_new_cycle_starts_at_zero_points(anchor: date, index: int) -> None:
    c = cert(anchor)
    cycle = make_cycle(c, index + 1, POLICY)
    previous = make_cycle(c, index, POLICY)
    full = [activity(previous.end, 100)]
    assert tally_points(cycle, full, POLICY).counted == 0
    assert tally_points(previous, full, POLICY).counted == 100

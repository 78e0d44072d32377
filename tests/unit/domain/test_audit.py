"""R25-R27: the reproducible draw, deadlines and outcomes."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staycertified.domain.audit import (
    audit_pool,
    audit_schedule,
    decide_audit,
    draw_sample,
    open_case,
    reminder_due,
    sample_size,
)
from staycertified.domain.model import AuditStatus, Cycle
from staycertified.policy import Policy, load_policy

from .builders import cert

D = date


def rolled(number: str, certified_on: date, advanced_on: date | None) -> tuple:  # type: ignore[type-arg]
    c = cert(certified_on, number=number)
    cycle = Cycle(
        certificate_number=number,
        start=certified_on,
        end=D(2025, 1, 1),
        points_required=Decimal(30),
        advanced_on=advanced_on,
    )
    return c, cycle


def test_r25_pool_is_mandatory_certifications_rolled_over_in_the_previous_year() -> None:
    candidates = [
        rolled("C-3", D(2010, 1, 1), D(2025, 12, 31)),
        rolled("C-1", D(2010, 1, 1), D(2025, 1, 1)),
        rolled("C-2", D(2010, 1, 1), D(2024, 12, 31)),  # previous-previous year
        rolled("C-4", D(2010, 1, 1), D(2026, 1, 1)),  # this year
        rolled("C-5", D(2005, 1, 1), D(2025, 6, 1)),  # voluntary CCP
        rolled("C-6", D(2010, 1, 1), None),  # never rolled over
        rolled("C-1", D(2010, 1, 1), D(2025, 3, 1)),  # drawn at most once
    ]
    assert audit_pool(2026, candidates) == ("C-1", "C-3")


@pytest.mark.parametrize(
    ("pool", "size"),
    [(0, 0), (1, 1), (19, 1), (20, 1), (21, 2), (100, 5), (101, 6)],
)
def test_r25_sample_size_is_rate_with_at_least_one(pool: int, size: int) -> None:
    assert sample_size(pool, Decimal("0.05"), 1) == size


def test_r25_sample_never_exceeds_the_pool() -> None:
    assert sample_size(2, Decimal("0.05"), 5) == 2


POOL = tuple(f"C-{i:04d}" for i in range(200))


def test_r25_same_pool_and_seed_select_the_same_members(policy: Policy) -> None:
    first = draw_sample(2026, POOL, "seed-2026", policy)
    again = draw_sample(2026, reversed(POOL), "seed-2026", policy)
    assert first.selected == again.selected
    assert len(first.selected) == 10
    assert first.pool == POOL and first.seed == "seed-2026"
    assert (first.rate, first.minimum) == (Decimal("0.05"), 1)
    other = draw_sample(2026, POOL, "seed-2027", policy)
    assert other.selected != first.selected
    assert set(first.selected) <= set(POOL)


def test_r25_empty_pool_selects_nobody(policy: Policy) -> None:
    assert draw_sample(2026, [], "s", policy).selected == ()


@given(
    pool=st.sets(st.text(alphabet="ABC0123456789", min_size=1, max_size=6), max_size=40),
    seed=st.text(max_size=8),
)
@settings(max_examples=50)
def test_r25_draw_is_reproducible_and_sized_by_policy(pool: set[str], seed: str) -> None:
    policy = load_policy()
    first = draw_sample(2026, list(pool), seed, policy)
    assert first == draw_sample(2026, sorted(pool, reverse=True), seed, policy)
    assert len(first.selected) == sample_size(len(pool), Decimal("0.05"), 1)
    assert len(set(first.selected)) == len(first.selected)


def test_r25_each_member_is_equally_likely(policy: Policy) -> None:
    pool = tuple(f"C-{i:02d}" for i in range(20))  # 5% of 20 = 1 drawn per seed
    counts = Counter(
        n for s in range(4000) for n in draw_sample(2026, pool, f"seed-{s}", policy).selected
    )
    expected = 4000 / 20  # 200 each
    assert set(counts) == set(pool)
    assert all(abs(c - expected) < 0.3 * expected for c in counts.values()), counts


def test_r25_r26_schedule_from_policy(policy: Policy) -> None:
    schedule = audit_schedule(2026, policy)
    assert (schedule.draw_on.month, schedule.notice_by) == (1, D(2026, 1, 15))


def test_r26_case_deadline_60_days_and_reminder_14_days_before(policy: Policy) -> None:
    cycle = Cycle(
        certificate_number="C-1",
        start=D(2022, 3, 1),
        end=D(2025, 2, 28),
        points_required=Decimal(30),
    )
    case = open_case(2026, cycle, D(2026, 1, 10), policy)
    assert (case.respond_by, case.reminder_on) == (D(2026, 3, 11), D(2026, 2, 25))
    assert (case.cycle_start, case.cycle_end, case.case_id) == (
        cycle.start,
        cycle.end,
        "AUD-2026-C-1",
    )
    assert not reminder_due(case, D(2026, 2, 24))
    assert reminder_due(case, D(2026, 2, 25))
    assert reminder_due(case, D(2026, 3, 11))
    assert not reminder_due(case, D(2026, 3, 12))
    assert not reminder_due(case.model_copy(update={"status": AuditStatus.PASSED}), D(2026, 3, 1))


@pytest.mark.parametrize(
    ("verified", "reviewed", "today", "status"),
    [
        (30, False, D(2026, 2, 1), AuditStatus.PASSED),
        (29, False, D(2026, 2, 1), AuditStatus.OPEN),
        (29, True, D(2026, 2, 1), AuditStatus.FAILED),
        (29, False, D(2026, 3, 11), AuditStatus.OPEN),
        (29, False, D(2026, 3, 12), AuditStatus.FAILED),
        (30, False, D(2026, 3, 12), AuditStatus.PASSED),
    ],
)
def test_r27_audit_outcome(
    policy: Policy, verified: int, reviewed: bool, today: date, status: AuditStatus
) -> None:
    cycle = Cycle(
        certificate_number="C-1",
        start=D(2022, 3, 1),
        end=D(2025, 2, 28),
        points_required=Decimal(30),
    )
    case = open_case(2026, cycle, D(2026, 1, 10), policy)
    assert decide_audit(case, Decimal(verified), Decimal(30), reviewed, today).status == status

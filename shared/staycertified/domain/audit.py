"""The annual CCP audit (R25-R27).

Draw. The pool is every mandatory certification whose cycle rolled over
(`advanced_on`) during the previous calendar year, as sorted unique certificate
numbers. Each member gets a rank = SHA-256 of "<seed>:<certificate number>"; the
`size` lowest ranks are selected. The result depends only on the pool (as a set)
and the seed, never on input order or Python's `random` implementation, and every
member is equally likely to be drawn (the ranks are uniform and independent of
the pool). Size = max(minimum, ceil(rate x pool)), never more than the pool
(R25: default 5%, at least 1 when the pool is non-empty).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from staycertified.domain.ccp import is_mandatory
from staycertified.domain.decisions import Frozen
from staycertified.domain.model import AuditCase, AuditStatus, Certification, Cycle
from staycertified.domain.policy import Policy


class AuditDraw(Frozen):
    """R25: stored as is, so the draw can be reproduced."""

    audit_year: int
    seed: str
    rate: Decimal
    minimum: int
    pool: tuple[str, ...]
    selected: tuple[str, ...]
    rules: tuple[str, ...] = ("R25",)


def audit_pool(
    audit_year: int, candidates: Iterable[tuple[Certification, Cycle]]
) -> tuple[str, ...]:
    """R25: mandatory certifications whose cycle rolled over in `audit_year - 1`."""
    numbers = {
        certification.certificate_number
        for certification, cycle in candidates
        if is_mandatory(certification)
        and cycle.advanced_on is not None
        and cycle.advanced_on.year == audit_year - 1
        and cycle.certificate_number == certification.certificate_number
    }
    return tuple(sorted(numbers))


def sample_size(pool_size: int, rate: Decimal, minimum: int) -> int:
    """R25: ceil(rate x pool), at least `minimum` when the pool is non-empty, at most the pool."""
    if pool_size == 0:
        return 0
    return min(pool_size, max(minimum, math.ceil(rate * pool_size)))


def _rank(seed: str, certificate_number: str) -> bytes:
    return hashlib.sha256(f"{seed}:{certificate_number}".encode()).digest()


def draw_sample(audit_year: int, pool: Iterable[str], seed: str, policy: Policy) -> AuditDraw:
    """R25: the reproducible draw; rate and minimum in force on the draw date."""
    draw_on = policy.audit.draw_on.at(date(audit_year, 1, 1))
    day = date(audit_year, draw_on.month, draw_on.day)
    rate, minimum = policy.audit.rate.at(day), policy.audit.minimum.at(day)
    members = tuple(sorted(set(pool)))
    size = sample_size(len(members), rate, minimum)
    ranked = sorted(members, key=lambda number: _rank(seed, number))
    return AuditDraw(
        audit_year=audit_year,
        seed=seed,
        rate=rate,
        minimum=minimum,
        pool=members,
        selected=tuple(sorted(ranked[:size])),
    )


class AuditSchedule(Frozen):
    """R25/R26: when the year's draw runs and the date the notices must go by."""

    audit_year: int
    draw_on: date
    notice_by: date
    rules: tuple[str, ...] = ("R25", "R26")


def audit_schedule(audit_year: int, policy: Policy) -> AuditSchedule:
    first = date(audit_year, 1, 1)
    draw_on, notice_by = policy.audit.draw_on.at(first), policy.audit.notice_by.at(first)
    return AuditSchedule(
        audit_year=audit_year,
        draw_on=date(audit_year, draw_on.month, draw_on.day),
        notice_by=date(audit_year, notice_by.month, notice_by.day),
    )


def open_case(audit_year: int, cycle: Cycle, opened_on: date, policy: Policy) -> AuditCase:
    """R26: the case covers the cycle that just ended; deadline and reminder from policy."""
    respond_by = opened_on + timedelta(days=policy.audit.response_days.at(opened_on))
    reminder_on = respond_by - timedelta(days=policy.audit.reminder_days_before.at(opened_on))
    return AuditCase(
        case_id=f"AUD-{audit_year}-{cycle.certificate_number}",
        certificate_number=cycle.certificate_number,
        audit_year=audit_year,
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        opened_on=opened_on,
        respond_by=respond_by,
        reminder_on=reminder_on,
    )


class AuditOutcome(Frozen):
    status: AuditStatus
    reason: str
    rules: tuple[str, ...] = ("R27",)


def decide_audit(
    case: AuditCase,
    verified_points: Decimal,
    points_required: Decimal,
    all_reviewed: bool,
    today: date,
) -> AuditOutcome:
    """R27: PASSED when verified points reach the requirement; FAILED when they fall
    short once every document is reviewed, or when the deadline has passed."""
    if verified_points >= points_required:
        return AuditOutcome(
            status=AuditStatus.PASSED, reason="verified points reach the requirement"
        )
    if today > case.respond_by:
        return AuditOutcome(status=AuditStatus.FAILED, reason=f"deadline {case.respond_by} passed")
    if all_reviewed:
        reason = f"verified {verified_points} of {points_required} points"
        return AuditOutcome(status=AuditStatus.FAILED, reason=reason)
    return AuditOutcome(status=AuditStatus.OPEN, reason="awaiting documents or review")


def reminder_due(case: AuditCase, today: date) -> bool:
    """R26: the reminder goes on its day while the case is open."""
    return case.is_open and case.reminder_on <= today <= case.respond_by

"""Cycle compliance and rollover (R11 caps, R12, R16, R18).

Counted points: only activities dated inside the cycle (R12, never carried
over), capped per category per cycle with the cap in force on the cycle start
(R11: points above the cap stay recorded, flagged CAPPED, not counted).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from staycertified.domain import errors
from staycertified.domain.cycles import cycle_index_on, make_cycle
from staycertified.domain.dates import ONE_DAY
from staycertified.domain.decisions import Frozen, Reason
from staycertified.domain.errors import DomainError
from staycertified.domain.invoicing import FeeYear
from staycertified.domain.model import Activity, Attestation, Category, Certification, Cycle
from staycertified.domain.policy import Policy


class CountedActivity(Frozen):
    activity_id: str
    category: Category
    points: Decimal
    counted: Decimal
    capped: bool


class PointsTally(Frozen):
    """R11/R12/R16: counted points of one cycle."""

    cycle_start: date
    cycle_end: date
    required: Decimal
    counted: Decimal
    by_category: dict[Category, Decimal]
    activities: tuple[CountedActivity, ...]
    rules: tuple[str, ...] = ("R11", "R12", "R16")

    @property
    def outstanding(self) -> Decimal:
        """R17: never below 0."""
        return max(Decimal(0), self.required - self.counted)


def recorded_day(activity: Activity) -> date:
    """When the activity entered the record (its date when not stored)."""
    return activity.recorded_on or activity.effective_date


def in_cycle(activity: Activity, cycle: Cycle) -> bool:
    """R12: an activity counts only in the cycle in which it was completed."""
    return (
        activity.certificate_number == cycle.certificate_number
        and cycle.start <= activity.effective_date <= cycle.end
    )


def tally_points(
    cycle: Cycle, activities: Iterable[Activity], policy: Policy, as_of: date | None = None
) -> PointsTally:
    """Counted points of `cycle` from the activities recorded by `as_of` (all when None)."""
    chosen = sorted(
        (
            a
            for a in activities
            if in_cycle(a, cycle) and (as_of is None or recorded_day(a) <= as_of)
        ),
        key=lambda a: (a.effective_date, a.activity_id),
    )
    by_category: dict[Category, Decimal] = {}
    counted_list = []
    for activity in chosen:
        cap = policy.category_rule(activity.category).cap_per_cycle.at(cycle.start)
        so_far = by_category.get(activity.category, Decimal(0))
        counted = (
            activity.points if cap is None else max(Decimal(0), min(activity.points, cap - so_far))
        )
        by_category[activity.category] = so_far + counted
        counted_list.append(
            CountedActivity(
                activity_id=activity.activity_id,
                category=activity.category,
                points=activity.points,
                counted=counted,
                capped=counted < activity.points,
            )
        )
    return PointsTally(
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        required=cycle.points_required,
        counted=sum(by_category.values(), Decimal(0)),
        by_category=by_category,
        activities=tuple(counted_list),
    )


def valid_attestation(attestation: Attestation, cycle: Cycle) -> bool:
    """R18: for this cycle, signed inside it (up to its last day), or after it to cure a
    lapse (R21: then it counts from the day it was signed)."""
    return (
        attestation.certificate_number == cycle.certificate_number
        and attestation.cycle_start == cycle.start
        and cycle.start <= attestation.signed_on
        and (attestation.signed_on <= cycle.end or attestation.cures)
    )


def check_attestation(attestation: Attestation, cycle: Cycle, today: date) -> None:
    """R18: filing an attestation is refused after the cycle end, except one that cures
    the ended non-compliant cycle of a LAPSED certification (the caller decides that)."""
    if attestation.cures and today > cycle.end:
        return
    if today > cycle.end or attestation.signed_on > cycle.end:
        msg = f"the cycle ended on {cycle.end}"
        raise DomainError(errors.ATTESTATION_AFTER_CYCLE_END, msg, "R18")
    if attestation.signed_on < cycle.start or attestation.cycle_start != cycle.start:
        msg = f"the attestation must be for the cycle starting {cycle.start}"
        raise DomainError(errors.ATTESTATION_BEFORE_CYCLE_START, msg, "R18")


def points_met_on(
    cycle: Cycle,
    activities: Iterable[Activity],
    attestations: Iterable[Attestation],
    policy: Policy,
    as_of: date,
) -> date | None:
    """The first day (up to `as_of`) the cycle's points were met, or None (R16, R18, R21)."""
    attested = [
        a.signed_on for a in attestations if valid_attestation(a, cycle) and a.signed_on <= as_of
    ]
    own = [a for a in activities if in_cycle(a, cycle)]
    days = sorted({recorded_day(a) for a in own if recorded_day(a) <= as_of})
    reached = next(
        (d for d in days if tally_points(cycle, own, policy, d).counted >= cycle.points_required),
        None,
    )
    candidates = [d for d in [*attested, reached] if d is not None]
    if cycle.points_required <= 0:
        candidates.append(cycle.start)
    if cycle.points_settled(as_of):
        candidates.append(cycle.end)  # imported history: met in time, elsewhere
    return min(candidates, default=None)


class ComplianceDecision(Frozen):
    """R16: compliant = counted points reach the requirement (or attested, R18) and
    every invoice due inside the cycle is paid."""

    cycle: Cycle
    tally: PointsTally
    attested: bool
    points_met: bool
    unpaid_invoices: tuple[str, ...]
    compliant: bool
    reasons: tuple[Reason, ...]


def _fees_in_cycle(cycle: Cycle, fees: Iterable[FeeYear]) -> list[FeeYear]:
    return [f for f in fees if cycle.start <= f.due_date <= cycle.end]


def cycle_compliance(
    cycle: Cycle,
    activities: Iterable[Activity],
    attestations: Iterable[Attestation],
    fees: Iterable[FeeYear],
    policy: Policy,
    as_of: date,
) -> ComplianceDecision:
    """R16/R18: is `cycle` compliant on `as_of`? `fees` from `invoicing.fee_years`."""
    activity_list = list(activities)
    tally = tally_points(cycle, activity_list, policy, as_of)
    attested = any(valid_attestation(a, cycle) and a.signed_on <= as_of for a in attestations)
    settled = cycle.points_settled(as_of)
    points_met = attested or settled or tally.counted >= cycle.points_required
    unpaid = tuple(f.invoice_id for f in _fees_in_cycle(cycle, fees) if not f.paid)
    reasons = []
    if attested:
        reasons.append(Reason(rule="R18", code="ATTESTED", message="CCP attestation filed"))
    elif settled:
        msg = "points met before the member records were imported"
        reasons.append(Reason(rule="R16", code="POINTS_SETTLED_BEFORE_IMPORT", message=msg))
    elif not points_met:
        msg = f"{tally.counted} of {cycle.points_required} points, {tally.outstanding} outstanding"
        reasons.append(Reason(rule="R16", code="POINTS_SHORT", message=msg))
    if unpaid:
        msg = f"unpaid invoices due in the cycle: {', '.join(unpaid)}"
        reasons.append(Reason(rule="R16", code="FEES_UNPAID_IN_CYCLE", message=msg))
    if points_met and not unpaid:
        reasons.append(Reason(rule="R16", code="COMPLIANT", message="points reached and fees paid"))
    return ComplianceDecision(
        cycle=cycle,
        tally=tally,
        attested=attested,
        points_met=points_met,
        unpaid_invoices=unpaid,
        compliant=points_met and not unpaid,
        reasons=tuple(reasons),
    )


class RolloverDecision(Frozen):
    """R16: a compliant cycle rolls over at its end into the next one, no fee."""

    ended: Cycle
    next_cycle: Cycle
    advanced_on: date
    rules: tuple[str, ...] = ("R16", "R9")


def decide_rollover(
    certification: Certification, compliance: ComplianceDecision, today: date, policy: Policy
) -> RolloverDecision | None:
    """R16: once the cycle has ended and is compliant on `today`, it rolls over.

    `advanced_on` = `today`, the day the run sees it (normally the day after the end;
    later when a lapse is cured, R21). The audit pool reads its year (R25).
    Not ended yet, not compliant, or already advanced -> None.
    """
    cycle = compliance.cycle
    if today <= cycle.end or not compliance.compliant or cycle.advanced_on is not None:
        return None
    index = cycle_index_on(certification.anchor_date, cycle.end + ONE_DAY)
    assert index is not None
    return RolloverDecision(
        ended=cycle.model_copy(update={"advanced_on": today}),
        next_cycle=make_cycle(certification, index, policy),
        advanced_on=today,
    )

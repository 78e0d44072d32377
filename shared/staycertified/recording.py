"""Recording CCP credit for a cycle, whoever records it: what follows the domain's decision.

A member's or staff's activity (the API), an attestation (the API) and a completion of
the body's own online CE (the learning platform's event, R13) are recorded by
different entry points; each then asks here whether the cycle the credit went to is an
ended one that is compliant now (R21: a lapse cured by points dated inside it) and, if
so, rolls it over today (R16), which also puts it in the audit pool (R25). The pure
decisions are `staycertified.domain.recording` and `domain.compliance`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from staycertified.domain import compliance, recording

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.history import CertificationHistory
    from staycertified.domain.model import Activity, Cycle
    from staycertified.domain.policy import Policy


def cured_cycle(
    history: CertificationHistory, cycle: Cycle, today: date, policy: Policy
) -> Cycle | None:
    """R16/R21: an ended cycle that is compliant now rolls over today (its stamped value)."""
    if today <= cycle.end or cycle.advanced_on is not None:
        return None
    decision = recording.cycle_compliance_on(history, cycle, today, policy)
    rollover = compliance.decide_rollover(history.certification, decision, today, policy)
    return None if rollover is None else rollover.ended


def roll_over_if_cured(
    table: Table,
    member_id: str,
    history: CertificationHistory,
    cycle: Cycle,
    today: date,
    policy: Policy,
) -> Cycle | None:
    """`history` already holds the new credit; the cured cycle is stamped once (R16)."""
    from staycertified.store import cycles as cycle_store

    cured = cured_cycle(history, cycle, today, policy)
    if cured is not None:
        cycle_store.mark_advanced(table, member_id, cured, today)
    return cured


def finish_recorded(
    table: Table,
    member_id: str,
    history: CertificationHistory,
    activity: Activity,
    today: date,
    policy: Policy,
) -> Cycle | None:
    """A recording answered again (an Idempotency-Key replayed, a completion redelivered):
    the first may have died between storing `activity` and rolling the cycle it cured
    over (R21, R16); that is finished here, once."""
    credited = history.cycle_containing(activity.effective_date, today, policy)
    if credited is None:
        return None
    return roll_over_if_cured(table, member_id, history, credited, today, policy)

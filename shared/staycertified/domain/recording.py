"""Which cycle a member's record goes against (pure, no I/O, no clock).

- `cycle_compliance_on` (R16): one cycle's compliance, fees included.
- `recording_cycle` (R12, R21): the cycle an activity is recorded against. It
  is the cycle its date falls in when that cycle is the current one, or an
  ended mandatory cycle that is not compliant (recording its missing points,
  dated inside it, cures the lapse, R21). Anything else is checked against the
  current cycle, so R12 refuses it (ACTIVITY_BEFORE_CYCLE_START).
"""

from __future__ import annotations

from datetime import date

from staycertified.domain import ccp, compliance, invoicing
from staycertified.domain.errors import DomainError
from staycertified.domain.history import CertificationHistory
from staycertified.domain.model import Attestation, Cycle
from staycertified.domain.policy import Policy


def cycle_compliance_on(
    history: CertificationHistory, cycle: Cycle, today: date, policy: Policy
) -> compliance.ComplianceDecision:
    """R16 for one cycle of the history on `today`, fees included (invoices, or
    paid_through when none, R3/R7)."""
    fees = invoicing.fee_years(history.certification, history.invoices, today)
    return compliance.cycle_compliance(
        cycle, history.activities, history.attestations, fees, policy, today
    )


def recording_cycle(
    history: CertificationHistory, day: date | None, today: date, policy: Policy
) -> Cycle:
    """R12/R21: the cycle an activity dated `day` is recorded against."""
    certification = history.certification
    every = history.every_cycle(today, policy)
    current = every[-1]
    if day is None or day >= current.start or not ccp.is_mandatory(certification):
        return current
    containing = next((c for c in every if c.start <= day <= c.end), None)
    if containing is None:
        return current
    decision = cycle_compliance_on(history, containing, today, policy)
    return current if decision.points_met else containing


ATTESTATION_POINTS_SHORT = "ATTESTATION_POINTS_SHORT"


def attestation_cycle(
    history: CertificationHistory, today: date, policy: Policy
) -> tuple[Cycle, bool]:
    """R18: the cycle an attestation filed today is for, and whether it cures (R21): the
    ended cycle whose points are still unmet while the certification is LAPSED for it and
    R22 does not apply yet; otherwise the current cycle."""
    from staycertified.domain.dates import add_years
    from staycertified.domain.model import Standing
    from staycertified.domain.standing import evaluate_standing

    certification = history.certification
    every = history.every_cycle(today, policy)
    current = every[-1]
    if len(every) < 2 or not ccp.is_mandatory(certification):
        return current, False
    ended = every[-2]
    points_met = cycle_compliance_on(history, ended, today, policy).points_met
    if points_met or ended.advanced_on is not None or add_years(ended.end, 3) <= today:
        return current, False
    standing = evaluate_standing(history, today, policy)
    return (ended, True) if standing.status == Standing.LAPSED else (current, False)


def attestation_shortfall(attestation: Attestation, cycle: Cycle) -> DomainError | None:
    """R18: an attestation stands in for the cycle's points, so it must claim them all."""
    if attestation.total_points >= cycle.points_required:
        return None
    message = (
        f"the attestation claims {attestation.total_points} points, "
        f"the cycle requires {cycle.points_required}"
    )
    return DomainError(ATTESTATION_POINTS_SHORT, message, "R18")

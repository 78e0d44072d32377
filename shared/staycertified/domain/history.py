"""The certification aggregate the decisions read: one certification and its history.

`CertificationHistory` is what the rules of DOMAIN.md need to know about a
certification on a date, so a decision is `f(history, today, policy)`:

* `certification` - the certification itself: anchor dates (R3, R33), paid
  through (R7), and the transitions the lifecycle recorded
  (`recertification_required_since` R22, `audit_failed_on` R22.3/R27);
* `cycles` - the stored CCP cycles (R9; `advanced_on` = rolled over, R16);
  cycles not stored are computed from the anchor by the decisions;
* `activities` (R10-R14) and `attestations` (R18) - its CCP record;
* `invoices` - its membership-year invoices (R3-R7, R21, R42);
* `audit_cases` - its CCP audit cases (R25-R27; the open one asks for proof).

Pure and frozen: no I/O, no clock. The store builds it from the member's items
(`store.members.CertificationRecord` is this aggregate plus what only the
store and the API show: notices, badge, recertification applications).
"""

from __future__ import annotations

from datetime import date

from staycertified.domain import cycles as cycle_rules
from staycertified.domain.decisions import Frozen
from staycertified.domain.model import (
    Activity,
    Attestation,
    AuditCase,
    Certification,
    Cycle,
    Invoice,
)
from staycertified.domain.policy import Policy


class CertificationHistory(Frozen):
    """One certification with what the decisions read of its history (R8-R27, R37)."""

    certification: Certification
    cycles: tuple[Cycle, ...] = ()
    activities: tuple[Activity, ...] = ()
    attestations: tuple[Attestation, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    audit_cases: tuple[AuditCase, ...] = ()

    @property
    def certificate_number(self) -> str:
        return self.certification.certificate_number

    @property
    def open_audit_case(self) -> AuditCase | None:
        """R26, R37: the open audit case (the latest audit year, should there be two)."""
        cases = [c for c in self.audit_cases if c.is_open]
        return max(cases, key=lambda c: c.audit_year, default=None)

    def every_cycle(self, today: date, policy: Policy) -> list[Cycle]:
        """R9, R16: every cycle from the anchor to the one in progress on `today`, the
        stored values (rollover, requirement) preferred to computed ones."""
        return cycle_rules.cycles_of(self.certification, self.cycles, today, policy)

    def current_cycle(self, today: date, policy: Policy) -> Cycle:
        """R9: the cycle in progress on `today` (`cycles.current_cycle` of this history)."""
        return self.every_cycle(today, policy)[-1]

    def cycle_containing(self, day: date, today: date, policy: Policy) -> Cycle | None:
        """R12: the cycle (up to the current one on `today`) that `day` falls in, if any."""
        return next((c for c in self.every_cycle(today, policy) if c.start <= day <= c.end), None)

    def stored_cycle(self, start: date) -> Cycle | None:
        """The stored cycle that starts on `start` (an audit case's cycle, R25-R27)."""
        return next((c for c in self.cycles if c.start == start), None)

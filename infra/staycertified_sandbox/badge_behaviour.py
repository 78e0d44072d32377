"""The demo's Credly story (R36): newly certified people join every month through the
intake of new certifications (`load_members(..., new_certifications=True)`: a
CertificationActivated INITIAL each, so Credly issues their badges), and once in
the year Credly goes down (`sb.credly.fail_next`) just as a month's intake arrives:
those badge calls fail after their retries, wait FAILED where staff see them, and
the next daily retry lands each of them once.

The report section ("Credly badges", in `report_badges`) counts the domain events that drive badges,
the Credly calls that landed (issue, replace, revoke), the badges Credly holds by
state, and what became of the outage. Counts only: no names, emails or addresses.
Deterministic: the same demo tells the same story. Fictional people.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .sandbox import Sandbox

NEW_PER_MONTH = 2  # newly certified people joining each month
NEW_TYPES = ("RMA", "RPT", "CMAS", "MLT", "RDA", "CMLA")
OUTAGE_MONTH = 6  # Credly is down when June's intake arrives
ATTEMPTS = 4  # staycertified.badges.credly.CredlySettings.attempts: every attempt fails


@dataclass
class Outage:
    day: date
    injected: int  # calls Credly was told to answer 500
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (member, cert, event)


class BadgeBehaviour:
    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.counts: Counter[str] = Counter()
        self.outage: Outage | None = None

    def month_end(self, day: date) -> None:
        rows = [_new_certification(day, n) for n in range(NEW_PER_MONTH)]
        if day.month == OUTAGE_MONTH and self.sb.credly is not None and self.outage is None:
            from staycertified.store import badges as badge_store

            before = {c.event_id for c in badge_store.open_calls(self.sb.table)}
            injected = len(rows) * ATTEMPTS
            self.sb.credly.fail_next(injected, status=500)
            self._intake(rows)
            self.outage = Outage(day=day, injected=injected)
            self.outage.failed = [
                (c.member_id, c.certificate_number, c.event_id)
                for c in badge_store.open_calls(self.sb.table)
                if c.event_id not in before
            ]
            return
        self._intake(rows)

    def _intake(self, rows: list[dict[str, str]]) -> None:
        report = self.sb.load_members(rows, new_certifications=True)
        self.counts["new certifications granted (INITIAL)"] += report.activations
        self.counts["intake rows refused"] += len(report.errors)


def _new_certification(day: date, n: int) -> dict[str, str]:
    """A fictional person certified on the 15th of the month that ends on `day`."""
    kind = NEW_TYPES[(day.month * NEW_PER_MONTH + n) % len(NEW_TYPES)]
    key = f"{day.year % 100:02d}{day.month:02d}{n}"
    return {
        "member_id": f"N{key}",
        "first_name": "New",
        "last_name": f"Graduate{key}",
        "email": f"graduate{key}@members.example.org",
        "address_line1": f"{n + 1}0 Commencement Ave",
        "address_line2": "",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "country": "US",
        "certification_type": kind,
        "certificate_number": f"{kind}-N{key}",
        "certified_on": day.replace(day=15).isoformat(),
        "recertified_on": "",
        "paid_through": "",
        "cycle_points": "",
    }

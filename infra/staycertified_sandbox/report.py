"""What every demo report section shares: the context a section reads
(`DemoContext`) and the registry sections join with `@report_section`.

The demo (`demo.py`) imports the section modules it lists in `demo.REPORT`; the
section modules import only this module (and the behaviours' types), so the
imports go one way: demo -> report_* -> report.

    @report_section("Invoices")
    def invoices(context: DemoContext) -> list[str]:
        return [...]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .audit_behaviour import AuditBehaviour
    from .badge_behaviour import BadgeBehaviour
    from .behaviour import MemberBehaviour
    from .recert_behaviour import RecertBehaviour
    from .sandbox import Sandbox

DEFAULT_SEED = 2026


@dataclass
class DemoContext:
    sb: Sandbox
    member_ids: list[str]
    seed: int = DEFAULT_SEED
    start: date | None = None
    baseline: dict[str, Counter[str]] | None = None  # report_members.standing_counts
    baseline_day: date | None = None
    elapsed: float = 0.0
    import_report: Any = None
    behaviour: MemberBehaviour | None = None
    audit_behaviour: AuditBehaviour | None = None
    badge_behaviour: BadgeBehaviour | None = None  # new certifications, the Credly outage
    recert_behaviour: RecertBehaviour | None = None
    _records: list[Any] | None = None

    def records(self) -> list[Any]:
        """Every member's record (one Query each), read once for all the sections."""
        if self._records is None:
            from staycertified.store.members import load_member

            found = (load_member(self.sb.table, m) for m in dict.fromkeys(self.member_ids))
            self._records = [record for record in found if record is not None]
        return self._records


SectionBuilder = Callable[[DemoContext], list[str]]


@dataclass(frozen=True)
class Section:
    title: str
    build: SectionBuilder

    @property
    def module(self) -> str:
        return self.build.__module__


SECTIONS: list[Section] = []


def report_section(title: str) -> Callable[[SectionBuilder], SectionBuilder]:
    """Registers a section; `demo.REPORT` (the modules, in print order) orders them."""

    def register(build: SectionBuilder) -> SectionBuilder:
        SECTIONS.append(Section(title, build))
        return build

    return register


def sections_of(modules: list[Any]) -> list[Section]:
    """The sections the given modules registered, module by module in the order given,
    each module's in the order they are defined."""
    return [s for module in modules for s in SECTIONS if s.module == module.__name__]

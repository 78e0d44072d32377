"""The year's audit draw (R25) and the cases it opens (R26).

"Today" is the execution input's `asOf` (R40), the audit year its year. The pool
is read without a Scan: one GSI3 Query `ROLLOVER#<year-1>` (the cycles that
rolled over last year, member id in PK), then the certifications by
BatchGetItem so that the domain can apply R8 (`domain.audit.audit_pool`).

Stored once per year (`store.audit_draws`): the first run makes a seed and
conditionally writes the draw item, then `audits/<year>/draw.json` (pool, seed,
rate, selection with each selected cycle). Every later run of the year reuses
them: the same seed, the same selection, and (conditional puts with the same
case ids) the same cases; a certification is drawn at most once per audit year.

`audits/<year>/selected.json` is the array the state machine's Distributed Map
reads: one item per selected certification (ids and dates only).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from staycertified.domain.audit import audit_pool, audit_schedule, draw_sample, open_case
from staycertified.domain.model import Cycle
from staycertified.objects import get_json, put_json
from staycertified.store import audit_draws
from staycertified.store.audit_cases import open_audit_case
from staycertified.store.cycles import MemberCycle, cycles_rolled_over_in
from staycertified.store.members import get_certifications

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.policy import Policy

SEED_BYTES = 16


def draw_object(audit_year: int) -> str:
    return f"audits/{audit_year:04d}/draw.json"


def selected_object(audit_year: int) -> str:
    return f"audits/{audit_year:04d}/selected.json"


def report_object(audit_year: int) -> str:
    return f"audits/{audit_year:04d}/report.json"


class DrawInput(BaseModel):
    """The execution input of the audit run (StartRunFunction)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)

    run_id: str = Field(alias="runId")
    as_of: date = Field(alias="asOf")


class Selected(BaseModel):
    """One selected certification in draw.json: who, and the cycle that just ended."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, defer_build=True)

    certificate_number: str = Field(alias="certificateNumber")
    member_id: str = Field(alias="memberId")
    cycle: Cycle


def _latest_rollovers(found: list[MemberCycle]) -> dict[str, MemberCycle]:
    """Per certificate number, the cycle that rolled over last in the year."""
    latest: dict[str, MemberCycle] = {}
    for one in found:
        number = one.cycle.certificate_number
        known = latest.get(number)
        if known is None or (one.cycle.advanced_on or date.min) > (
            known.cycle.advanced_on or date.min
        ):
            latest[number] = one
    return latest


def _new_seed(nbytes: int) -> str:
    """A fresh random seed (looked up at call time: the demo derives it from `--seed`)."""
    return secrets.token_hex(nbytes)


class AuditDrawRun:
    """One run of the draw step. Ports are parameters, so tests can hand it fakes."""

    def __init__(
        self,
        *,
        table: Any,
        s3: Any,
        mail_bucket: str,
        policy: Policy,
        new_seed: Callable[[int], str] | None = None,
        start_case: Callable[[str, str, str], bool] | None = None,
    ) -> None:
        from staycertified.audits import workflow

        self.table, self.s3, self.mail_bucket = table, s3, mail_bucket
        self.policy, self.new_seed = policy, new_seed or _new_seed
        # R27: each case is an execution named by its case id (a rerun starts none twice).
        self.start_case = start_case or workflow.start

    def _put_json(self, key: str, body: Any) -> None:
        put_json(self.s3, self.mail_bucket, key, body)

    def _get_json(self, key: str) -> Any | None:
        return get_json(self.s3, self.mail_bucket, key)

    def _pool(self, audit_year: int) -> tuple[tuple[str, ...], dict[str, MemberCycle]]:
        """R25: GSI3 Query of last year's rollovers, certifications by BatchGetItem, R8."""
        rollovers = _latest_rollovers(list(cycles_rolled_over_in(self.table, audit_year - 1)))
        certifications = get_certifications(
            self.table, [(c.member_id, number) for number, c in sorted(rollovers.items())]
        )
        candidates = [
            (certifications[number], found.cycle)
            for number, found in rollovers.items()
            if number in certifications
        ]
        return audit_pool(audit_year, candidates), rollovers

    def _write_draw(
        self,
        stored: audit_draws.StoredDraw,
        found: tuple[tuple[str, ...], dict[str, MemberCycle]] | None = None,
    ) -> tuple[tuple[str, ...], list[Selected]]:
        """draw.json from the stored seed (the pool as read now, unless given)."""
        pool, rollovers = found or self._pool(stored.audit_year)
        draw = draw_sample(stored.audit_year, pool, stored.seed, self.policy)
        selected = [
            Selected(
                certificate_number=number,
                member_id=rollovers[number].member_id,
                cycle=rollovers[number].cycle,
            )
            for number in draw.selected
        ]
        self._put_json(
            stored.draw_object,
            {
                "auditYear": draw.audit_year,
                "seed": draw.seed,
                "rate": str(draw.rate),
                "minimum": draw.minimum,
                "drawnOn": stored.drawn_on.isoformat(),
                "runId": stored.run_id,
                "rules": list(draw.rules),
                "pool": list(draw.pool),
                "selected": [s.model_dump(mode="json", by_alias=True) for s in selected],
            },
        )
        return draw.pool, selected

    def run(self, run: DrawInput) -> dict[str, Any]:
        year = run.as_of.year
        stored = audit_draws.get_draw(self.table, year)
        reused = stored is not None
        found = None
        if stored is None:
            found = self._pool(year)
            draw = draw_sample(year, found[0], self.new_seed(SEED_BYTES), self.policy)
            stored = audit_draws.store_draw(
                self.table,
                audit_draws.StoredDraw(
                    audit_year=year,
                    seed=draw.seed,
                    rate=draw.rate,
                    minimum=draw.minimum,
                    pool_size=len(draw.pool),
                    selected_count=len(draw.selected),
                    draw_object=draw_object(year),
                    drawn_on=run.as_of,
                    run_id=run.run_id,
                ),
            )
            reused = stored.seed != draw.seed  # another run of the year stored first
        stored_json = self._get_json(stored.draw_object) if reused else None
        if stored_json is None:  # first run, or the first run stopped before writing it
            pool, selected = self._write_draw(stored, None if reused else found)
        else:
            pool = tuple(stored_json["pool"])
            selected = [Selected.model_validate(s) for s in stored_json["selected"]]

        opened = started = 0
        items = []
        for one in selected:
            case, new = open_audit_case(
                self.table, one.member_id, open_case(year, one.cycle, run.as_of, self.policy)
            )
            opened += new
            started += self.start_case(one.member_id, case.case_id, one.certificate_number)
            items.append(
                {
                    "runId": run.run_id,
                    "asOf": run.as_of.isoformat(),
                    "auditYear": year,
                    "memberId": one.member_id,
                    "certificateNumber": one.certificate_number,
                    "caseId": case.case_id,
                    "cycleStart": case.cycle_start.isoformat(),
                    "cycleEnd": case.cycle_end.isoformat(),
                    "respondBy": case.respond_by.isoformat(),
                }
            )
        self._put_json(selected_object(year), items)
        schedule = audit_schedule(year, self.policy)
        return {
            "runId": run.run_id,
            "auditYear": year,
            "asOf": run.as_of.isoformat(),
            "noticeBy": schedule.notice_by.isoformat(),
            "drawReused": reused,
            "seed": stored.seed,
            "poolSize": len(pool),
            "selectedCount": len(selected),
            "casesOpened": opened,
            "casesExisting": len(selected) - opened,
            "caseExecutionsStarted": started,
            "drawKey": stored.draw_object,
            "selectedKey": selected_object(year),
            "rules": ["R25", "R26"],
        }


def run_draw(
    run: DrawInput,
    *,
    table: Any,
    s3: Any,
    mail_bucket: str,
    policy: Policy,
    new_seed: Callable[[int], str] | None = None,
) -> dict[str, Any]:
    return AuditDrawRun(
        table=table, s3=s3, mail_bucket=mail_bucket, policy=policy, new_seed=new_seed
    ).run(run)

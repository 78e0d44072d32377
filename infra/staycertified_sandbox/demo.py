"""`staycertified demo`: a year of the system on the sample member base, in under a minute.

Deploys the sandbox, imports the members, advances the clock month by month
(every schedule fires on the way), then prints a report and writes the outbox
(every email as .eml, every letter as .pdf).

The report is a list of sections (`report.report_section`); the modules holding
them are listed in `REPORT`, in print order. Imports go one way: demo -> report_*
-> report (tests/infra/test_sandbox_import_cycles.py).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

from . import (
    report_audits,
    report_badges,
    report_members,
    report_recertification,
    report_renewals,
    report_run,
)
from .audit_behaviour import AuditBehaviour
from .badge_behaviour import BadgeBehaviour
from .behaviour import MemberBehaviour
from .recert_behaviour import RecertBehaviour
from .report import DEFAULT_SEED, DemoContext, sections_of
from .report_members import standing_counts
from .sandbox import REPO_ROOT, Sandbox

SAMPLE_MEMBERS = REPO_ROOT / "data" / "sample_members.csv"
# The report's section modules, in print order.
REPORT = [
    report_run,
    report_badges,
    report_audits,
    report_members,
    report_recertification,
    report_renewals,
]


def run(args: argparse.Namespace) -> int:
    """The demo. Every choice is a function of `--seed` (members' behaviour, the audit
    draw's seed), so the same seed prints the same figures (only the wall time
    differs), and the outbox folder holds only this run's emails and letters."""
    out = sys.stdout
    started = time.perf_counter()
    seed = getattr(args, "seed", DEFAULT_SEED)
    rows = _member_rows(args.members)
    with _handler_output_silenced(), _seeded(seed), Sandbox(start=args.start) as sb:
        _say(out, f"Deployed the template in {sb.deploy_seconds:.1f} s; today is {sb.today}.")
        context = DemoContext(sb, [row["member_id"] for row in rows], seed, start=args.start)
        context.import_report = sb.load_members(rows)
        report = context.import_report
        _say(
            out,
            f"Imported {report.imported} of {len(rows)} certification rows "
            f"({len(set(context.member_ids))} members); {len(report.errors)} rows refused, "
            f"{len(report.warnings)} warnings; seed {seed}.",
        )
        context.baseline = standing_counts(context.records(), sb.today)
        context.baseline_day = sb.today
        context._records = None  # read again at the end
        context.behaviour = MemberBehaviour(sb, rows, seed=seed)
        context.audit_behaviour = AuditBehaviour(sb)
        context.badge_behaviour = BadgeBehaviour(sb)
        context.recert_behaviour = RecertBehaviour(sb, context.behaviour, context.member_ids)
        for month_end in _month_ends(args.start, args.end):
            sb.advance_to(month_end)
            context.behaviour.month_end(month_end)
            context.audit_behaviour.month_end(month_end)
            context.badge_behaviour.month_end(month_end)
            context.recert_behaviour.month_end(month_end)
            _say(out, _progress_line(sb))
        context.elapsed = time.perf_counter() - started
        for section in sections_of(REPORT):
            _say(out, f"\n== {section.title}")
            for line in section.build(context):
                _say(out, f"  {line}")
        folder = sb.write_outbox(args.outbox)
    _say(out, f"\nOutbox (this run only): {folder.resolve()}")
    return 0


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """The audit draw's seed (R25: stored and reproducible) is random in the deployed
    function (`audits.draw._new_seed`); in the demo it is derived from `--seed`, so
    that the same seed draws the same members."""
    import hashlib
    from unittest import mock

    draws = iter(range(1_000_000))

    def new_seed(nbytes: int) -> str:
        digest = hashlib.sha256(f"demo {seed} audit draw {next(draws)}".encode()).hexdigest()
        return digest[: 2 * nbytes]

    with mock.patch("staycertified.audits.draw._new_seed", new_seed):
        yield


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)


@contextlib.contextmanager
def _handler_output_silenced() -> Iterator[None]:
    """Handlers log JSON lines and EMF metrics to stdout; the demo prints its own story."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _member_rows(path: Path | None) -> list[dict[str, str]]:
    path = path or SAMPLE_MEMBERS
    if path.exists():
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    return _generated_members()


def _generated_members() -> list[dict[str, str]]:
    """A tiny member base when data/sample_members.csv is absent (fictional people)."""
    rows = []
    for number, (kind, certified) in enumerate(
        [("RMA", "2022-02-17"), ("RPT", "2010-03-02"), ("MT", "2019-04-30"), ("CMAS", "2024-05-10")]
    ):
        rows.append(
            {
                "member_id": f"D{number:04d}", "first_name": "Demo", "last_name": f"Member{number}",
                "email": f"demo{number}@example.org", "address_line1": f"{number + 1} Main St",
                "address_line2": "", "city": "Springfield", "state": "IL", "postal_code": "62701",
                "country": "US", "certification_type": kind,
                "certificate_number": f"{kind}-{9000 + number}", "certified_on": certified,
                "recertified_on": "", "paid_through": "", "cycle_points": "",
            }
        )  # fmt: skip
    return rows


def _month_ends(start: date, end: date) -> Iterator[date]:
    year, month = start.year, start.month
    while True:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = min(date.fromordinal(following.toordinal() - 1), end)
        if last >= start:
            yield last
        if last >= end:
            return
        year, month = following.year, following.month


def _progress_line(sb: Sandbox) -> str:
    """So far: emails and letters sent, Step Functions executions by status, failed
    handler calls."""
    statuses = Counter(execution.status.lower() for execution in sb.executions())
    executions = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items())) or "none"
    return (
        f"{sb.today}  so far: {sb.email_count():5d} emails, {sb.letter_count():5d} letters; "
        f"executions {executions}; failed handler calls {len(sb.failures)}"
    )

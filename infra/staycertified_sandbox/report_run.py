"""The demo report's first sections: the run itself (simulated period, firings,
invocations, wall time, the import), emails and letters by notice kind, what the
simulated members did, Step Functions executions by status, failed handler calls.
Counts only: no personal data.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .report import DemoContext, report_section


def _counts(items: Counter[str], unit: str) -> list[str]:
    return [f"{name:<44} {count:6d} {unit}" for name, count in sorted(items.items())] or ["none"]


@report_section("Run")
def _run(context: DemoContext) -> list[str]:
    sb = context.sb
    report = context.import_report
    return [
        f"simulated {context.start} to {sb.today} (seed {context.seed}): "
        f"{len(sb.firings)} schedule firings, {len(sb.invocations)} handler invocations",
        f"wall time {context.elapsed:.1f} s",
        f"in the file: {len(context.member_ids)} certification rows of "
        f"{len(set(context.member_ids))} members; imported {report.imported} rows, "
        f"refused {len(report.errors)}, warnings {len(report.warnings)}",
        *[f"  import warning {code}: {n} rows" for code, n in _codes(report.warnings)],
        *[f"  import refused {code}: {n} rows" for code, n in _codes(report.errors)],
    ]


def _codes(found: list[Any]) -> list[tuple[str, int]]:
    return sorted(Counter(item.code for item in found).items())


@report_section("Emails sent (SES messages), by notice kind")
def _emails(context: DemoContext) -> list[str]:
    return _counts(Counter(email.kind or "unknown" for email in context.sb.emails), "emails")


@report_section("What members did (API calls, payment webhook calls and CE events, counted)")
def _behaviour(context: DemoContext) -> list[str]:
    return context.behaviour.report.lines() if context.behaviour else ["none"]


@report_section("Letters posted (PDFs in the mail bucket), by notice kind")
def _letters(context: DemoContext) -> list[str]:
    return _counts(Counter(letter.kind or "unknown" for letter in context.sb.letters), "letters")


@report_section("Step Functions executions, by status")
def _executions(context: DemoContext) -> list[str]:
    statuses = Counter(execution.status for execution in context.sb.executions())
    return _counts(statuses, "executions")


@report_section("Failed handler calls, by function and error type")
def _failures(context: DemoContext) -> list[str]:
    failed = Counter(f"{call.function}: {call.error_type}" for call in context.sb.failures)
    return _counts(failed, "calls")

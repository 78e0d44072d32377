"""The demo report's recertification section (R23, R28-R33): what the cast members and
staff did, each application's outcome and history, the review executions' outcomes."""

from __future__ import annotations

from collections import Counter

from .report import DemoContext, report_section


@report_section("Recertification (R23, R28-R33): applications, reviews, exam results")
def _recertification(context: DemoContext) -> list[str]:
    lines = context.recert_behaviour.lines() if context.recert_behaviour else []
    runs = [e for e in context.sb.executions() if e.name.startswith("RC")]
    outcomes = Counter(
        f"{e.status} {e.output.get('outcome', 'waiting') if isinstance(e.output, dict) else ''}"
        for e in runs
    )
    lines += [f"review executions {k.strip()}: {n}" for k, n in sorted(outcomes.items())]
    return lines or ["no recertification yet"]

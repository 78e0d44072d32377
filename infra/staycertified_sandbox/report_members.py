"""Demo report sections of the member-facing capability: certifications by status
(as the status API answers it), CCP points recorded, CCP compliance notices (R17)
and cycle rollovers (R16). Registered by importing this module from `demo`.

Counts only: no names, emails or addresses are printed.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from .demo import DemoContext, report_section

_CACHE_ATTRIBUTE = "_member_report_cache"


def _gathered(context: DemoContext) -> dict[str, Any]:
    """One pass over the members, shared by the sections: one Query each, and the
    status the API would answer for that record (`api.status.member_status`)."""
    cached = getattr(context, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    from staycertified.api.status import member_status
    from staycertified.policy import load_policy

    statuses: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    points_by_source: Counter[str] = Counter()
    points_total: dict[str, Decimal] = {}
    notices: Counter[str] = Counter()
    rollovers: Counter[str] = Counter()
    for record in context.records():
        body = member_status(record, context.sb.today, load_policy()).model_dump(
            mode="json", by_alias=True
        )
        for cert in body["certifications"]:
            statuses[f"{cert['status']} ({cert['ccp'].lower()} CCP)"] += 1
            for reason in cert["reasons"]:
                if reason["rule"] != "R20":
                    reasons[f"{reason['rule']} {reason['code']}"] += 1
        for cert_record in record.certifications:
            for activity in cert_record.activities:
                source = activity.source.value
                points_by_source[source] += 1
                points_total[source] = points_total.get(source, Decimal(0)) + activity.points
            for notice in cert_record.notices:
                if notice.step.startswith("CCP_"):
                    notices[f"{notice.step} {notice.channel}"] += 1
            for cycle in cert_record.cycles:
                if cycle.advanced_on is not None:
                    rollovers[str(cycle.advanced_on.year)] += 1
    gathered = {
        "statuses": statuses,
        "reasons": reasons,
        "activities": points_by_source,
        "points": points_total,
        "notices": notices,
        "rollovers": rollovers,
    }
    setattr(context, _CACHE_ATTRIBUTE, gathered)
    return gathered


def _lines(counts: Counter[str]) -> list[str]:
    return [f"{name:<44} {count:6d}" for name, count in sorted(counts.items())] or ["none"]


@report_section("Certifications by status and CCP duty (R20-R22, R8)")
def certifications_by_status(context: DemoContext) -> list[str]:
    gathered = _gathered(context)
    return [*_lines(gathered["statuses"]), "reasons:", *_lines(gathered["reasons"])]


@report_section("CCP points recorded (R10-R14; PROVIDER = the body's online CE, R13)")
def points_recorded(context: DemoContext) -> list[str]:
    gathered = _gathered(context)
    if not gathered["activities"]:
        return ["none"]
    return [
        f"{source:<12} {count:6d} activities {gathered['points'][source]:>10} points"
        for source, count in sorted(gathered["activities"].items())
    ]


@report_section("CCP compliance notices by step and channel (R17)")
def ccp_notices(context: DemoContext) -> list[str]:
    return _lines(_gathered(context)["notices"])


@report_section("Cycle rollovers by year (R16; the audit pool of the next January, R25)")
def rollovers(context: DemoContext) -> list[str]:
    """The simulated years and the two before; older history (imported) as one line."""
    recent_from = str(context.sb.today.year - 2)
    by_year = _gathered(context)["rollovers"]
    recent = Counter({year: n for year, n in by_year.items() if year >= recent_from})
    earlier = sum(n for year, n in by_year.items() if year < recent_from)
    return [*_lines(recent), f"{'before ' + recent_from + ' (imported history)':<44} {earlier:6d}"]

"""Demo report sections of the member-facing capability: certifications by status
(as the status API answers it) at the start of the year and at its end, the
certifications behind each reason, CCP points recorded by who recorded them, CCP
compliance notices (R17) by outcome, and cycle rollovers (R16).
Listed in `demo.REPORT`.

Counts only: no names, emails or addresses are printed. Every line says what it
counts (certifications, activities, notices, points).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from .report import DemoContext, report_section

_CACHE_ATTRIBUTE = "_member_report_cache"


def standing_counts(records: list[Any], day: date) -> dict[str, Counter[str]]:
    """Certifications by status (and CCP duty) and by reason, as the status API
    answers on `day` (`staycertified.standing`, R37): each certification counted once
    per line. The demo takes it after the import (the start-of-year baseline) and
    at the end."""
    from staycertified.policy import load_policy
    from staycertified.standing import certification_standing

    policy = load_policy()
    statuses: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for record in records:
        for cert in record.certifications:
            decision = certification_standing(cert, day, policy).decision
            statuses[f"{decision.status.value} ({decision.ccp_duty.value.lower()} CCP)"] += 1
            reasons.update({f"{r.rule} {r.code}" for r in decision.reasons if r.rule != "R20"})
    return {"statuses": statuses, "reasons": reasons}


def _gathered(context: DemoContext) -> dict[str, Any]:
    """One pass over the members, shared by the sections (one Query each)."""
    cached = getattr(context, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    from staycertified.store.importer import IMPORTED_POINTS_TITLE

    activities: Counter[str] = Counter()
    points: dict[str, Decimal] = {}
    notices: Counter[str] = Counter()
    rollovers: Counter[str] = Counter()
    start = context.start or context.sb.today
    for record in context.records():
        for cert_record in record.certifications:
            for activity in cert_record.activities:
                who = activity.source.value
                if activity.title == IMPORTED_POINTS_TITLE:
                    who = "IMPORTED"
                activities[who] += 1
                points[who] = points.get(who, Decimal(0)) + activity.points
            for notice in cert_record.notices:
                if notice.step.startswith("CCP_"):
                    outcome = (notice.status or "SENT").lower()
                    notices[f"{notice.step} {notice.channel} {outcome}"] += 1
            for cycle in cert_record.cycles:
                if cycle.advanced_on is not None:
                    rollovers[_rollover_line(cycle.advanced_on, start)] += 1
    gathered = {
        **standing_counts(context.records(), context.sb.today),
        "activities": activities,
        "points": points,
        "notices": notices,
        "rollovers": rollovers,
    }
    setattr(context, _CACHE_ATTRIBUTE, gathered)
    return gathered


def _rollover_line(day: date, start: date) -> str:
    if day >= start:
        return f"during the demo, {day.year}"
    if day.year >= start.year - 2:
        return f"imported history, {day.year}"
    return f"imported history, before {start.year - 2}"


def _lines(counts: Counter[str], unit: str = "") -> list[str]:
    return [f"{name:<48} {count:6d}{unit}" for name, count in sorted(counts.items())] or ["none"]


@report_section("Certifications by status and CCP duty (R20-R22, R8): start of year -> end")
def certifications_by_status(context: DemoContext) -> list[str]:
    """Each line counts certifications; the start is taken right after the import."""
    end = _gathered(context)
    start = context.baseline or {"statuses": Counter(), "reasons": Counter()}
    day0 = context.baseline_day or context.sb.today
    lines = [
        f"{'certifications, as the status API answers':<48} {day0!s:>10} {context.sb.today!s:>10}"
    ]
    for key in ("statuses", "reasons"):
        if key == "reasons":
            lines.append("certifications with each reason (one certification may have several):")
        names = sorted(set(start[key]) | set(end[key]))
        lines += [f"{name:<48} {start[key][name]:10d} {end[key][name]:10d}" for name in names]
        total = "total certifications" if key == "statuses" else None
        if total:
            lines.append(f"{total:<48} {sum(start[key].values()):10d} {sum(end[key].values()):10d}")
    return lines


_WHO = {
    "MEMBER": "recorded by members (portal / API)",
    "PROVIDER": "the body's online CE (PROVIDER, R13)",
    "STAFF": "recorded by staff",
    "IMPORTED": "carried over at import (previous records system)",
}


@report_section("CCP points on record (R10-R14), by who recorded them")
def points_recorded(context: DemoContext) -> list[str]:
    gathered = _gathered(context)
    if not gathered["activities"]:
        return ["none"]
    return [
        f"{_WHO.get(who, who):<48} {count:6d} activities {gathered['points'][who]:>10} points"
        for who, count in sorted(gathered["activities"].items())
    ]


@report_section("CCP compliance notices (R17): notices by step, channel and outcome")
def ccp_notices(context: DemoContext) -> list[str]:
    """One line per (step, channel, outcome): `sent` went out (an email or a letter);
    `undeliverable` did not (no email address, or no postal address, on file)."""
    return _lines(_gathered(context)["notices"], " notices")


@report_section("Cycle rollovers (R16; the audit pool of the next January, R25), by year")
def rollovers(context: DemoContext) -> list[str]:
    """Certification cycles that rolled over: during the demo's simulated period, and
    those the import wrote as history (rolled over before the import date)."""
    return _lines(_gathered(context)["rollovers"], " cycles")

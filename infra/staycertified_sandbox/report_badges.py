"""Demo report section of the Credly story (R36, `badge_behaviour`): the domain events
that drive badges, the Credly calls that landed (issue, replace, revoke), the badges
Credly holds by state, and what became of the outage. Counts only: no names, emails
or addresses.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .report import DemoContext, report_section

if TYPE_CHECKING:  # pragma: no cover
    from .badge_behaviour import Outage
    from .sandbox import Sandbox


@report_section("Credly badges (R36): what drove them, the calls that landed, the outage")
def _badges(context: DemoContext) -> list[str]:
    sb = context.sb
    events: Counter[str] = Counter()
    for event in sb.domain_events:
        name = event["detail-type"]
        detail = event["detail"]
        reason = detail.get("reason")
        events[f"{name} {reason}" if reason else name] += 1
    calls: Counter[str] = Counter()
    for method, path, status in sb.credly.calls if sb.credly else []:
        if status >= 500:
            calls["answered 5xx (injected outage)"] += 1
        elif status < 300 and method == "POST" and path.endswith("/replace"):
            calls["replace (payment, rollover)"] += 1
        elif status < 300 and method == "PUT" and path.endswith("/revoke"):
            calls["revoke (must recertify, R22)"] += 1
        elif status < 300 and method == "POST":
            calls["issue (activated)"] += 1
    held = Counter(badge.state for badge in sb.badges)
    issued_twice = sum(
        1
        for n in Counter(b.certificate_number for b in sb.badges if b.state == "ISSUED").values()
        if n > 1
    )
    lines = ["domain events published:", *_lines(events), "Credly calls that landed:"]
    lines += _lines(calls)
    lines += ["badges Credly holds:", *_lines(held)]
    lines.append(f"{'certifications with two ISSUED badges':<44} {issued_twice:6d}")
    behaviour = context.badge_behaviour
    if behaviour is not None:
        lines += _lines(behaviour.counts)
        lines += _outage_lines(sb, behaviour.outage)
    return lines


def _outage_lines(sb: Sandbox, outage: Outage | None) -> list[str]:
    from staycertified.store import badges as badge_store

    if outage is None:
        return ["no Credly outage injected"]
    landed = 0
    for member_id, number, event_id in outage.failed:
        item = sb.table.get_item(Key=badge_store.call_key(member_id, number, event_id)).get("Item")
        landed += bool(item and item.get("state") == badge_store.CallState.DONE)
    still_open = len(badge_store.open_calls(sb.table))
    return [
        f"outage on {outage.day}: Credly answered 500 to the next {outage.injected} calls",
        f"{'badge calls FAILED then (staff saw them)':<44} {len(outage.failed):6d}",
        f"{'of those, landed by the daily retry':<44} {landed:6d}",
        f"{'badge calls still open at the end':<44} {still_open:6d}",
    ]


def _lines(counts: Counter[str]) -> list[str]:
    return [f"  {name:<42} {count:6d}" for name, count in sorted(counts.items())] or ["  none"]

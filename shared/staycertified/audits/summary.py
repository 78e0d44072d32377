"""Summarise an audit run (R25, R26): `audits/<year>/report.json`, the run's
print-house manifest (`runs/<runId>/manifest.csv`, every audit letter of the run,
gathered from the rows each notice step wrote) and EMF metrics.

Counts only (no names, no addresses): the draw's counts, notices per channel and
outcome, items skipped or failed.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from staycertified.audits.draw import report_object


def summarize(
    event: dict[str, Any], *, s3: Any, mail_bucket: str, metrics: Any = None
) -> dict[str, Any]:
    draw = event.get("draw") or {}
    year = int(draw["auditYear"])
    outcomes: Counter[tuple[str, str]] = Counter()
    flags: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    failed = 0
    for result in event.get("notices") or []:
        if result.get("failed"):
            failed += 1
            continue
        if result.get("skipped"):
            skipped[str(result["skipped"])] += 1
        for channel, outcome in (result.get("outcomes") or {}).items():
            outcomes[(channel, outcome)] += 1
        flags.update(result.get("flags") or [])
    report = {
        "runId": draw.get("runId"),
        "auditYear": year,
        "asOf": draw.get("asOf"),
        "noticeBy": draw.get("noticeBy"),
        "drawReused": draw.get("drawReused"),
        "poolSize": draw.get("poolSize", 0),
        "selectedCount": draw.get("selectedCount", 0),
        "casesOpened": draw.get("casesOpened", 0),
        "drawKey": draw.get("drawKey"),
        "notices": [
            {"channel": channel, "outcome": outcome, "count": count}
            for (channel, outcome), count in sorted(outcomes.items())
        ],
        "flags": dict(sorted(flags.items())),
        "skipped": dict(sorted(skipped.items())),
        "failedItems": failed,
        "rules": ["R25", "R26"],
    }
    if draw.get("runId"):
        from staycertified.notify.manifest import (
            gather_letter_rows,
            run_manifest_key,
            write_manifest,
        )

        letters = gather_letter_rows(s3, mail_bucket, str(draw["runId"]))
        report["letters"] = len(letters)
        report["manifestKey"] = write_manifest(
            s3, mail_bucket, run_manifest_key(str(draw["runId"])), letters
        )
    key = report_object(year)
    s3.put_object(
        Bucket=mail_bucket,
        Key=key,
        Body=json.dumps(report, indent=2).encode(),
        ContentType="application/json",
    )
    if metrics is not None:
        metrics.add_metric(name="AuditPool", unit="Count", value=report["poolSize"])
        metrics.add_metric(name="AuditsSelected", unit="Count", value=report["selectedCount"])
        metrics.add_metric(name="AuditsOpened", unit="Count", value=report["casesOpened"])
        metrics.add_metric(name="AuditNoticeFailures", unit="Count", value=failed)
        for channel in ("EMAIL", "MAIL"):
            sent = outcomes[(channel, "SENT")]
            metrics.add_metric(name=f"AuditNoticesSent{channel.title()}", unit="Count", value=sent)
    return {
        "runId": report["runId"],
        "auditYear": year,
        "reportKey": key,
        "selectedCount": report["selectedCount"],
        "casesOpened": report["casesOpened"],
        "notices": report["notices"],
        "failedItems": failed,
    }

"""Summarise an audit run (R25, R26): `audits/<year>/report.json`, the run's
print-house manifest (`runs/<runId>/manifest.csv`, every audit letter of the run)
and EMF metrics.

The totals come from the cases' parts in the mail bucket
(`runs/<runId>/cases/<caseId>.json`, one per item of `audits/<year>/selected.json`,
written by the notice step), never from the state (STYLE 14: the Map writes its
iteration results to S3, so no state holds a list that grows with the draw). A
selected case without a part failed after its retries: it is counted in
`failedItems` and listed under `failed` by its item number in selected.json (1 = the
first), and the state machine then fails the execution (`AuditNoticesFailed`).

Counts only (no names, no addresses, no case ids): the draw's counts, notices per
channel and outcome, items skipped or failed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from staycertified.audits.draw import report_object
from staycertified.audits.notify import CasePart, case_part_key
from staycertified.notify.manifest import ManifestRow, run_manifest_key, write_manifest
from staycertified.objects import get_json, put_json


@dataclass
class Tallies:
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    letters: list[ManifestRow] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    def add(self, part: CasePart) -> None:
        if part.skipped:
            self.skipped[part.skipped] += 1
        for channel, outcome in part.outcomes.items():
            self.outcomes[(channel, outcome)] += 1
        self.flags.update(part.flags)
        if part.letter is not None:
            self.letters.append(part.letter)


def read_parts(s3: Any, mail_bucket: str, draw: dict[str, Any]) -> Tallies:
    """The part of every selected case of the run; a case without one failed."""
    tallies = Tallies()
    run_id, selected_key = draw.get("runId"), draw.get("selectedKey")
    if not run_id or not selected_key:
        return tallies
    selected = get_json(s3, mail_bucket, str(selected_key))
    if selected is None:  # the draw writes it before the Map reads it
        raise LookupError(f"{selected_key} is missing")
    for number, item in enumerate(selected, start=1):
        key = case_part_key(str(run_id), str(item["caseId"]))
        try:
            body = s3.get_object(Bucket=mail_bucket, Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            tallies.failed.append({"item": number, "error": "NO_PART_WRITTEN"})
            continue
        tallies.add(CasePart.model_validate_json(body))
    tallies.letters.sort(key=lambda row: row.letter_key)
    return tallies


def summarize(
    event: dict[str, Any], *, s3: Any, mail_bucket: str, metrics: Any = None
) -> dict[str, Any]:
    draw = event.get("draw") or {}
    year = int(draw["auditYear"])
    tallies = read_parts(s3, mail_bucket, draw)
    report = _report(draw, year, tallies)
    if draw.get("runId"):
        report["letters"] = len(tallies.letters)
        report["manifestKey"] = write_manifest(
            s3, mail_bucket, run_manifest_key(str(draw["runId"])), tallies.letters
        )
    key = put_json(s3, mail_bucket, report_object(year), report, indent=2)
    if metrics is not None:
        _emit(metrics, report, tallies)
    return {
        "runId": report["runId"],
        "auditYear": year,
        "reportKey": key,
        "selectedCount": report["selectedCount"],
        "casesOpened": report["casesOpened"],
        "notices": report["notices"],
        "failedItems": report["failedItems"],
    }


def _report(draw: dict[str, Any], year: int, tallies: Tallies) -> dict[str, Any]:
    return {
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
            for (channel, outcome), count in sorted(tallies.outcomes.items())
        ],
        "flags": dict(sorted(tallies.flags.items())),
        "skipped": dict(sorted(tallies.skipped.items())),
        "failedItems": len(tallies.failed),
        "failed": tallies.failed,
        "rules": ["R25", "R26"],
    }


def _emit(metrics: Any, report: dict[str, Any], tallies: Tallies) -> None:
    metrics.add_metric(name="AuditPool", unit="Count", value=report["poolSize"])
    metrics.add_metric(name="AuditsSelected", unit="Count", value=report["selectedCount"])
    metrics.add_metric(name="AuditsOpened", unit="Count", value=report["casesOpened"])
    metrics.add_metric(name="AuditNoticeFailures", unit="Count", value=report["failedItems"])
    for channel in ("EMAIL", "MAIL"):
        sent = tallies.outcomes[(channel, "SENT")]
        metrics.add_metric(name=f"AuditNoticesSent{channel.title()}", unit="Count", value=sent)

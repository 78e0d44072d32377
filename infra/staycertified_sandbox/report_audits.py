"""Demo report section of the annual audit (R25, R26): the year's draw and notices,
from `audits/<year>/report.json` in the mail bucket, and the cases still open.
Listed in `demo.REPORT`. Counts only: no personal data.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .report import DemoContext, report_section


def _reports(context: DemoContext) -> list[dict[str, Any]]:
    sb = context.sb
    s3 = sb.client("s3")
    bucket = sb.env("MAIL_BUCKET")
    reports = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="audits/"):
        for item in page.get("Contents", []):
            if item["Key"].endswith("/report.json"):
                body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                reports.append(json.loads(body))
    return sorted(reports, key=lambda r: int(r.get("auditYear", 0)))


@report_section("Annual audit (R25, R26): draw and notices")
def _audits(context: DemoContext) -> list[str]:
    lines = []
    for report in _reports(context):
        lines.append(
            f"{report['auditYear']}: pool {report['poolSize']}, selected "
            f"{report['selectedCount']}, cases opened {report['casesOpened']} "
            f"(run {report['runId']}, draw reused {report['drawReused']}), "
            f"failed notices {report['failedItems']}"
        )
        lines += [
            f"  notice {row['channel']} {row['outcome']}: {row['count']}"
            for row in report.get("notices", [])
        ]
        lines += [f"  flag {flag}: {count}" for flag, count in report.get("flags", {}).items()]
    if not lines:
        lines.append("no audit run (the schedule fires on 2 January)")
    return lines


@report_section("Audit review (R15, R26, R27): cases by state, responses, pass rate")
def _review(context: DemoContext) -> list[str]:
    sb = context.sb
    s3 = sb.client("s3")
    lines = []
    for report in _reports(context):
        key = f"audits/{int(report['auditYear']):04d}/review.json"
        try:
            review = json.loads(s3.get_object(Bucket=sb.env("MAIL_BUCKET"), Key=key)["Body"].read())
        except s3.exceptions.NoSuchKey:
            continue
        states = ", ".join(f"{state} {n}" for state, n in review["byState"].items())
        responses = review["responses"]
        rate = review["passRate"]
        lines += [
            f"{review['auditYear']}: {review['cases']} cases: {states}",
            f"  responses before the reminder {responses['beforeReminder']}, late (after it) "
            f"{responses['late']}, none {responses['none']}; extensions {review['extensions']}",
            f"  failed without a response {review['failedWithoutResponse']}; pass rate "
            + ("n/a" if rate is None else f"{rate:.0%}"),
        ]
    runs = [e for e in sb.executions() if e.name.startswith("AUD-")]
    outcomes = Counter(
        f"{e.status} {(e.output or {}).get('outcome', 'waiting')}"
        if isinstance(e.output, dict) or e.output is None
        else e.status
        for e in runs
    )
    lines += [f"case executions {k}: {n}" for k, n in sorted(outcomes.items())]
    if context.audit_behaviour is not None:
        lines += [f"{k:<44} {n:6d}" for k, n in sorted(context.audit_behaviour.counts.items())]
    return lines or ["no audit review yet"]

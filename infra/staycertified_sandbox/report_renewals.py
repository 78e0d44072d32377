"""Demo report sections of the renewals capability (R3-R7): notices by step and
channel, outcomes and failures of the monthly runs (from their run reports in
the mail bucket), invoices created and paid, payments by source.
Registered by importing this module from `demo`. Counts only: no personal data.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .demo import DemoContext, report_section


def _run_reports(context: DemoContext) -> list[dict[str, Any]]:
    sb = context.sb
    s3 = sb.client("s3")
    bucket = sb.env("MAIL_BUCKET")
    reports = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="runs/"):
        for item in page.get("Contents", []):
            if item["Key"].endswith("/report.json"):
                body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                reports.append(json.loads(body))
    return sorted(reports, key=lambda r: str(r.get("runId")))


@report_section("Renewal runs (R3-R5): notices sent by step and channel")
def _renewal_notices(context: DemoContext) -> list[str]:
    reports = _run_reports(context)
    sent: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    letters = invoices = 0
    for report in reports:
        for row in report.get("byStepChannel", []):
            outcomes[row["outcome"]] += row["count"]
            if row["outcome"] == "SENT":
                sent[f"{row['step']} / {row['channel']}"] += row["count"]
        failures.update(report.get("failures", {}))
        letters += int(report.get("letters", 0))
        invoices += int(report.get("invoicesCreated", 0))
    lines = [
        f"{len(reports)} runs, {invoices} invoices created, {letters} letters in the manifests"
    ]
    lines += [f"sent {key}: {count}" for key, count in sorted(sent.items())]
    lines += [f"outcome {key}: {count}" for key, count in sorted(outcomes.items())]
    lines += [f"failure {key}: {count}" for key, count in sorted(failures.items())]
    return lines


@report_section("Invoices and payments (R3, R6, R7)")
def _invoices(context: DemoContext) -> list[str]:
    status: Counter[str] = Counter()
    paid_by: Counter[str] = Counter()
    invoices = (i for r in context.records() for c in r.certifications for i in c.invoices)
    for invoice in invoices:
        status[invoice.status.value] += 1
        if invoice.payment_id:
            paid_by["staff" if invoice.payment_id.startswith("STAFF-") else "provider"] += 1
    lines = [f"invoices {key}: {count}" for key, count in sorted(status.items())]
    lines += [f"payments by {key}: {count}" for key, count in sorted(paid_by.items())]
    return lines or ["no invoices"]

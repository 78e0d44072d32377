"""Demo report sections of the renewals capability (R3-R7): notices by step and
channel, outcomes and failures of the monthly runs (from their run reports in
the mail bucket), invoices created and paid, payments by source.
Listed in `demo.REPORT`. Counts only: no personal data.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .report import DemoContext, report_section


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


_OUTCOMES = {
    "SENT": "sent",
    "ALREADY_SENT": "already sent by an earlier run (R5: not sent again)",
    "UNDELIVERABLE": "not deliverable: no email address, or no postal address, on file",
    "FAILED": "not sent: the certification's notice failed (codes below)",
}
_WHAT_TO_DO = {
    "FEE_NOT_CONFIGURED": (
        "R1: the policy sets no annual fee for {types}, so these certifications get no "
        "invoice and no renewal notice; staff: set the fee in the policy (docs/policy.md) "
        "and the next monthly run invoices and notifies them"
    ),
}


def _unset_fee_types(context: DemoContext) -> Counter[str]:
    """Certifications of the member base whose type has no annual fee in force today."""
    from staycertified.domain.errors import DomainError
    from staycertified.policy import load_policy

    policy = load_policy()
    unset: Counter[str] = Counter()
    for record in context.records():
        for cert in record.certifications:
            try:
                policy.annual_fee(cert.certification.type, context.sb.today)
            except DomainError:
                unset[cert.certification.type] += 1
    return unset


@report_section("Renewal runs (R3-R5): notices by step, channel and outcome")
def _renewal_notices(context: DemoContext) -> list[str]:
    """The monthly runs' reports. A notice goes by one or two channels: `byStepChannel`
    counts (notice, channel) pairs; `failures` counts planned notices (one per
    certification and step) by code."""
    reports = _run_reports(context)
    sent: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    letters = invoices = 0
    for report in reports:
        for row in report.get("byStepChannel", []):
            outcomes[row["outcome"]] += row["count"]
            if row["outcome"] == "SENT":
                sent[f"{row['step']} by {row['channel']}"] += row["count"]
        failures.update(report.get("failures", {}))
        letters += int(report.get("letters", 0))
        invoices += int(report.get("invoicesCreated", 0))
    lines = [
        f"{len(reports)} monthly runs; {invoices} invoices created; "
        f"{letters} letters in the print-house manifests"
    ]
    lines += ["notices sent, by step and channel (each email or letter once):"]
    lines += [f"  {key:<46} {count:6d} notices" for key, count in sorted(sent.items())]
    lines += ["every notice-channel the runs handled, by outcome:"]
    lines += [
        f"  {_OUTCOMES.get(key, key):<66} {count:6d}" for key, count in sorted(outcomes.items())
    ]
    if failures:
        lines += ["planned notices that failed, by code (one per certification and step):"]
    unset = _unset_fee_types(context) if "FEE_NOT_CONFIGURED" in failures else Counter()
    for code, count in sorted(failures.items()):
        lines.append(f"  {code:<46} {count:6d} planned notices")
        if code == "FEE_NOT_CONFIGURED" and unset:
            types = ", ".join(
                f"{t} ({n} certifications in the base)" for t, n in sorted(unset.items())
            )
            lines.append("    " + _WHAT_TO_DO[code].format(types=types))
    return lines


_INVOICE_STATUS = {"VOID": "VOID (R42: must recertify; never charged)"}


@report_section("Invoices and payments (R3, R6, R7, R42)")
def _invoices(context: DemoContext) -> list[str]:
    status: Counter[str] = Counter()
    paid_by: Counter[str] = Counter()
    invoices = (i for r in context.records() for c in r.certifications for i in c.invoices)
    for invoice in invoices:
        status[invoice.status.value] += 1
        if invoice.payment_id:
            paid_by[
                "by staff (check)"
                if invoice.payment_id.startswith("STAFF-")
                else "through the provider"
            ] += 1
    lines = ["invoices by status (every fee year, imported or created by the runs):"]
    lines += [
        f"  {_INVOICE_STATUS.get(key, key):<46} {count:6d} invoices"
        for key, count in sorted(status.items())
    ]
    lines += ["invoices paid:"]
    lines += [f"  {key:<46} {count:6d} invoices" for key, count in sorted(paid_by.items())]
    return lines if status else ["no invoices"]

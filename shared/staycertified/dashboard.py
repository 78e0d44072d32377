"""Staff dashboards: figures computed on a schedule and stored, read on request.

The monthly snapshot (`DashboardSnapshotFunction`, the 1st at 07:00 body time,
after the renewal run) reads every certification through the anniversary-month
index (12 index Queries, `ANNIV#01..12`, then one Query per member: the same
reads as the status check, R37; never a Scan) and stores one item:

| what                  | key                                         |
|-----------------------|---------------------------------------------|
| a month's figures     | PK = DASHBOARD, SK = SNAPSHOT#<YYYY-MM-DD>  |

Figures: certifications by standing (R20-R22), invoices by due month (paid,
open, void) and money collected by month paid (R6, R7), audit cases by state
and the days members took to submit (R27). The staff route reads the last
snapshots (one Query) and the renewal runs' own reports
(`runs/<runId>/report.json` in the mail bucket, written by each run: notices
by step and channel, failures, undeliverable).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key

from staycertified.store import keys
from staycertified.store.table import query_all

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.policy import Policy

DASHBOARD_PK = "DASHBOARD"
SNAPSHOT_PREFIX = "SNAPSHOT#"
RUNS_PREFIX = "runs/"


def _member_ids(table: Table) -> list[str]:
    """Every member holding a certification, through the anniversary-month index."""
    found: set[str] = set()
    for month in range(1, 13):
        for item in query_all(
            table,
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.anniversary_gsi1pk(month)),
            ProjectionExpression="member_id",
        ):
            if item.get("member_id"):
                found.add(str(item["member_id"]))
    return sorted(found)


def compute_snapshot(table: Table, today: date, policy: Policy) -> dict[str, Any]:
    from staycertified.standing import certification_standing
    from staycertified.store.members import load_member

    standing: Counter[str] = Counter()
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    invoices: dict[str, Counter[str]] = defaultdict(Counter)
    collected: dict[str, Decimal] = defaultdict(Decimal)
    audits: Counter[str] = Counter()
    days_to_submit: list[int] = []
    for member_id in _member_ids(table):
        record = load_member(table, member_id)
        if record is None:
            continue
        for cert in record.certifications:
            status = certification_standing(cert, today, policy).decision.status.value
            standing[status] += 1
            by_type[cert.certification.type][status] += 1
            for invoice in cert.invoices:
                invoices[invoice.due_date.isoformat()[:7]][invoice.status.value] += 1
                if invoice.paid_at is not None:
                    collected[invoice.paid_at.isoformat()[:7]] += invoice.amount
            for case in cert.audit_cases:
                audits[case.status.value] += 1
                if case.submitted_on is not None:
                    days_to_submit.append((case.submitted_on - case.opened_on).days)
    return {
        "asOf": today.isoformat(),
        "standing": dict(sorted(standing.items())),
        "standingByType": {t: dict(sorted(c.items())) for t, c in sorted(by_type.items())},
        "invoicesByDueMonth": {m: dict(sorted(c.items())) for m, c in sorted(invoices.items())},
        "collectedByMonth": {m: f"{v:.2f}" for m, v in sorted(collected.items())},
        "auditCases": dict(sorted(audits.items())),
        "auditDaysToSubmit": sorted(days_to_submit),
    }


def store_snapshot(table: Table, figures: dict[str, Any]) -> None:
    """One item per snapshot date; taking it again the same day replaces it."""
    table.put_item(
        Item={
            "PK": DASHBOARD_PK,
            "SK": SNAPSHOT_PREFIX + str(figures["asOf"]),
            "entity": "DashboardSnapshot",
            "figures": json.dumps(figures),
        }
    )


def snapshots(table: Table, *, limit: int = 24) -> list[dict[str, Any]]:
    """The last `limit` snapshots, oldest first (one Query)."""
    page = table.query(
        KeyConditionExpression=Key("PK").eq(DASHBOARD_PK) & Key("SK").begins_with(SNAPSHOT_PREFIX),
        ScanIndexForward=False,
        Limit=limit,
    )
    return [json.loads(str(item["figures"])) for item in reversed(page.get("Items", []))]


def renewal_runs(s3: Any, bucket: str, *, limit: int = 24) -> list[dict[str, Any]]:
    """The last `limit` renewal runs' reports, as each run wrote it, oldest first."""
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=RUNS_PREFIX, Delimiter="/")
    runs = sorted(p["Prefix"] for p in listed.get("CommonPrefixes", []))[-limit:]
    reports = []
    for prefix in runs:
        try:
            body = s3.get_object(Bucket=bucket, Key=f"{prefix}report.json")["Body"].read()
        except s3.exceptions.NoSuchKey:
            continue  # a run still going, or one that failed before its summary
        report = json.loads(body)
        reports.append(
            {
                "runId": report.get("runId"),
                "runMonth": report.get("runMonth"),
                "invoicesCreated": report.get("invoicesCreated", 0),
                "byStepChannel": report.get("byStepChannel", []),
                "outcomes": report.get("outcomes", {}),
                "failures": report.get("failures", {}),
                "failedBatches": len((report.get("batches") or {}).get("failed") or []),
            }
        )
    return reports

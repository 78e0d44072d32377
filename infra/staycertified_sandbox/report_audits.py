"""Demo report section of the annual audit (R25, R26): the year's draw and notices,
from `audits/<year>/report.json` in the mail bucket, and the cases still open.
Registered by importing this module from `demo`. Counts only: no personal data.
"""

from __future__ import annotations

import json
from typing import Any

from .demo import DemoContext, report_section


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

"""Audit deadlines as data (R26, R27): the daily sweep's audit step.

The open cases are found on GSI1 (AUDITSTATUS#OPEN, AUDITSTATUS#SUBMITTED: a few
percent of the pool a year, never a Scan). For each, on the sweep's day:

- the day after its deadline (`respondBy`, or the extended date) a case that has
  not passed FAILS (`audits.review.fail_if_due`) and its execution is resumed
  (it applies the outcome); a submitted case still waiting for staff does not;
- from its reminder day to its deadline, while nothing has been submitted, the
  reminder goes by email and mail, once per channel (the notice ledger), so a
  missed day catches up and a second run sends nothing twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from staycertified.audits import outcome_notices, review
from staycertified.audits.case import load_case
from staycertified.domain.audit_review import reminder_due_on
from staycertified.objects import put_json
from staycertified.store.audit_cases import cases_by_status


class AuditDeadlinesReport(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    open_cases: int = 0
    failed: int = 0
    reminders_sent: int = 0


def run_audit_deadlines(
    table: Any, today: date, policy: Any, *, send_email: Any, post_letter: Any
) -> AuditDeadlinesReport:
    report = AuditDeadlinesReport()
    ports = outcome_notices.Ports(
        table=table,
        send_email=send_email,
        post_letter=post_letter,
        policy=policy,
        today=today,
        run_id=f"lifecycle-{today.isoformat()}",
    )
    for status in ("OPEN", "SUBMITTED"):
        cases, _ = cases_by_status(table, status)
        for case in cases:
            if case.member_id is None:
                continue
            report.open_cases += 1
            if review.fail_if_due(table, case.member_id, case.case_id, today) == "FAILED":
                report.failed += 1
                continue
            if not reminder_due_on(case, today):
                continue
            loaded = load_case(table, case.member_id, case.case_id)
            if loaded is None or not reminder_due_on(loaded.case, today):
                continue
            sent = outcome_notices.send_reminder(loaded, ports)
            report.reminders_sent += sum(1 for outcome in sent.values() if outcome == "SENT")
    return report


def review_report(table: Any, audit_year: int) -> dict[str, Any]:
    """The audit review of the year (R27): cases by state, responses (before the reminder,
    late: after it, none), extensions, pass rate of the decided. Counts only."""
    cases = []
    for status in ("OPEN", "SUBMITTED", "PASSED", "FAILED"):
        found, _ = cases_by_status(table, status)
        cases += [c for c in found if c.audit_year == audit_year]
    by_state = {
        s: sum(1 for c in cases if c.status.value == s)
        for s in ("OPEN", "SUBMITTED", "PASSED", "FAILED")
    }
    answered = [c for c in cases if c.submitted_on is not None or c.submissions]
    late = [c for c in answered if c.submitted_on is not None and c.submitted_on > c.reminder_on]
    decided = by_state["PASSED"] + by_state["FAILED"]
    return {
        "auditYear": audit_year,
        "cases": len(cases),
        "byState": by_state,
        "responses": {
            "beforeReminder": len(answered) - len(late),
            "late": len(late),
            "none": len(cases) - len(answered),
        },
        "extensions": sum(1 for c in cases if c.extended_to is not None),
        "failedWithoutResponse": sum(
            1 for c in cases if c.status.value == "FAILED" and not c.submissions
        ),
        "passRate": round(by_state["PASSED"] / decided, 4) if decided else None,
        "rules": ["R26", "R27"],
    }


def write_review_report(table: Any, s3: Any, bucket: str, audit_year: int) -> dict[str, Any]:
    """`audits/<year>/review.json` in the mail bucket (the run report of the review)."""
    report = review_report(table, audit_year)
    if report["cases"]:
        put_json(s3, bucket, f"audits/{audit_year:04d}/review.json", report)
    return report

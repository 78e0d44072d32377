"""The audit run's payloads are bounded by design and a failed notice fails the run
visibly (issue 8 item 6, STYLE 14, R25, R26, R5).

Every certification of the pool is drawn (the policy's audit rate set to 1 for the
draw: 14 cases), and the notice step of one case crashes every time (a fault no
retry cures). Measured from the real handlers and the real state machine in the
sandbox (moto's Step Functions, which enforces the 256 KiB quota):

- no state of the execution (every input and output in its history) and no Lambda
  payload holds more than one case: only the items the Map reads and each
  iteration's own input name a case, so the largest payload does not grow with the
  draw (on the ASL of ab360fd the Map's result held every case's outcomes inline:
  about 150 bytes a case, 256 KiB at about 1,700 cases);
- the largest payload stays a few KiB;
- the execution FAILS (`AuditNoticesFailed`), the year's report counts and names
  the failed item, the others' notices are counted and in the manifest; a rerun
  of the year, the fault gone, sends only the missing notices (the ledger, R5).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from staycertified.policy.loader import BUNDLED_POLICY
from staycertified_sandbox import Sandbox

from .renewal_support import invoke
from .scenario_support import crashing, row

POOL = [f"AP{i:03d}" for i in range(14)]  # certified 2022-06-10 -> rolled over 2025-06-10
FAILING = "AP007"
AUDIT_FUNCTIONS = ("AuditDrawFunction", "AuditNotifyFunction", "AuditSummaryFunction")
BOUND = 8 * 1024  # a few KiB, whatever the draw's size (Step Functions' quota: 256 KiB)


class NoticeKilled(Exception):
    """Stands for a fault the notice step does not survive (its process killed every time)."""


@dataclass
class FailedYear:
    sb: Sandbox
    selected: list[dict[str, Any]]
    report: dict[str, Any]
    emails: Counter[str]


def mail_json(sb: Sandbox, key: str) -> Any:
    s3 = sb.client("s3")
    return json.loads(s3.get_object(Bucket=sb.env("MAIL_BUCKET"), Key=key)["Body"].read())


def audit_emails(sb: Sandbox) -> Counter[str]:
    return Counter(e.to[0] for e in sb.emails if e.kind == "AUDIT_NOTICE")


def execution(sb: Sandbox, name: str) -> Any:
    [found] = [e for e in sb.executions() if e.name == name]
    return found


def every_rate_one_policy(folder: Path) -> Path:
    policy = json.loads(BUNDLED_POLICY.read_text(encoding="utf-8"))
    policy["audit"]["rate"] = [{"effective_from": "1900-01-01", "value": "1"}]
    path = folder / "policy.json"
    path.write_text(json.dumps(policy), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def failed_year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FailedYear]:
    policy = every_rate_one_policy(tmp_path_factory.mktemp("policy"))
    with Sandbox(start=date(2026, 1, 1), parameters={"LogLevel": "ERROR"}) as sb:
        sb.functions["AuditDrawFunction"].environment["POLICY_PATH"] = str(policy)
        assert not sb.load_members([row(member_id, "2022-06-10") for member_id in POOL]).errors
        killed = NoticeKilled(f"the notice step of {FAILING} killed")
        with crashing("AuditNotifyFunction", lambda e: e.get("memberId") == FAILING, killed):
            sb.advance_to(date(2026, 1, 3))  # the annual schedule fires on 2026-01-02
        selected = mail_json(sb, "audits/2026/selected.json")
        yield FailedYear(sb, selected, mail_json(sb, "audits/2026/report.json"), audit_emails(sb))


def state_payloads(sb: Sandbox, execution_arn: str) -> list[tuple[str, str]]:
    """(where, JSON text) of every state input and output in the execution's history."""
    client = sb.client("stepfunctions")
    found = []
    pages = client.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    for event in (e for page in pages for e in page["events"]):
        for details in (v for v in event.values() if isinstance(v, dict)):
            for field in ("input", "output"):
                if isinstance(details.get(field), str):
                    found.append((f"{event['type']} {field}", details[field]))
    return found


def lambda_payloads(sb: Sandbox) -> list[tuple[str, str]]:
    """(where, JSON text) of every event and result of the audit run's functions."""
    found = []
    for call in sb.invocations:
        if call.function in AUDIT_FUNCTIONS:
            found.append((f"{call.function} event", json.dumps(call.event)))
            if call.result is not None:
                found.append((f"{call.function} result", json.dumps(call.result)))
    return found


def test_no_state_payload_holds_more_than_one_case(failed_year: FailedYear) -> None:
    sb = failed_year.sb
    assert len(failed_year.selected) == len(POOL)  # every certification of the pool drawn
    case_ids = [item["caseId"] for item in failed_year.selected]
    payloads = state_payloads(sb, execution(sb, "audit-2026").arn) + lambda_payloads(sb)
    assert len(payloads) > 10
    holding_many = [
        (where, n)
        for where, text in payloads
        if (n := sum(case_id in text for case_id in case_ids)) > 1
    ]
    assert holding_many == [], "a payload growing with the draw"


def test_the_largest_state_payload_stays_a_few_kib(failed_year: FailedYear) -> None:
    sb = failed_year.sb
    payloads = state_payloads(sb, execution(sb, "audit-2026").arn) + lambda_payloads(sb)
    where, largest = max(((w, len(t.encode())) for w, t in payloads), key=lambda p: p[1])
    assert largest < BOUND, f"{where}: {largest} bytes"


def test_r26_a_notice_failing_after_its_retries_fails_the_execution(
    failed_year: FailedYear,
) -> None:
    run = execution(failed_year.sb, "audit-2026")
    assert run.status == "FAILED"
    assert run.error == "AuditNoticesFailed"


def test_r26_the_report_counts_the_failed_case_and_the_notices_sent(
    failed_year: FailedYear,
) -> None:
    sb, report = failed_year.sb, failed_year.report
    number = 1 + [item["memberId"] for item in failed_year.selected].index(FAILING)
    assert report["failedItems"] == 1
    assert report["failed"] == [{"item": number, "error": "NO_PART_WRITTEN"}]
    sent = len(POOL) - 1
    assert {(n["channel"], n["outcome"]): n["count"] for n in report["notices"]} == {
        ("EMAIL", "SENT"): sent,
        ("MAIL", "SENT"): sent,
    }
    manifest = sb.client("s3").get_object(Bucket=sb.env("MAIL_BUCKET"), Key=report["manifestKey"])
    rows = list(csv.DictReader(io.StringIO(manifest["Body"].read().decode())))
    assert len(rows) == report["letters"] == sent
    assert f"{FAILING.lower()}.zq@members.example.org" not in failed_year.emails
    assert sum(failed_year.emails.values()) == sent


def test_r5_the_rerun_sends_only_the_missing_notices(failed_year: FailedYear) -> None:
    sb = failed_year.sb
    rerun = {"workflow": "audit", "runMonth": "2026-01", "rerun": "fixed"}
    assert invoke(sb, "StartRunFunction", rerun)["status"] == "STARTED"
    sb.wait_for_executions()
    run = execution(sb, "audit-2026-fixed")
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    report = mail_json(sb, "audits/2026/report.json")
    assert report["runId"] == "audit-2026-fixed" and report["failedItems"] == 0
    assert {(n["channel"], n["outcome"]): n["count"] for n in report["notices"]} == {
        ("EMAIL", "SENT"): 1,
        ("EMAIL", "ALREADY_SENT"): len(POOL) - 1,
        ("MAIL", "SENT"): 1,
        ("MAIL", "ALREADY_SENT"): len(POOL) - 1,
    }
    emails = audit_emails(sb)
    assert emails == Counter({f"{m.lower()}.zq@members.example.org": 1 for m in POOL})

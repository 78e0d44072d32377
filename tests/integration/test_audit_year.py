"""The annual audit through the whole system (R25, R26, R37): the January schedule starts
`audit-2026`, the draw is stored once, the selected members get one audit email and one
letter each, a second start of the year reuses the draw and sends nothing twice, and the
member's status shows the open case."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

from .renewal_support import invoke
from .scenario_support import row

POOL = [f"AU{i:03d}" for i in range(40)]  # certified 2022-06-10 -> rolled over 2025-06-10
OUTSIDE = ["AV001", "AW001"]  # voluntary (R8); rolled over in 2024


@dataclass
class AuditYear:
    sb: Sandbox
    first_selected: list[dict[str, Any]]
    emails_after_first: Counter[str]
    letters_after_first: list[str]
    rerun: dict[str, Any]
    again: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)


def audit_emails(sb: Sandbox) -> Counter[str]:
    return Counter(e.to[0] for e in sb.emails if e.kind == "AUDIT_NOTICE")


def audit_letters(sb: Sandbox) -> list[str]:
    return sorted(letter.key for letter in sb.letters if letter.kind == "AUDIT_NOTICE")


def mail_json(sb: Sandbox, key: str) -> Any:
    s3 = sb.client("s3")
    return json.loads(s3.get_object(Bucket=sb.env("MAIL_BUCKET"), Key=key)["Body"].read())


@pytest.fixture(scope="module")
def year() -> Iterator[AuditYear]:
    rows = [row(member_id, "2022-06-10") for member_id in POOL]
    rows += [row("AV001", "1998-06-10"), row("AW001", "2021-03-01")]
    with Sandbox(start=date(2026, 1, 1), parameters={"LogLevel": "ERROR"}) as sb:
        report = sb.load_members(rows)
        assert report.errors == []
        sb.advance_to(date(2026, 1, 3))  # the annual schedule fires on 2026-01-02
        first = mail_json(sb, "audits/2026/selected.json")
        emails, letters = audit_emails(sb), audit_letters(sb)
        rerun = invoke(
            sb, "StartRunFunction", {"workflow": "audit", "runMonth": "2026-01", "rerun": "again"}
        )
        sb.wait_for_executions()
        again = invoke(sb, "StartRunFunction", {"workflow": "audit", "runMonth": "2026-01"})
        yield AuditYear(sb, first, emails, letters, rerun, again)


def execution(sb: Sandbox, name: str) -> Any:
    [found] = [e for e in sb.executions() if e.name == name]
    return found


def test_r25_the_january_schedule_runs_the_audit_and_stores_the_draw(year: AuditYear) -> None:
    sb = year.sb
    run = execution(sb, "audit-2026")
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    draw = mail_json(sb, "audits/2026/draw.json")
    assert draw["pool"] == sorted(f"RMA-{m}" for m in POOL)  # R8 and last year's rollovers
    assert len(draw["selected"]) == 2  # 5 % of 40
    item = sb.table.get_item(Key={"PK": "AUDIT#2026", "SK": "DRAW"})["Item"]
    assert item["seed"] == draw["seed"] and int(item["selected_count"]) == 2
    output = run.output if isinstance(run.output, dict) else json.loads(run.output)
    assert (output["runId"], output["casesOpened"]) == ("audit-2026", 2)
    assert sb.failures == []


def test_r26_each_selected_member_gets_one_audit_email_and_one_letter(year: AuditYear) -> None:
    selected = {item["memberId"] for item in year.first_selected}
    assert len(selected) == 2
    expected = {f"{m.lower()}.zq@members.example.org" for m in selected}
    assert year.emails_after_first == Counter({address: 1 for address in expected})
    assert year.letters_after_first == sorted(f"letters/audit/2026/RMA-{m}.pdf" for m in selected)


def test_r25_starting_the_year_again_selects_the_same_and_sends_nothing_twice(
    year: AuditYear,
) -> None:
    sb = year.sb
    assert year.rerun["status"] == "STARTED"
    run = execution(sb, "audit-2026-again")
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    output = run.output if isinstance(run.output, dict) else json.loads(run.output)
    assert output["casesOpened"] == 0
    again = mail_json(sb, "audits/2026/selected.json")
    assert [(i["memberId"], i["caseId"]) for i in again] == [
        (i["memberId"], i["caseId"]) for i in year.first_selected
    ]
    assert audit_emails(sb) == year.emails_after_first
    assert audit_letters(sb) == year.letters_after_first
    report = mail_json(sb, "audits/2026/report.json")  # the year's latest run
    assert (report["runId"], report["drawReused"]) == ("audit-2026-again", True)


def test_r25_the_years_execution_name_refuses_a_second_start(year: AuditYear) -> None:
    assert year.again["status"] == "ALREADY_STARTED"


def test_r37_status_shows_the_open_audit_case(year: AuditYear) -> None:
    [case] = year.first_selected[:1]
    member_id = case["memberId"]
    status, body = year.sb.api("GET", f"/members/{member_id}/status", as_member=member_id)
    assert status == 200, body
    [cert] = body["certifications"]
    audit = cert["audit"]
    assert {k: audit[k] for k in ("caseId", "auditYear", "cycleStart", "cycleEnd", "status")} == {
        "caseId": case["caseId"],
        "auditYear": 2026,
        "cycleStart": "2022-06-10",
        "cycleEnd": "2025-06-09",
        "status": "OPEN",
    }
    assert audit["respondBy"] == case["respondBy"]
    assert audit["href"] == f"/members/{member_id}/audits/{case['caseId']}"  # R27: the link
    assert "upload proof for 1 item(s)" in audit["nextAction"]
    assert "UPLOAD_AUDIT_DOCUMENTS" in [a["action"] for a in cert["nextActions"]]


def test_r15_the_selected_member_may_upload_to_the_case(year: AuditYear) -> None:
    case = year.first_selected[0]
    key = f"uploads/{case['memberId']}/{case['caseId']}/proof.pdf"
    year.sb.put_document(key, b"%PDF-1.4 proof", "application/pdf")
    assert year.sb.failures == []

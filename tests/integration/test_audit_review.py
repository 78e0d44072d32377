"""The audit review through the public surface (R15, R22.3, R26, R27): `sb.api`,
`sb.upload`, `sb.advance_to`, `sb.executions()`.

A pool of 100 (5 % drawn: five cases, opened 2026-01-02, respond by 2026-03-03,
reminder 2026-02-17), each case playing one part:
PASS uploads and passes; REUPLOAD is rejected and re-uploads; SILENT never answers
and fails on 2026-03-04; EXTENDED is extended by 10 days and fails on 2026-03-14;
EARLY submits before its reminder day (and gets no reminder)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

from .scenario_support import row

POOL = [f"AR{i:03d}" for i in range(100)]  # certified 2022-06-10 -> rolled over 2025-06-10
PDF = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 50 + b"%%EOF\n"
ROLES = ("PASS", "REUPLOAD", "SILENT", "EXTENDED", "EARLY")


@dataclass
class Year:
    sb: Sandbox
    cases: dict[str, dict[str, Any]]  # role -> selected item
    facts: dict[str, Any] = field(default_factory=dict)


def member(year: Year, role: str) -> str:
    return str(year.cases[role]["memberId"])


def case_id(year: Year, role: str) -> str:
    return str(year.cases[role]["caseId"])


def get_case(sb: Sandbox, member_id: str, case: str) -> dict[str, Any]:
    status, body = sb.api("GET", f"/members/{member_id}/audits/{case}", as_member=member_id)
    assert status == 200, body
    return body


def upload_each_item(sb: Sandbox, member_id: str, case: str) -> list[str]:
    documents = []
    for item in get_case(sb, member_id, case)["items"]:
        if item["verification"] not in ("NEEDS_PROOF", "REJECTED"):
            continue
        status, grant = sb.api(
            "POST",
            f"/members/{member_id}/uploads",
            {
                "purpose": "AUDIT",
                "caseId": case,
                "itemId": item["itemId"],
                "kind": "TRANSCRIPT",
                "fileName": "transcript.pdf",
                "contentType": "application/pdf",
                "size": len(PDF),
            },
            as_member=member_id,
        )
        assert status == 201, grant
        sb.upload(grant, PDF)
        documents.append(grant["documentId"])
    return documents


def submit(sb: Sandbox, member_id: str, case: str) -> tuple[int, Any]:
    return sb.api("POST", f"/members/{member_id}/audits/{case}/submit", as_member=member_id)


def decide(sb: Sandbox, case: str, item: str, decision: str, **extra: Any) -> tuple[int, Any]:
    return sb.api(
        "POST",
        f"/staff/audits/{case}/items/{item}/decision",
        {"decision": decision, **extra},
        as_staff="reviewer.rita",
    )


def kinds_to(sb: Sandbox, member_id: str) -> list[str]:
    address = f"{member_id.lower()}.zq@members.example.org"
    return [e.kind or "" for e in sb.emails if address in e.to]


def letters_of(sb: Sandbox, certificate: str) -> list[str]:
    return sorted(letter.key for letter in sb.letters if certificate in letter.key)


@pytest.fixture(scope="module")
def year() -> Iterator[Year]:
    with Sandbox(start=date(2026, 1, 1), parameters={"LogLevel": "ERROR"}) as sb:
        assert sb.load_members([row(m, "2022-06-10") for m in POOL]).errors == []
        sb.advance_to(date(2026, 1, 3))  # the draw (R25) opens five cases
        s3 = sb.client("s3")
        selected = json.loads(
            s3.get_object(Bucket=sb.env("MAIL_BUCKET"), Key="audits/2026/selected.json")[
                "Body"
            ].read()
        )
        assert len(selected) == 5
        y = Year(sb, dict(zip(ROLES, selected, strict=True)))
        f = y.facts

        # PASS: upload for each item, submit, staff verify.
        m, c = member(y, "PASS"), case_id(y, "PASS")
        f["pass_missing"] = submit(sb, m, c)
        upload_each_item(sb, m, c)
        f["pass_submitted"] = submit(sb, m, c)
        f["member_decides"] = sb.api(
            "POST",
            f"/staff/audits/{c}/items/PRIOR-RECORDS/decision",
            {"decision": "VERIFIED"},
            as_member=m,
        )
        f["pass_decided"] = decide(sb, c, "PRIOR-RECORDS", "VERIFIED")
        f["pass_closed_grant"] = sb.api(
            "POST",
            f"/members/{m}/uploads",
            {
                "purpose": "AUDIT",
                "caseId": c,
                "itemId": "PRIOR-RECORDS",
                "kind": "PROOF",
                "fileName": "late.pdf",
                "contentType": "application/pdf",
                "size": 100,
            },
            as_member=m,
        )

        # REUPLOAD: rejected, uploads again, passes.
        m, c = member(y, "REUPLOAD"), case_id(y, "REUPLOAD")
        f["re_first_docs"] = upload_each_item(sb, m, c)
        submit(sb, m, c)
        f["re_rejected"] = decide(
            sb, c, "PRIOR-RECORDS", "REJECTED", reason="the transcript is illegible"
        )
        f["re_second_docs"] = upload_each_item(sb, m, c)
        f["re_resubmitted"] = submit(sb, m, c)
        f["re_decided"] = decide(sb, c, "PRIOR-RECORDS", "VERIFIED", points=30)
        f["re_documents"] = sb.api(
            "GET", f"/members/{m}/documents", query={"caseId": c}, as_member=m
        )

        # EARLY: submits before the reminder day; staff have not decided yet.
        m, c = member(y, "EARLY"), case_id(y, "EARLY")
        upload_each_item(sb, m, c)
        f["early_submitted"] = submit(sb, m, c)

        # EXTENDED: staff extend by 10 days (once).
        c = case_id(y, "EXTENDED")
        f["extended"] = sb.api(
            "POST",
            f"/staff/audits/{c}/extension",
            {"days": 10, "reason": "member in hospital"},
            as_staff="reviewer.rita",
        )
        f["extended_again"] = sb.api(
            "POST",
            f"/staff/audits/{c}/extension",
            {"days": 5, "reason": "again"},
            as_staff="reviewer.rita",
        )
        f["queue"] = sb.api("GET", "/staff/audits", query={"status": "SUBMITTED"}, as_staff=True)

        sb.advance_to(date(2026, 2, 16))
        f["emails_before_reminder"] = {r: kinds_to(sb, member(y, r)) for r in ROLES}
        sb.advance_to(date(2026, 2, 17))
        f["emails_after_reminder"] = {r: kinds_to(sb, member(y, r)) for r in ROLES}
        f["letters_after_reminder"] = {
            r: letters_of(sb, y.cases[r]["certificateNumber"]) for r in ROLES
        }
        sb.advance_to(datetime(2026, 3, 4, 1, 0))  # past SILENT's deadline, before the sweep
        m, c = member(y, "SILENT"), case_id(y, "SILENT")
        f["silent_late_grant"] = sb.api(
            "POST",
            f"/members/{m}/uploads",
            {
                "purpose": "AUDIT",
                "caseId": c,
                "itemId": "PRIOR-RECORDS",
                "kind": "PROOF",
                "fileName": "late.pdf",
                "contentType": "application/pdf",
                "size": 100,
            },
            as_member=m,
        )
        sb.advance_to(date(2026, 3, 4))
        f["silent_case"] = get_case(sb, m, c)
        f["silent_status"] = sb.api("GET", f"/members/{m}/status", as_member=m)
        f["extended_on_mar4"] = get_case(sb, member(y, "EXTENDED"), case_id(y, "EXTENDED"))
        sb.advance_to(date(2026, 3, 14))
        f["extended_on_mar14"] = get_case(sb, member(y, "EXTENDED"), case_id(y, "EXTENDED"))
        f["early_on_mar14"] = get_case(sb, member(y, "EARLY"), case_id(y, "EARLY"))
        yield y


def test_r27_submit_is_refused_while_an_item_needs_proof(year: Year) -> None:
    status, body = year.facts["pass_missing"]
    assert (status, body["code"]) == (422, "AUDIT_PROOF_MISSING")
    assert "PRIOR-RECORDS" in body["message"]


def test_r27_uploaded_for_each_item_submitted_verified_the_case_passes(year: Year) -> None:
    status, body = year.facts["pass_submitted"]
    assert (status, body["status"]) == (200, "SUBMITTED")
    assert [i["verification"] for i in body["items"]] == ["PROOF_RECEIVED"]
    status, body = year.facts["pass_decided"]
    assert (status, body["status"], body["pointsVerified"]) == (200, "PASSED", 30.0)
    assert "AUDIT_PASSED" in kinds_to(year.sb, member(year, "PASS"))


def test_r27_only_staff_decide(year: Year) -> None:
    assert year.facts["member_decides"][0] == 403


def test_r15_a_closed_case_refuses_the_grant(year: Year) -> None:
    status, body = year.facts["pass_closed_grant"]
    assert (status, body["code"]) == (422, "DOCUMENT_UPLOAD_NOT_ALLOWED")


def test_r27_a_rejected_item_reuploaded_before_the_deadline_passes(year: Year) -> None:
    f = year.facts
    status, body = f["re_rejected"]
    assert (status, body["status"]) == (200, "OPEN")
    [item] = body["items"]
    assert (item["verification"], item["reason"]) == ("REJECTED", "the transcript is illegible")
    assert f["re_resubmitted"][1]["status"] == "SUBMITTED"
    assert f["re_decided"][1]["status"] == "PASSED"
    docs = {d["documentId"]: d for d in f["re_documents"][1]["documents"]}
    [first], [second] = f["re_first_docs"], f["re_second_docs"]
    assert (docs[first]["status"], docs[second]["status"]) == ("REJECTED", "ACCEPTED")


def test_r27_staff_decisions_record_who_and_when(year: Year) -> None:
    sb = year.sb
    c = case_id(year, "PASS")
    [doc] = get_case(sb, member(year, "PASS"), c)["items"][0]["documents"]
    status, body = sb.api("GET", f"/staff/documents/{doc}", as_staff=True)
    assert status == 200, body
    assert body["decidedBy"] == "reviewer.rita" and body["decidedAt"].startswith(
        "2026-01-04T05:59"
    )  # UTC, the end of 2026-01-03 in Chicago
    assert body["downloadUrl"]
    item = sb.table.get_item(Key={"PK": f"MEMBER#{member(year, 'PASS')}", "SK": f"AUDIT#{c}"})[
        "Item"
    ]
    decision = item["decisions"]["PRIOR-RECORDS"]
    assert decision["decided_by"] == "reviewer.rita" and decision["decided_at"]


def test_r27_staff_queue_lists_submitted_cases_oldest_first(year: Year) -> None:
    status, body = year.facts["queue"]
    assert status == 200, body
    assert [c["caseId"] for c in body["cases"]] == [case_id(year, "EARLY")]


def test_r26_reminder_14_days_before_by_email_and_mail_only_while_nothing_submitted(
    year: Year,
) -> None:
    before, after = year.facts["emails_before_reminder"], year.facts["emails_after_reminder"]
    for role in ROLES:
        assert "AUDIT_REMINDER" not in before[role]
    for role in ("SILENT", "EXTENDED"):
        assert after[role].count("AUDIT_REMINDER") == 1
        assert any("audit_reminder" in key for key in year.facts["letters_after_reminder"][role])
    for role in ("PASS", "REUPLOAD", "EARLY"):
        assert "AUDIT_REMINDER" not in after[role]


def test_r15_a_case_past_its_deadline_refuses_the_grant(year: Year) -> None:
    status, body = year.facts["silent_late_grant"]
    assert (status, body["code"]) == (422, "DOCUMENT_DEADLINE_PASSED")


def test_r27_r22_no_response_fails_the_day_after_respond_by(year: Year) -> None:
    f = year.facts
    assert f["silent_case"]["status"] == "FAILED"
    assert f["silent_case"]["decidedOn"] == "2026-03-04"
    status, body = f["silent_status"]
    assert status == 200, body
    [cert] = body["certifications"]
    assert cert["status"] == "RECERTIFICATION_REQUIRED"
    assert ("R22", "AUDIT_FAILED") in {(r["rule"], r["code"]) for r in cert["reasons"]}
    kinds = kinds_to(year.sb, member(year, "SILENT"))
    assert "AUDIT_FAILED" in kinds
    certificate = year.cases["SILENT"]["certificateNumber"]
    assert any("audit_failed" in key for key in letters_of(year.sb, certificate))


def test_r27_an_extension_moves_the_failure_and_is_given_once(year: Year) -> None:
    f = year.facts
    status, body = f["extended"]
    assert (status, body["respondBy"], body["extendedTo"]) == (200, "2026-03-13", "2026-03-13")
    assert f["extended_again"][1]["code"] == "AUDIT_EXTENSION_USED"
    assert f["extended_on_mar4"]["status"] == "OPEN"
    assert f["extended_on_mar14"]["status"] == "FAILED"


def test_r27_a_submitted_case_awaiting_review_does_not_fail_at_the_deadline(year: Year) -> None:
    assert year.facts["early_on_mar14"]["status"] == "SUBMITTED"


def test_r27_each_case_is_an_execution_named_by_its_case_id(year: Year) -> None:
    runs = {e.name: e for e in year.sb.executions()}
    for role, outcome in (
        ("PASS", "PASSED"),
        ("REUPLOAD", "PASSED"),
        ("SILENT", "FAILED"),
        ("EXTENDED", "FAILED"),
    ):
        run = runs[case_id(year, role)]
        assert run.status == "SUCCEEDED", (run.error, run.cause)
        assert run.output["outcome"] == outcome
    assert runs[case_id(year, "EARLY")].status == "RUNNING"  # waiting for staff
    assert year.sb.failures == []

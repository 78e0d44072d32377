"""GET /members/{id}/status (R37) with an audit case (R26): the open case, its deadline
and the upload action, still from one Query."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from staycertified.domain.audit import open_case
from staycertified.domain.model import AuditStatus
from staycertified.policy import load_policy
from staycertified.store.audit_cases import open_audit_case
from staycertified.store.members import load_member

from .support import answer, function_module, http_event, load_rows, member_row

TODAY = date(2026, 1, 20)
api = function_module("api")


def status_of(table: Any, member_id: str) -> dict[str, Any]:
    event = http_event("GET", f"/members/{member_id}/status", member=member_id, today=TODAY)
    code, body = answer(api.handle(event, None, table=table))
    assert code == 200, body
    [cert] = body["certifications"]
    return dict(cert)


@pytest.fixture
def audited(table: Any) -> None:
    load_rows(table, [member_row("M1")], TODAY)
    record = load_member(table, "M1")
    assert record is not None
    [cycle, *_] = sorted(record.certifications[0].cycles, key=lambda c: c.start)
    open_audit_case(table, "M1", open_case(2026, cycle, date(2026, 1, 2), load_policy()))


def test_r37_r26_status_shows_the_open_audit_case(table: Any, audited: None) -> None:
    cert = status_of(table, "M1")

    audit = cert["audit"]
    assert audit["caseId"].startswith("AUD-2026-") and audit["auditYear"] == 2026
    assert audit["status"] == "OPEN" and audit["respondBy"] == "2026-03-03"
    assert {"cycleStart", "cycleEnd"} <= set(audit)
    [upload] = [a for a in cert["nextActions"] if a["action"] == "UPLOAD_AUDIT_DOCUMENTS"]
    assert upload["caseId"] == audit["caseId"] and upload["dueBy"] == "2026-03-03"


def test_r37_audit_cases_come_with_the_one_query(
    table: Any, audited: None, dynamodb_calls: Any
) -> None:
    status_of(table, "M1")

    assert dynamodb_calls.calls == ["Query"]


def test_r37_a_decided_case_shows_its_outcome_and_asks_nothing(table: Any, audited: None) -> None:
    record = load_member(table, "M1")
    assert record is not None
    [case] = record.certifications[0].audit_cases
    table.update_item(
        Key={"PK": "MEMBER#M1", "SK": f"AUDIT#{case.case_id}"},
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": AuditStatus.PASSED.value},
    )

    cert = status_of(table, "M1")

    assert (cert["audit"]["status"], cert["audit"]["nextAction"]) == ("PASSED", None)
    assert "UPLOAD_AUDIT_DOCUMENTS" not in [a["action"] for a in cert["nextActions"]]

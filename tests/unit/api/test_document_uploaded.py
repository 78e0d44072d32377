"""DocumentUploadedFunction (R15): attach inside an open audit case or application, else reject."""

from __future__ import annotations

from datetime import date
from typing import Any

from boto3.dynamodb.conditions import Key

from staycertified.domain.model import AuditCase, AuditStatus, RecertificationApplication
from staycertified.store import audit_cases

from .support import function_module, load_rows, member_row

uploaded = function_module("document_uploaded")
TODAY = date(2026, 2, 1)


def s3_event(key: str, version: str = "v1") -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventTime": "2026-02-01T15:00:00Z",
                "s3": {
                    "bucket": {"name": "docs"},
                    "object": {"key": key, "size": 10, "versionId": version},
                },
            }
        ]
    }


def documents(table: Any, member_id: str) -> list[dict[str, Any]]:
    items = table.query(KeyConditionExpression=Key("PK").eq(f"MEMBER#{member_id}"))["Items"]
    return [i for i in items if i.get("entity") == "Document"]


def open_case(table: Any, status: AuditStatus = AuditStatus.OPEN) -> None:
    case = AuditCase(
        case_id="AUD-2026-1",
        certificate_number="RMA-M1",
        audit_year=2026,
        cycle_start=date(2021, 3, 15),
        cycle_end=date(2024, 3, 14),
        opened_on=date(2026, 1, 2),
        respond_by=date(2026, 3, 3),
        reminder_on=date(2026, 2, 17),
        status=status,
    )
    table.put_item(Item=audit_cases.audit_case_item("M1", case))


def test_upload_into_an_open_audit_case_is_attached(table: Any) -> None:
    load_rows(table, [member_row("M1")], TODAY)
    open_case(table)
    result = uploaded.handle(s3_event("uploads/M1/AUD-2026-1/proof%20one.pdf"), None, table=table)
    assert result == {"ATTACHED": 1}
    [doc] = documents(table, "M1")
    assert doc["status"] == "ATTACHED"
    assert doc["object_key"] == "uploads/M1/AUD-2026-1/proof one.pdf"


def test_upload_into_an_open_application_is_attached(table: Any) -> None:
    load_rows(table, [member_row("M1")], TODAY)
    application = RecertificationApplication(
        application_id="APP-1", certificate_number="RMA-M1", route="CCP", submitted_on=TODAY
    )
    table.put_item(Item=audit_cases.application_item("M1", application))
    assert uploaded.handle(s3_event("uploads/M1/APP-1/form.pdf"), None, table=table) == {
        "ATTACHED": 1
    }


def test_upload_without_an_open_case_is_rejected_r15(table: Any) -> None:
    load_rows(table, [member_row("M1")], TODAY)
    open_case(table, AuditStatus.PASSED)
    assert uploaded.handle(s3_event("uploads/M1/AUD-2026-1/x.pdf"), None, table=table) == {
        "REJECTED": 1
    }
    [doc] = documents(table, "M1")
    assert (doc["status"], doc["code"], doc["rule"]) == (
        "REJECTED",
        "DOCUMENT_UPLOAD_NOT_ALLOWED",
        "R15",
    )


def test_the_same_s3_event_twice_is_recorded_once(table: Any) -> None:
    load_rows(table, [member_row("M1")], TODAY)
    open_case(table)
    event = s3_event("uploads/M1/AUD-2026-1/a.pdf")
    uploaded.handle(event, None, table=table)
    assert uploaded.handle(event, None, table=table) == {"DUPLICATE": 1}
    assert len(documents(table, "M1")) == 1


def test_a_key_outside_the_layout_is_ignored(table: Any) -> None:
    assert uploaded.handle(s3_event("uploads/M1/only-two.pdf"), None, table=table) == {
        "MALFORMED": 1
    }

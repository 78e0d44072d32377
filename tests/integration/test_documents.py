"""Upload grants and the bucket's side (R15) through the public surface: `sb.api`,
`sb.upload`, `sb.advance_to`. One member audited in 2026 (the pool of one)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

from .scenario_support import row

MEMBER = "DU001"
OTHER = "DU002"
CASE = f"AUD-2026-RMA-{MEMBER}"
PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 1), parameters={"LogLevel": "ERROR"}) as sandbox:
        assert (
            sandbox.load_members([row(MEMBER, "2022-06-10"), row(OTHER, "2023-02-01")]).errors == []
        )
        sandbox.advance_to(date(2026, 1, 3))  # the draw: a pool of one, selected (R25)
        yield sandbox


def grant(sb: Sandbox, member: str = MEMBER, **overrides: Any) -> tuple[int, Any]:
    body = {
        "purpose": "AUDIT",
        "caseId": CASE,
        "itemId": "PRIOR-RECORDS",
        "kind": "PROOF",
        "fileName": "transcript.pdf",
        "contentType": "application/pdf",
        "size": len(PDF),
    }
    body.update(overrides)
    return sb.api("POST", f"/members/{member}/uploads", body, as_member=member)


def documents(sb: Sandbox) -> dict[str, dict[str, Any]]:
    status, body = sb.api(
        "GET", f"/members/{MEMBER}/documents", query={"caseId": CASE}, as_member=MEMBER
    )
    assert status == 200, body
    return {d["documentId"]: d for d in body["documents"]}


def in_bucket(sb: Sandbox, document_id: str) -> list[str]:
    listing = sb.client("s3").list_object_versions(
        Bucket=sb.outputs["DocumentsBucketName"], Prefix=f"uploads/{MEMBER}/{CASE}/{document_id}"
    )
    return [v["VersionId"] for v in listing.get("Versions", [])]


def test_r15_grant_is_a_presigned_post_fixing_key_type_and_size(sb: Sandbox) -> None:
    status, body = grant(sb)
    assert status == 201, body
    fields = body["upload"]["fields"]
    assert fields["key"] == f"uploads/{MEMBER}/{CASE}/{body['documentId']}"
    assert "transcript" not in fields["key"]
    assert fields["Content-Type"] == "application/pdf"
    assert body["maxBytes"] == 10 * 1024 * 1024
    assert documents(sb)[body["documentId"]]["status"] == "PENDING_UPLOAD"


def test_r15_a_pdf_posted_to_its_grant_is_received(sb: Sandbox) -> None:
    _, body = grant(sb)
    status, _ = sb.upload(body, PDF)
    assert status in (200, 201, 204)
    doc = documents(sb)[body["documentId"]]
    assert (doc["status"], doc["itemId"], doc["fileName"]) == (
        "RECEIVED",
        "PRIOR-RECORDS",
        "transcript.pdf",
    )
    assert doc["uploadedAt"]
    assert len(in_bucket(sb, body["documentId"])) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<html><body>not a pdf</body></html>", "DOCUMENT_TYPE_NOT_ACCEPTED"),
        (b"%PDF-" + b"0" * (11 * 1024 * 1024), "DOCUMENT_TOO_LARGE"),
        (b"", "DOCUMENT_EMPTY"),
    ],
    ids=["html-named-pdf", "11MB", "empty"],
)
def test_r15_a_wrong_file_is_rejected_and_gone_from_the_bucket(
    sb: Sandbox, data: bytes, code: str
) -> None:
    _, body = grant(sb, fileName="proof.pdf")
    sb.upload(body, data)
    doc = documents(sb)[body["documentId"]]
    assert doc["status"] == "REJECTED"
    assert doc["reason"]
    assert in_bucket(sb, body["documentId"]) == []
    [stored] = [
        i
        for i in sb.table.get_item(
            Key={"PK": f"MEMBER#{MEMBER}", "SK": f"DOC#{CASE}#{body['documentId']}"}
        ).values()
        if isinstance(i, dict) and "code" in i
    ]
    assert stored["code"] == code


def test_r15_an_object_without_a_grant_is_removed_and_not_recorded(sb: Sandbox) -> None:
    before = documents(sb)
    key = f"uploads/{MEMBER}/{CASE}/DOC-NOGRANT"
    sb.put_document(key, PDF)
    sb.put_document(f"uploads/{MEMBER}/{CASE}/my file.pdf", PDF)
    assert documents(sb) == before
    listing = sb.client("s3").list_object_versions(
        Bucket=sb.outputs["DocumentsBucketName"], Prefix=f"uploads/{MEMBER}/{CASE}/"
    )
    keys = {v["Key"] for v in listing.get("Versions", [])}
    assert key not in keys and f"uploads/{MEMBER}/{CASE}/my file.pdf" not in keys


def test_r15_one_object_per_grant_a_second_post_is_removed(sb: Sandbox) -> None:
    _, body = grant(sb)
    sb.upload(body, PDF)
    first = in_bucket(sb, body["documentId"])
    sb.upload(body, PDF + b"again")
    assert in_bucket(sb, body["documentId"]) == first
    assert documents(sb)[body["documentId"]]["status"] == "RECEIVED"


def test_r15_a_replayed_s3_event_attaches_once(sb: Sandbox) -> None:
    _, body = grant(sb)
    sb.upload(body, PDF)
    [first] = [i for i in sb.invocations if i.function == "DocumentUploadedFunction"][-1:]
    again = sb.client("lambda").invoke(
        FunctionName=sb.functions["DocumentUploadedFunction"].name,
        Payload=__import__("json").dumps(first.event).encode(),
    )
    assert b"DUPLICATE" in again["Payload"].read()
    received = [d for d in documents(sb).values() if d["documentId"] == body["documentId"]]
    assert [d["status"] for d in received] == ["RECEIVED"]
    assert len(in_bucket(sb, body["documentId"])) == 1


def test_r15_another_members_case_refuses_the_grant(sb: Sandbox) -> None:
    status, body = grant(sb, member=OTHER)
    assert (status, body["code"]) == (422, "DOCUMENT_UPLOAD_NOT_ALLOWED")
    status, _ = sb.api(
        "POST",
        f"/members/{MEMBER}/uploads",
        {
            "purpose": "AUDIT",
            "caseId": CASE,
            "kind": "PROOF",
            "fileName": "a.pdf",
            "contentType": "application/pdf",
            "size": 10,
        },
        as_member=OTHER,
    )
    assert status == 404


def test_r15_type_and_size_outside_policy_refuse_the_grant(sb: Sandbox) -> None:
    assert grant(sb, contentType="text/html")[1]["code"] == "DOCUMENT_TYPE_NOT_ACCEPTED"
    assert grant(sb, size=11 * 1024 * 1024)[1]["code"] == "DOCUMENT_TOO_LARGE"
    assert grant(sb, itemId="NOPE")[1]["code"] == "DOCUMENT_ITEM_UNKNOWN"

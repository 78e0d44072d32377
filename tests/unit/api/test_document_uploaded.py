"""DocumentUploadedFunction (R15): the bucket's side of an upload, against its grant.

A fake owner store stands in for the audit case / application (documents.owners),
so these tests check the bucket's side alone, for any purpose."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest

from staycertified.documents import owners
from staycertified.documents.grants import GrantRequest, grant_upload
from staycertified.domain.documents import DocumentKind, UploadOwner, UploadPurpose
from staycertified.policy import load_policy
from staycertified.store import documents as store

from .support import function_module

uploaded = function_module("document_uploaded")
BUCKET = "docs"
NOW = datetime(2026, 2, 1, 15, 0, tzinfo=UTC)
TODAY = date(2026, 2, 1)
PDF = b"%PDF-1.7\nproof\n%%EOF"


class FakeOwners:
    def __init__(self) -> None:
        self.open = True
        self.received: list[str] = []

    def upload_owner(self, table: Any, member_id: str, owner_id: str, today: date) -> UploadOwner:
        return UploadOwner(
            purpose=UploadPurpose.RECERTIFICATION,
            owner_id=owner_id,
            open=self.open,
            deadline=date(2026, 3, 1),
            item_ids=frozenset({"A1"}),
        )

    def document_received(self, table: Any, document: store.StoredDocument) -> None:
        self.received.append(document.document_id)


@pytest.fixture
def fake_owner() -> Iterator[FakeOwners]:
    fake = FakeOwners()
    owners.register(UploadPurpose.RECERTIFICATION, fake)
    yield fake
    owners.register(
        UploadPurpose.RECERTIFICATION, owners.OWNER_STORES[UploadPurpose.RECERTIFICATION]
    )


@pytest.fixture
def s3(aws: None) -> Any:
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return client


def granted(table: Any, s3: Any, content_type: str = "application/pdf") -> store.StoredDocument:
    grant = grant_upload(
        GrantRequest(
            purpose=UploadPurpose.RECERTIFICATION,
            owner_id="APP-1",
            item_id="A1",
            kind=DocumentKind.PROOF,
            file_name="C:\\Users\\me\\proof.pdf",
            content_type=content_type,
            size=100,
        ),
        member_id="M1",
        table=table,
        s3=s3,
        bucket=BUCKET,
        now=NOW,
        today=TODAY,
        policy=load_policy(),
    )
    return grant.document


def event(key: str, at: str = "2026-02-01T15:05:00.000Z") -> dict[str, Any]:
    encoded = key.replace(" ", "+")  # as S3 sends it
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventTime": at,
                "eventName": "ObjectCreated:Post",
                "s3": {"bucket": {"name": BUCKET}, "object": {"key": encoded, "size": 1}},
            }
        ]
    }


def put(s3: Any, key: str, data: bytes) -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=data)


def handle(table: Any, s3: Any, key: str, **kwargs: Any) -> dict[str, int]:
    return uploaded.handle(event(key, **kwargs), None, table=table, s3=s3, time_zone="UTC")


def versions(s3: Any, key: str) -> list[str]:
    listing = s3.list_object_versions(Bucket=BUCKET, Prefix=key)
    return [v["VersionId"] for v in listing.get("Versions", []) if v["Key"] == key]


def stored(table: Any, document: store.StoredDocument) -> store.StoredDocument:
    found = store.get_document(table, "M1", "APP-1", document.document_id)
    assert found is not None
    return found


def test_r15_grant_keeps_the_file_name_only_as_display_text(
    table: Any, s3: Any, fake_owner: FakeOwners
) -> None:
    document = granted(table, s3)
    assert document.file_name == "proof.pdf"
    assert document.object_key == f"uploads/M1/APP-1/{document.document_id}"


def test_r15_a_pdf_for_its_grant_is_received_and_its_owner_told(
    table: Any, s3: Any, fake_owner: FakeOwners
) -> None:
    document = granted(table, s3)
    put(s3, document.object_key, PDF)
    assert handle(table, s3, document.object_key) == {"RECEIVED": 1}
    assert stored(table, document).status == "RECEIVED"
    assert fake_owner.received == [document.document_id]


def test_r15_a_replayed_event_changes_nothing(table: Any, s3: Any, fake_owner: FakeOwners) -> None:
    document = granted(table, s3)
    put(s3, document.object_key, PDF)
    handle(table, s3, document.object_key)
    assert handle(table, s3, document.object_key) == {"DUPLICATE": 1}
    assert len(versions(s3, document.object_key)) == 1


def test_r15_a_second_object_for_a_settled_grant_is_removed_the_first_kept(
    table: Any, s3: Any, fake_owner: FakeOwners
) -> None:
    document = granted(table, s3)
    put(s3, document.object_key, PDF)
    handle(table, s3, document.object_key)
    [first] = versions(s3, document.object_key)
    put(s3, document.object_key, PDF + b"other")
    assert handle(table, s3, document.object_key) == {"REMOVED": 1}
    assert versions(s3, document.object_key) == [first]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<html>pdf?</html>", "DOCUMENT_TYPE_NOT_ACCEPTED"),
        (b"\x89PNG\r\n\x1a\n....", "DOCUMENT_TYPE_NOT_ACCEPTED"),  # content is PNG, grant PDF
        (b"", "DOCUMENT_EMPTY"),
    ],
)
def test_r15_a_failing_object_is_removed_and_rejected_with_its_reason(
    table: Any, s3: Any, fake_owner: FakeOwners, data: bytes, code: str
) -> None:
    document = granted(table, s3)
    put(s3, document.object_key, data)
    assert handle(table, s3, document.object_key) == {"REJECTED": 1}
    after = stored(table, document)
    assert (after.status, after.code) == ("REJECTED", code)
    assert after.reason
    assert versions(s3, document.object_key) == []
    assert fake_owner.received == []


def test_r15_an_object_after_the_grant_expired_is_rejected(
    table: Any, s3: Any, fake_owner: FakeOwners
) -> None:
    document = granted(table, s3)
    put(s3, document.object_key, PDF)
    assert handle(table, s3, document.object_key, at="2026-02-01T16:00:00.000Z") == {"REJECTED": 1}
    assert stored(table, document).code == "DOCUMENT_GRANT_EXPIRED"


def test_r15_an_object_for_a_closed_owner_is_rejected(
    table: Any, s3: Any, fake_owner: FakeOwners
) -> None:
    document = granted(table, s3)
    fake_owner.open = False
    put(s3, document.object_key, PDF)
    assert handle(table, s3, document.object_key) == {"REJECTED": 1}
    assert stored(table, document).code == "DOCUMENT_UPLOAD_NOT_ALLOWED"


@pytest.mark.parametrize(
    "key", ["uploads/M1/APP-1/DOC-UNKNOWN", "uploads/M1/APP-1/my proof.pdf", "uploads/M1/x.pdf"]
)
def test_r15_an_object_without_a_grant_is_removed_and_nothing_written(
    table: Any, s3: Any, key: str
) -> None:
    put(s3, key, PDF)
    assert handle(table, s3, key) == {"REMOVED": 1}
    assert versions(s3, key) == []
    assert table.scan()["Items"] == []

"""The HTTP API through the deployed template (sb.api): who may read what (R37, R38),
one DynamoDB Query per status request, events from outside (R13, R15)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from staycertified import aws
from staycertified_sandbox import Sandbox

from .scenario_support import education, row


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 5)) as sandbox:
        report = sandbox.load_members(
            [
                row("ALICE", "2024-03-15", cycle_points=5),
                row("BOB", "2023-09-01", last_name="Smith"),
            ]
        )
        assert report.errors == []
        yield sandbox


def invoke_api(sb: Sandbox, claims: dict[str, Any] | None, path: str) -> tuple[int, Any]:
    """The ApiFunction invoked directly with hand-made authorizer claims (what a forged or
    malformed token would look like if it ever got past the JWT authorizer)."""
    spec = next(s for s in sb.functions.values() if s.logical_id == "ApiFunction")
    context: dict[str, Any] = {
        "http": {"method": "GET", "path": path},
        "stage": "$default",
        "timeEpoch": int(sb.now.timestamp() * 1000),
    }
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims}}
    event = {
        "version": "2.0",
        "routeKey": "GET /members/{memberId}/status",
        "rawPath": path,
        "headers": {},
        "requestContext": context,
        "isBase64Encoded": False,
    }
    response = sb.client("lambda").invoke(FunctionName=spec.name, Payload=json.dumps(event))
    payload = json.loads(response["Payload"].read())
    return payload["statusCode"], json.loads(payload["body"])


def test_member_reads_own_status(sb: Sandbox) -> None:
    status, body = sb.api("GET", "/members/ALICE/status", as_member="ALICE")
    assert status == 200
    assert body["certifications"][0]["cycle"]["pointsCounted"] == 5


def test_member_reading_another_member_gets_exactly_the_unknown_answer(sb: Sandbox) -> None:
    theirs = sb.api("GET", "/members/BOB/status", as_member="ALICE")
    unknown = sb.api("GET", "/members/NOBODY/status", as_member="ALICE")
    assert theirs[0] == 404
    assert theirs == unknown


def test_staff_read_any_member(sb: Sandbox) -> None:
    status, body = sb.api("GET", "/members/BOB/status", as_staff=True)
    assert (status, body["memberId"]) == (200, "BOB")


def test_no_token_is_refused_by_the_authorizer(sb: Sandbox) -> None:
    assert sb.api("GET", "/members/ALICE/status")[0] == 401


@pytest.mark.parametrize(
    "claims",
    [
        None,
        {},
        {"custom:member_id": ""},
        {"custom:member_id": "alice"},  # ids are case-sensitive
        {"custom:member_id": "BOB", "cognito:groups": "[staffing]"},
        {"cognito:groups": "staff-readonly"},
        {"custom:member_id": ["ALICE"]},
    ],
)
def test_forged_or_malformed_claims_never_read_alice(sb: Sandbox, claims: Any) -> None:
    status, body = invoke_api(sb, claims, "/members/ALICE/status")
    assert status in (401, 404)
    assert "certifications" not in body


def test_status_costs_one_dynamodb_query(sb: Sandbox) -> None:
    sb.api("GET", "/members/ALICE/status", as_member="ALICE")  # the table client exists now
    calls: list[str] = []

    def count(model: Any, **_: Any) -> None:
        calls.append(model.name)

    events = aws.table(sb.env("TABLE_NAME")).meta.client.meta.events
    events.register("before-call.dynamodb", count)
    try:
        for _ in range(3):
            assert sb.api("GET", "/members/ALICE/status", as_member="ALICE")[0] == 200
    finally:
        events.unregister("before-call.dynamodb", count)
    assert calls == ["Query"] * 3


def test_openapi_document_is_public(sb: Sandbox) -> None:
    status, body = sb.api("GET", "/openapi.json")
    assert status == 200
    assert "/members/{memberId}/status" in body["paths"]


def test_recording_replayed_with_the_same_idempotency_key_is_written_once(sb: Sandbox) -> None:
    headers = {"Idempotency-Key": "alice-1"}
    body = education("2026-01-02", 3)
    first = sb.api("POST", "/members/ALICE/activities", body, as_member="ALICE", headers=headers)
    again = sb.api("POST", "/members/ALICE/activities", body, as_member="ALICE", headers=headers)
    assert first[0] == again[0] == 201
    assert first[1] == again[1]
    _, listed = sb.api("GET", "/members/ALICE/activities", as_member="ALICE")
    assert [a["activityId"] for a in listed["activities"]].count(first[1]["activityId"]) == 1


def test_provider_ce_event_is_recorded_once_r13(sb: Sandbox) -> None:
    detail = {
        "completionId": "LP-77",
        "memberId": "BOB",
        "courseId": "HIPAA-1",
        "title": "HIPAA refresher",
        "ceu": 0.5,
        "completedOn": "2026-01-04",
    }
    sb.put_event("staycertified.learning", "CourseCompleted", detail)
    sb.put_event("staycertified.learning", "CourseCompleted", detail)  # replayed
    _, listed = sb.api("GET", "/members/BOB/activities", as_member="BOB")
    provided = [a for a in listed["activities"] if a["activityId"] == "PCE-LP-77"]
    assert len(provided) == 1
    assert (provided[0]["source"], provided[0]["verified"], provided[0]["points"]) == (
        "PROVIDER",
        True,
        5,
    )


def test_upload_outside_an_audit_or_application_is_refused_and_removed_r15(sb: Sandbox) -> None:
    status, body = sb.api(
        "POST",
        "/members/ALICE/uploads",
        {
            "purpose": "AUDIT",
            "caseId": "CASE-NONE",
            "kind": "PROOF",
            "fileName": "proof.pdf",
            "contentType": "application/pdf",
            "size": 8,
        },
        as_member="ALICE",
    )
    assert (status, body["code"]) == (422, "DOCUMENT_UPLOAD_NOT_ALLOWED")
    sb.put_document("uploads/ALICE/CASE-NONE/proof.pdf", b"%PDF-1.4")
    items = sb.table.query(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :doc)",
        ExpressionAttributeValues={":pk": "MEMBER#ALICE", ":doc": "DOC#"},
    )["Items"]
    assert items == []
    listing = sb.client("s3").list_object_versions(
        Bucket=sb.outputs["DocumentsBucketName"], Prefix="uploads/ALICE/"
    )
    assert listing.get("Versions", []) == []
    assert sb.failures == []

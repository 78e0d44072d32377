"""Finding 3: every function may do what its code calls, on what it touches, and no more.

A scenario drives every entry point of the template in the sandbox (API routes,
the signed webhook, schedules and the workflows they start, an upload, a course
completion, the Cognito trigger); the sandbox records each botocore call a
handler makes. For each function, the actions its role allows in the translated
template (SAM policy templates expanded) are compared both ways with the IAM
actions those calls need:

- every call is allowed (else it would fail in AWS, where moto does not check IAM);
- every allowed action is called, or listed in UNEXERCISED below with the reason
  the scenario cannot reach it.

Static checks on every function of the template (also those the scenario does not
reach): no wildcard actions, no `Resource: "*"`, no Scan, and S3 never PutObjectAcl
or PutLifecycleConfiguration.
"""

from __future__ import annotations

import fnmatch
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from staycertified_sandbox import Sandbox
from staycertified_sandbox.intrinsics import resolve

from .renewal_support import webhook
from .scenario_support import education, row

# Actions a function is allowed that the scenario does not reach, with the reason.
# A new function declares its policy in template.yaml as explicit statements (see
# docs/security.md); add a line here only for an action its code calls on a path
# this scenario cannot take.
UNEXERCISED: dict[str, dict[str, str]] = {
    "ApiFunction": {
        "states:StartExecution": "a staff decision starts an audit case's execution (R27)",
        "states:SendTaskSuccess": "a staff decision resumes a parked audit case (R27)",
        "dynamodb:DeleteItem": "a submission or staff decision takes the case's task token (R27)",
        "s3:PutObject": "upload grants are presigned POSTs signed with the role: no API call (R15)",
        "s3:GetObject": "staff downloads are presigned GETs signed with the role (R27)",
        "s3:GetObjectVersion": "staff downloads of a given version, presigned (R27)",
    },
    "AuditDrawFunction": {
        "dynamodb:BatchGetItem": "the pool's certifications (store.members.get_certifications), "
        "read when the year had rollovers",
        "s3:GetObject": "a replayed draw reads its stored selection back (audits.draw)",
        "states:StartExecution": "one execution per opened case; none opened in this scenario",
    },
    "DocumentUploadedFunction": {
        "dynamodb:PutItem": "the owner's attach of a granted upload (documents.checks._tell_owner)",
        "dynamodb:Query": "the owner's attach of a granted upload (documents.checks._tell_owner)",
        "dynamodb:UpdateItem": "settling a granted upload (store.documents.settle)",
        "s3:GetObject": "the first bytes of a granted upload (documents.checks._first_bytes)",
        "s3:GetObjectVersion": "the same, for the event's version id (moto sends none)",
        "s3:DeleteObjectVersion": "removing a failed upload's version (moto sends no version id)",
    },
    "LifecycleSweepFunction": {
        "states:StartExecution": "an audit case past its deadline starts its execution (R26, R27)",
        "states:SendTaskSuccess": "an audit case past its deadline resumes (R26, R27)",
        "dynamodb:UpdateItem": "a cycle advanced at its end (store.cycles.mark_advanced)",
        "states:SendTaskFailure": "an expired recertification application's waiting review "
        "is failed into its Expired outcome (R29)",
    },
    "ProviderCeFunction": {
        "dynamodb:UpdateItem": "a completion dated inside a lapsed cycle cures it and rolls "
        "it over (store.cycles.mark_advanced, R21); no such completion in this scenario",
    },
    "RenewalSendFunction": {
        "dynamodb:GetItem": "the notice ledger reads a claim another run holds (store.notices)",
    },
    "AuditNotifyFunction": {
        "dynamodb:GetItem": "the notice ledger reads a claim another run holds (notify.outbox)",
    },
    "AuditCaseFunction": {
        "dynamodb:DeleteItem": "a token parked after the case moved on resumes itself "
        "(audits.workflow.resume takes it)",
        "states:SendTaskSuccess": "the same self-resume (audits.workflow.resume)",
    },
}

# Functions the scenario does not drive, with the reason; their policies get the static
# checks below. Keep it short: a function added later belongs in the scenario.
UNREACHED: dict[str, str] = {
    "RecertificationApiFunction": "recertification (R28-R33) landed at 13:40; "
    "tests/integration/test_recertification*.py drive it",
    "RecertificationReviewFunction": "the same: the review state machine's steps",
    "ExamResultsWebhookFunction": "the same: the exam vendor's signed results (R31)",
}

# Actions without resource-level permissions in IAM (Resource must be "*").
RESOURCE_STAR_OK = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
NEVER = {"s3:PutObjectAcl", "s3:PutLifecycleConfiguration", "dynamodb:Scan"}

_DYNAMODB_TRANSACT = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
_S3_ACTIONS = {
    "ListObjectsV2": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "HeadObject": "GetObject",
}


def needed_actions(prefix: str, operation: str, params: dict[str, Any]) -> Iterator[str]:
    """The IAM actions one botocore call needs."""
    if prefix == "dynamodb" and operation in ("TransactWriteItems", "TransactGetItems"):
        for item in params.get("TransactItems", []):
            for kind in item:
                yield f"dynamodb:{_DYNAMODB_TRANSACT[kind]}"
        return
    if prefix == "s3":
        yield f"s3:{_S3_ACTIONS.get(operation, operation)}"
        return
    yield f"{prefix}:{operation}"


MEMBERS = [
    row("LPA", "2023-02-21", cycle_points=5),
    row("LPB", "2022-02-10", paid_through="2024-02-29"),
    row("LPC", "2022-06-10"),  # rolled over 2025-06-10: in the 2026 audit pool (R25)
]


@pytest.fixture(scope="module")
def run() -> Iterator[Sandbox]:
    from staycertified.payments.signature import forget_secret

    forget_secret()  # a secret cached by an earlier test of this process hides the call
    with Sandbox(start=date(2026, 1, 1)) as sb:
        assert sb.load_members(MEMBERS).errors == []
        sb.api("GET", "/members/LPA/status", as_member="LPA")
        sb.api("GET", "/members/LPA/activities", as_member="LPA")
        sb.api("POST", "/members/LPA/activities", education("2026-01-01", 2), as_member="LPA")
        sb.api("GET", "/members/LPB/invoices", as_member="LPB")
        sb.api("GET", "/verify/RMA-LPA", query={"lastName": "QuixoteLPA"})
        sb.api("GET", "/openapi.json")
        sb.api("GET", "/eligibility/RMA")
        sb.api(
            "GET", "/benefits/ce-discount", query={"email": MEMBERS[0]["email"]}, as_platform=True
        )
        invoices = [i for i in sb.api("GET", "/members/LPB/invoices", as_staff=True)[1]["invoices"]]
        if len(invoices) > 1:
            sb.api(
                "POST",
                f"/staff/invoices/{invoices[1]['invoiceId']}/payments",
                {"amount": invoices[1]["amount"], "method": "CHECK"},
                as_staff="lp",
            )
        if invoices:
            webhook(
                sb,
                {
                    "type": "payment.succeeded",
                    "paymentId": "pay_lp_1",
                    "invoiceId": invoices[0]["invoiceId"],
                    "amount": invoices[0]["amount"],
                    "currency": "USD",
                },
            )
        sb.put_event(
            "staycertified.learning",
            "CourseCompleted",
            {
                "completionId": "LP-1",
                "memberId": "LPA",
                "courseId": "C",
                "title": "t",
                "contactHours": 1,
                "completedOn": "2026-01-01",
            },
        )
        sb.put_document("uploads/LPA/NOCASE/cv.pdf", b"%PDF")
        sb.client("lambda").invoke(
            FunctionName=sb.functions["PreTokenFunction"].name,
            Payload=json.dumps(
                {
                    "version": "1",
                    "triggerSource": "TokenGeneration_Authentication",
                    "request": {
                        "userAttributes": {
                            "email": "lpa.zq@members.example.org",
                            "email_verified": "true",
                            "custom:member_id": "LPA",
                        }
                    },
                    "response": {},
                }
            ),
        )
        sb.advance_to(date(2026, 3, 5))  # past the audit case's respond-by date (R27)
        sb.api("GET", "/staff/dashboard", as_staff="lp")
        sb.wait_for_executions()
        yield sb


def role_statements(sb: Sandbox, function_id: str) -> list[dict[str, Any]]:
    cfn = sb.deployment.translated.cfn["Resources"]  # type: ignore[union-attr]
    role_ref = cfn[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = []
    for policy in cfn[role_ref]["Properties"].get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            statements.append(resolve(statement, sb.deployment.stack))  # type: ignore[union-attr]
    return statements


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allowed_actions(statements: list[dict[str, Any]]) -> set[str]:
    return {
        action
        for s in statements
        if s.get("Effect") == "Allow"
        for action in as_list(s.get("Action", []))
    }


def called(sb: Sandbox) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for invocation in sb.invocations:
        for prefix, operation, params in invocation.calls:
            found[invocation.function].update(needed_actions(prefix, operation, params))
    return found


def is_allowed(action: str, allowed: set[str]) -> bool:
    return any(fnmatch.fnmatchcase(action, pattern) for pattern in allowed)


def test_every_call_is_allowed_and_every_allowed_action_is_called(run: Sandbox) -> None:
    calls = called(run)
    exercised = set(calls) | {i.function for i in run.invocations}
    assert {"ApiFunction", "PaymentWebhookFunction", "ProviderCeFunction"} <= exercised
    problems = {}
    for function_id in sorted(exercised):
        allowed = allowed_actions(role_statements(run, function_id))
        needed = calls.get(function_id, set())
        missing = {a for a in needed if not is_allowed(a, allowed)}
        # Lambda itself sends a failed async event to the function's DeadLetterQueue.
        unused = allowed - needed - set(UNEXERCISED.get(function_id, {})) - {"sqs:SendMessage"}
        if missing or unused:
            problems[function_id] = {"missing": sorted(missing), "unused": sorted(unused)}
    assert problems == {}, json.dumps(problems, indent=1)


def test_the_scenario_reaches_every_function_of_the_template(run: Sandbox) -> None:
    """Derived from the template: a function added later must be driven by the scenario."""
    exercised = {i.function for i in run.invocations}
    executions = [(e.name, e.status, e.error) for e in run.executions()]
    assert sorted(set(run.functions) - exercised) == sorted(UNREACHED), executions


def test_no_function_has_wildcards_scans_acls_or_lifecycle_rights(run: Sandbox) -> None:
    problems = []
    for function_id in run.functions:
        for statement in role_statements(run, function_id):
            actions = as_list(statement.get("Action", []))
            resources = as_list(statement.get("Resource", []))
            for action in actions:
                if "*" in action or action in NEVER:
                    problems.append((function_id, action))
                if "*" in resources and action not in RESOURCE_STAR_OK:
                    problems.append((function_id, action, "Resource *"))
    assert problems == []

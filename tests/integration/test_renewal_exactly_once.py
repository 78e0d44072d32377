"""Exactly one notice per (certification, year, step, channel) under faults (R5).

The month runs while ~20% of the SES SendEmail and DynamoDB calls are throttled
(deterministic seed); then the month is started again, a batch is retried by
invoking the send function again with the same batch, and the month is
replayed by a fresh manual start. Every notice went out exactly once.
"""

from __future__ import annotations

import json
import random
import types
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

from .renewal_support import invoke, renewal_emails, renewal_letters, row, run_report

MEMBERS = [row(f"X{n:03d}", f"RMA-7{n:05d}", "RMA", f"2023-02-{n + 1:02d}") for n in range(12)]
THROTTLED_OPERATIONS = {
    "sesv2.SendEmail",
    "dynamodb.PutItem",
    "dynamodb.GetItem",
    "dynamodb.Query",
    "dynamodb.BatchGetItem",
    "dynamodb.BatchWriteItem",
    "dynamodb.TransactWriteItems",
}


@contextmanager
def throttling(fraction: float, seed: int) -> Iterator[Counter[str]]:
    """Answer `fraction` of the matching calls with a throttling error, inside the
    retry loop (moto's before-send stubber), so the clients' retry config is what
    saves them. Backoff sleeps are skipped to keep the test fast."""
    import botocore.endpoint
    from botocore.awsrequest import AWSResponse
    from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    original = BotocoreStubber.__call__
    original_time = botocore.endpoint.time

    def call(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        operation = event_name.removeprefix("before-send.")
        if self.enabled and operation in THROTTLED_OPERATIONS and rng.random() < fraction:
            counts[operation] += 1
            if operation.startswith("sesv2"):
                headers = {"x-amzn-ErrorType": "TooManyRequestsException"}
                return AWSResponse(
                    request.url, 429, headers, MockRawResponse(b'{"message": "slow down"}')
                )
            body = b'{"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "slow down"}'
            return AWSResponse(
                request.url, 400, {"x-amzn-ErrorType": "ThrottlingException"}, MockRawResponse(body)
            )
        return original(self, event_name, request, **kwargs)

    BotocoreStubber.__call__ = call  # type: ignore[method-assign]
    botocore.endpoint.time = types.SimpleNamespace(sleep=lambda seconds: None)  # type: ignore[assignment]
    try:
        yield counts
    finally:
        BotocoreStubber.__call__ = original  # type: ignore[method-assign]
        botocore.endpoint.time = original_time


@pytest.fixture(scope="module")
def month() -> Iterator[dict[str, Any]]:
    with Sandbox(start=date(2026, 1, 1)) as sb:
        assert not sb.load_members(MEMBERS).errors
        with throttling(0.2, seed=7) as throttled:
            sb.advance_to(date(2026, 1, 2))
        yield {"sb": sb, "throttled": throttled}


def assert_each_notice_once(sb: Sandbox) -> None:
    emails = renewal_emails(sb)
    assert sorted(emails) == sorted(
        (f"{m['member_id'].lower()}@example.com", "RENEWAL_NOTICE") for m in MEMBERS
    )
    assert set(emails.values()) == {1}
    letters = renewal_letters(sb)
    assert len(letters) == len(MEMBERS) == len({letter.key for letter in letters})


def test_r5_given_throttled_ses_and_dynamodb_when_the_month_runs_then_every_notice_goes_exactly_once(
    month: dict[str, Any],
) -> None:
    assert sum(month["throttled"].values()) > 10, month["throttled"]
    assert month["throttled"]["sesv2.SendEmail"] > 0
    assert_each_notice_once(month["sb"])
    report = run_report(month["sb"], "renewals-2026-01")
    assert report["outcomes"] == {"SENT": 2 * len(MEMBERS)}
    assert report["invoicesCreated"] == len(MEMBERS)


def test_r5_given_the_month_started_twice_then_step_functions_refuses_the_second_and_nothing_is_sent(
    month: dict[str, Any],
) -> None:
    sb = month["sb"]
    answer = invoke(sb, "StartRunFunction", {"workflow": "renewals", "runMonth": "2026-01"})
    sb.wait_for_executions()
    assert answer["status"] == "ALREADY_STARTED"
    assert_each_notice_once(sb)


def test_r5_given_a_batch_retried_then_it_reports_the_same_and_sends_nothing(
    month: dict[str, Any],
) -> None:
    sb = month["sb"]
    body = sb.client("s3").get_object(
        Bucket=sb.env("MAIL_BUCKET"), Key="runs/renewals-2026-01/batches.json"
    )
    [batch] = json.loads(body["Body"].read())
    first = invoke(sb, "RenewalSendFunction", batch)
    second = invoke(sb, "RenewalSendFunction", batch)
    assert first == second
    assert set(first) == {"runId", "batchNo", "certifications", "sent", "failures", "partKey"}
    part = sb.client("s3").get_object(Bucket=sb.env("MAIL_BUCKET"), Key=first["partKey"])
    tallies = json.loads(part["Body"].read())["result"]["tallies"]
    assert {t["outcome"] for t in tallies} == {"SENT"}
    assert first["sent"] == sum(t["count"] for t in tallies) and first["failures"] == 0
    assert_each_notice_once(sb)


def test_r5_given_the_month_replayed_by_a_fresh_manual_start_then_every_notice_is_already_sent(
    month: dict[str, Any],
) -> None:
    sb = month["sb"]
    answer = invoke(
        sb, "StartRunFunction", {"workflow": "renewals", "runMonth": "2026-01", "rerun": "replay"}
    )
    sb.wait_for_executions()
    assert answer["status"] == "STARTED"
    report = run_report(sb, "renewals-2026-01-replay")
    assert report["outcomes"] == {"ALREADY_SENT": 2 * len(MEMBERS)}
    assert report["invoicesCreated"] == 0
    assert_each_notice_once(sb)

"""Finding 9: nothing is lost without a word, and data lives as long as it should.

Derived from the template: every function, every async entry point, every store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from staycertified_sandbox.template import load_template

SAM = load_template(Path(__file__).resolve().parents[2] / "template.yaml")
RESOURCES: dict[str, Any] = SAM["Resources"]
ASYNC_EVENTS = {"S3", "EventBridgeRule", "ScheduleV2", "Schedule", "SNS"}


def functions() -> dict[str, dict[str, Any]]:
    return {
        lid: r["Properties"]
        for lid, r in RESOURCES.items()
        if r["Type"] == "AWS::Serverless::Function"
    }


def test_every_async_invoked_function_keeps_its_failed_events() -> None:
    for lid, props in functions().items():
        events = (props.get("Events") or {}).values()
        if any(e["Type"] in ASYNC_EVENTS for e in events):
            assert props.get("DeadLetterQueue", {}).get("Type") == "SQS", lid
        for event in events:
            if event["Type"] in ("ScheduleV2", "EventBridgeRule"):
                assert "DeadLetterConfig" in event["Properties"], lid


def test_every_function_has_a_log_group_with_retention() -> None:
    groups = {
        r["Properties"]["LogGroupName"]["Fn::Sub"]: r["Properties"]
        for r in RESOURCES.values()
        if r["Type"] == "AWS::Logs::LogGroup" and "LogGroupName" in r["Properties"]
    }
    for lid in functions():
        assert "RetentionInDays" in groups[f"/aws/lambda/${{{lid}}}"], lid


def test_failures_raise_alarms_to_the_on_call_address() -> None:
    alarms = [r["Properties"] for r in RESOURCES.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    metrics = {(a["Namespace"], a["MetricName"]) for a in alarms}
    assert {
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("AWS/Lambda", "Errors"),
        ("AWS/States", "ExecutionsFailed"),
    } <= metrics
    machines = {lid for lid, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::StateMachine"}
    watched = {
        d["Value"]["Ref"]
        for a in alarms
        for d in a.get("Dimensions", [])
        if d["Name"] == "StateMachineArn"
    }
    assert machines <= watched
    [topic] = [r for r in RESOURCES.values() if r["Type"] == "AWS::SNS::Topic"]
    assert topic["Properties"]["Subscription"][0]["Endpoint"] == {"Ref": "OnCallEmail"}


def test_what_must_survive_a_stack_deletion_is_retained() -> None:
    kept = ("AWS::DynamoDB::Table", "AWS::Cognito::UserPool", "AWS::SecretsManager::Secret")
    for lid, resource in RESOURCES.items():
        if resource["Type"] in kept or lid == "DocumentsBucket":
            assert resource.get("DeletionPolicy") == "Retain", lid
            assert resource.get("UpdateReplacePolicy") == "Retain", lid


def test_letters_are_versioned_and_expire_after_printing() -> None:
    mail = RESOURCES["MailBucket"]["Properties"]
    assert mail["VersioningConfiguration"]["Status"] == "Enabled"
    [letters] = [
        r for r in mail["LifecycleConfiguration"]["Rules"] if r.get("Prefix") == "letters/"
    ]
    assert letters["ExpirationInDays"] == {"Ref": "LetterRetentionDays"}


def test_the_api_writes_access_logs_without_paths() -> None:
    [api] = [r["Properties"] for r in RESOURCES.values() if r["Type"] == "AWS::Serverless::HttpApi"]
    settings = api["AccessLogSettings"]
    assert "$context.routeKey" in settings["Format"] and "$context.path" not in settings["Format"]


def test_every_queue_is_encrypted() -> None:
    """checkov's CKV_AWS_27 misreads SSE-SQS (tools/checkov/skips.json): this is the check."""
    queues = {lid: r for lid, r in RESOURCES.items() if r["Type"] == "AWS::SQS::Queue"}
    assert queues
    for lid, queue in queues.items():
        assert queue["Properties"].get("SqsManagedSseEnabled") is True, lid


def test_every_bucket_logs_its_access_and_the_logs_expire() -> None:
    buckets = {
        lid: r["Properties"] for lid, r in RESOURCES.items() if r["Type"] == "AWS::S3::Bucket"
    }
    logs = buckets.pop("AccessLogsBucket")
    assert buckets
    for lid, props in buckets.items():
        assert props["LoggingConfiguration"]["DestinationBucketName"] == {
            "Ref": "AccessLogsBucket"
        }, lid
    [rule] = logs["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == {"Ref": "AccessLogRetentionDays"}
    assert RESOURCES["AccessLogsBucket"]["DeletionPolicy"] == "Retain"

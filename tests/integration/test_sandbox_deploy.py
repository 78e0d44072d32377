"""The real template deploys into the sandbox and what moto skips is wired from it."""

from __future__ import annotations

import boto3
from samtranslator.yaml_helper import yaml_parse

from staycertified_sandbox import Sandbox
from staycertified_sandbox.sandbox import DEFAULT_TEMPLATE


def template_outputs() -> dict[str, object]:
    return yaml_parse(DEFAULT_TEMPLATE.read_text())["Outputs"]


def test_deploy_resolves_every_output(sandbox: Sandbox) -> None:
    # The deploy's speed is a benchmark figure, not a timed test (it failed only under load).
    assert set(sandbox.outputs) == set(template_outputs())
    assert {"TableName", "MailBucketName", "RenewalNoticesStateMachineArn"} <= set(sandbox.outputs)
    assert all("${" not in value for value in sandbox.outputs.values())


def test_every_function_gets_the_template_environment(sandbox: Sandbox) -> None:
    start_run = sandbox.functions["StartRunFunction"].environment
    assert start_run["TABLE_NAME"] == sandbox.outputs["TableName"]
    assert (
        start_run["RENEWAL_STATE_MACHINE_ARN"] == sandbox.outputs["RenewalNoticesStateMachineArn"]
    )
    assert start_run["BODY_TIME_ZONE"] == "America/Chicago"
    assert "RENEWAL_STATE_MACHINE_ARN" not in sandbox.functions["ApiFunction"].environment
    configured = boto3.client("lambda").get_function_configuration(
        FunctionName=sandbox.functions["ApiFunction"].name
    )
    assert configured["Environment"]["Variables"] == sandbox.functions["ApiFunction"].environment


def test_the_payment_secret_exists_under_the_name_the_functions_are_given(sandbox: Sandbox) -> None:
    secret_id = sandbox.env("PAYMENT_SECRET_ID")
    value = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    assert secret_id == "staycertified/payment-webhook"
    assert len(value) == 48 and value.isalnum()


def test_the_sender_identity_is_verified(sandbox: Sandbox) -> None:
    identities = boto3.client("sesv2").list_email_identities()["EmailIdentities"]
    assert [i["IdentityName"] for i in identities] == ["renewals@staycertified.example.org"]


def test_state_machines_are_registered_where_they_execute(sandbox: Sandbox) -> None:
    client = boto3.client("stepfunctions")
    arn = sandbox.outputs["RenewalNoticesStateMachineArn"]
    described = client.describe_state_machine(stateMachineArn=arn)
    assert "${" not in described["definition"]
    assert sandbox.functions["RenewalPlanFunction"].arn in described["definition"]


def test_the_documents_bucket_notifies_its_function(sandbox: Sandbox) -> None:
    config = boto3.client("s3").get_bucket_notification_configuration(
        Bucket=sandbox.outputs["DocumentsBucketName"]
    )
    (notification,) = config["LambdaFunctionConfigurations"]
    assert notification["LambdaFunctionArn"] == sandbox.functions["DocumentUploadedFunction"].arn
    assert notification["Filter"]["Key"]["FilterRules"] == [{"Name": "prefix", "Value": "uploads/"}]


def test_put_document_runs_the_upload_handler_with_the_key_encoded_as_s3_does(
    sandbox: Sandbox,
) -> None:
    before = len(sandbox.invocations)
    sandbox.put_document("uploads/audit case.pdf", b"%PDF-1.4", "application/pdf")
    (call,) = [c for c in sandbox.invocations[before:] if c.function == "DocumentUploadedFunction"]
    assert call.event["Records"][0]["s3"]["object"]["key"] == "uploads/audit+case.pdf"


def test_an_eventbridge_event_reaches_the_provider_ce_function(sandbox: Sandbox) -> None:
    before = len(sandbox.invocations)
    sandbox.put_event("staycertified.learning", "CourseCompleted", {"completionId": "c-1"})
    (call,) = [c for c in sandbox.invocations[before:] if c.function == "ProviderCeFunction"]
    assert call.event["detail"] == {"completionId": "c-1"}
    assert call.event["time"] == sandbox.now.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_schedules_come_from_the_template(sandbox: Sandbox) -> None:
    assert {
        (s.logical_id, s.expression.expression, str(s.expression.zone)) for s in sandbox.schedules
    } == {
        ("StartRunFunctionMonthlyRenewalRun", "cron(0 6 1 * ? *)", "America/Chicago"),
        ("StartRunFunctionAnnualAuditRun", "cron(0 7 2 1 ? *)", "America/Chicago"),
        ("LifecycleSweepFunctionDailySweep", "cron(0 3 * * ? *)", "America/Chicago"),
        ("EventRelayFunctionPendingEvents", "cron(30 0 * * ? *)", "America/Chicago"),
        ("DashboardSnapshotFunctionMonthlySnapshot", "cron(0 7 1 * ? *)", "America/Chicago"),
        ("BadgeEventsFunctionRetryOpenCalls", "cron(0 3 * * ? *)", "America/Chicago"),
    }

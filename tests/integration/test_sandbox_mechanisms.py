"""Each invocation path of the sandbox, proved with a test-only template (fixtures/mini)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import boto3
import pytest

from staycertified_sandbox import Sandbox, SandboxError

MINI = Path(__file__).parent / "fixtures" / "mini" / "template.yaml"


@pytest.fixture(scope="module")
def mini() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 1), template_path=MINI, stack_name="mini") as sb:
        yield sb


def recorded(sb: Sandbox) -> list[dict]:
    return sb.table.scan()["Items"]


def test_only_one_sandbox_runs_at_a_time(mini: Sandbox) -> None:
    with pytest.raises(SandboxError, match="already running"):
        Sandbox(template_path=MINI).start()


def test_a_state_machine_task_runs_the_real_handler_which_writes_to_dynamodb(mini: Sandbox) -> None:
    client = boto3.client("stepfunctions")
    arn = client.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    client.start_execution(
        stateMachineArn=arn, name="manual-1", input=json.dumps({"source": "manual"})
    )
    mini.wait_for_executions()
    (execution,) = [e for e in mini.executions() if e.name == "manual-1"]
    assert execution.status == "SUCCEEDED"
    key = execution.output["record"]["recorded"]["key"]
    item = mini.table.get_item(Key={"PK": key})["Item"]
    assert json.loads(item["event"]) == {"source": "manual"}
    assert item["only_here"] == "recorder"  # the function's own variables, not only Globals
    assert int(item["remaining_ms"]) > 0


def test_a_handler_exception_is_caught_by_its_class_name(mini: Sandbox) -> None:
    client = boto3.client("stepfunctions")
    arn = client.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    client.start_execution(
        stateMachineArn=arn, name="refused-1", input=json.dumps({"refuse": True})
    )
    mini.wait_for_executions()
    (execution,) = [e for e in mini.executions() if e.name == "refused-1"]
    assert execution.status == "SUCCEEDED"
    assert execution.output["outcome"] == "refused"
    assert execution.output["refused"]["Error"] == "RefusedError"
    assert mini.failures[-1].error_type == "RefusedError"


def test_notify_adapters_send_an_email_and_post_a_letter(mini: Sandbox, tmp_path: Path) -> None:
    boto3.client("lambda").invoke(
        FunctionName=mini.functions["NotifierFunction"].name, Payload=b'{"source": "direct"}'
    )
    email = mini.emails[-1]
    assert (email.to, email.subject, email.kind) == (["member@example.org"], "Hello", "test_notice")
    assert (email.text.strip(), email.html.strip()) == ("plain text", "<p>html</p>")
    letter = next(letter for letter in mini.letters if letter.key == "letters/tests/direct.pdf")
    assert (letter.kind, letter.pdf) == ("test_letter", b"%PDF-1.4 test")
    assert letter.address == ["A Member", "1 Main St", "Springfield, IL 62701"]
    outbox = mini.write_outbox(tmp_path / "outbox")
    import email as email_parser
    import email.policy

    written = sorted(
        p for p in (outbox / "emails").iterdir() if p.name.endswith("-test_notice.eml")
    )
    opened = email_parser.message_from_bytes(written[-1].read_bytes(), policy=email.policy.default)
    assert (opened["Subject"], opened["To"]) == ("Hello", "member@example.org")
    assert (outbox / "letters" / "tests" / "direct.pdf").read_bytes() == b"%PDF-1.4 test"


def test_an_s3_upload_under_the_prefix_notifies_the_function(mini: Sandbox) -> None:
    before = len(mini.invocations)
    mini.put_document("uploads/x.pdf", b"%PDF")
    mini.put_document("elsewhere/y.pdf", b"%PDF")
    keys = [
        c.event["Records"][0]["s3"]["object"]["key"]
        for c in mini.invocations[before:]
        if c.function == "RecorderFunction"
    ]
    assert keys == ["uploads/x.pdf"]


def test_a_scheduler_schedule_starts_its_state_machine_and_a_rule_schedule_its_function(
    mini: Sandbox,
) -> None:
    fired = mini.advance_to(date(2026, 2, 1))
    daily = [f for f in fired if f.schedule.endswith("Daily")]
    assert len(daily) == 32  # 1 January to 1 February, both included
    assert daily[0].payload == {"source": "daily", "scheduledTime": "2026-01-01T08:00:00Z"}
    assert all(e.status == "SUCCEEDED" for e in mini.executions())
    monthly = [f.payload for f in fired if f.schedule.endswith("Monthly")]
    assert [event["time"] for event in monthly] == ["2026-01-01T12:00:00Z", "2026-02-01T12:00:00Z"]
    assert monthly[0]["detail-type"] == "Scheduled Event"


def test_the_api_routes_authorizes_and_translates(mini: Sandbox) -> None:
    assert mini.api("GET", "/things/42") == (401, {"message": "Unauthorized"})
    assert mini.api("GET", "/nothing/here", as_member="M1") == (404, {"message": "Not Found"})
    status, body = mini.api("GET", "/things/42?x=1", as_member="M1")
    assert status == 200 and body["claims"]["custom:member_id"] == "M1"
    status, body = mini.api("GET", "/things/42", as_staff=True)
    assert body["claims"]["cognito:groups"] == "[staff]"
    status, body = mini.api("POST", "/public/a/b", body={"hello": "world"})
    assert status == 200 and body["claims"] is None
    event = mini.invocations[-1].event
    assert event["pathParameters"] == {"proxy": "a/b"} and json.loads(event["body"]) == {
        "hello": "world"
    }
    assert event["requestContext"]["timeEpoch"] == int(mini.now.timestamp() * 1000)
    assert event["routeKey"] == "POST /public/{proxy+}"


def test_outputs_resolve_what_moto_skips(mini: Sandbox) -> None:
    assert mini.outputs["ApiUrl"] == "https://sandboxapi.execute-api.us-east-1.amazonaws.com"
    assert mini.outputs["SecretArn"].startswith("arn:aws:secretsmanager:")
    assert mini.functions["RecorderFunction"].environment["SECRET_ID"] == mini.outputs["SecretArn"]

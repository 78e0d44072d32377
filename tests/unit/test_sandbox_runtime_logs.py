"""The sandbox runtime keeps what Lambda would ship to CloudWatch for each call
(issue 10, finding 10): what the handler's thread prints to stdout/stderr, every log
record a logger is handed, even one its filters or handlers drop (Powertools puts a
filter on the root logger's handlers: a handler added there by a test saw 0 records),
and the runtime's report of an uncaught exception."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from staycertified_sandbox import runtime
from staycertified_sandbox.runtime import FunctionSpec

HANDLER = """
import logging, sys

quiet = logging.getLogger("quiet.service")
quiet.setLevel(logging.INFO)
quiet.propagate = False
quiet.addFilter(lambda record: False)  # drops every record before any handler


def handler(event, context):
    print("printed", event["word"])
    sys.stderr.write("to stderr " + event["word"] + "\\n")
    quiet.info("logged", extra={"secretKey": event["word"]})
    if event.get("fail"):
        raise ValueError("failed for " + event["word"])
    return {"ok": True}
"""


@pytest.fixture
def spec(tmp_path: Path) -> Iterator[FunctionSpec]:
    (tmp_path / "app.py").write_text(HANDLER)
    found = FunctionSpec(
        logical_id="LogsFunction",
        name="logs",
        arn="arn:aws:lambda:us-east-1:123456789012:function:logs",
        code_dir=tmp_path,
        handler="app.handler",
        environment={},
    )
    runtime.register([found])
    runtime.install()
    yield found
    runtime.uninstall()
    runtime.unregister()


def test_finding_10_every_record_and_all_output_of_a_call_are_kept(spec: FunctionSpec) -> None:
    runtime.invoke_in_process(spec, {"word": "Wrightsonby"})
    [call] = runtime.REGISTRY.invocations
    assert "printed Wrightsonby" in call.logs
    assert "to stderr Wrightsonby" in call.logs
    assert "logged" in call.logs and "'secretKey': 'Wrightsonby'" in call.logs  # extra keys
    assert call.logs.startswith(f"START RequestId: {call.request_id}\n")


def test_finding_10_the_runtimes_report_of_an_uncaught_exception_is_kept(
    spec: FunctionSpec,
) -> None:
    _, errored, tail = runtime.invoke_in_process(spec, {"word": "Bramblecote", "fail": True})
    [call] = runtime.REGISTRY.invocations
    assert errored and "[ERROR] ValueError: failed for Bramblecote" in call.logs
    assert tail == call.logs[-4096:]  # moto's LogResult: the last 4 KB, as in AWS


def test_finding_10_output_of_other_threads_is_not_the_calls(spec: FunctionSpec) -> None:
    started, release = threading.Event(), threading.Event()

    def elsewhere() -> None:
        started.wait(5)
        print("not the handler's")
        release.set()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    started.set()
    release.wait(5)
    runtime.invoke_in_process(spec, {"word": "x"})
    thread.join()
    [call] = runtime.REGISTRY.invocations
    assert "not the handler's" not in call.logs

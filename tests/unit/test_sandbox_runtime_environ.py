"""The sandbox runtime shows each handler its function's environment without changing
os.environ for anyone else.

moto's Step Functions executions run in threads of their own and build botocore
clients there (botocore copies os.environ: names, then each value). When every call
switched the process environment, a name removed meanwhile raised KeyError inside the
Step Functions interpreter (States.Runtime 'AWS_LAMBDA_FUNCTION_NAME' and
'ORGANISATION_POSTAL_ADDRESS' in CI), and the template's shared variables stayed set
after a sandbox closed (a unit test of the sweep then wrote to the closed sandbox's
MAIL_BUCKET: NoSuchBucket).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from staycertified_sandbox import runtime
from staycertified_sandbox.runtime import FunctionSpec


def _spec(tmp_path: Path, name: str, **environment: str) -> FunctionSpec:
    return FunctionSpec(
        logical_id=name.upper(),
        name=name,
        arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        code_dir=tmp_path,
        handler="app.handler",
        environment=environment,
    )


@pytest.fixture
def layers(tmp_path: Path) -> Iterator[tuple[FunctionSpec, FunctionSpec]]:
    mine = _spec(tmp_path, "mine", TABLE_NAME="t", MAIL_BUCKET="mail")
    other = _spec(tmp_path, "other", STATE_MACHINE_ARN="arn:sm", MAIL_BUCKET="mail")
    runtime.register([mine, other])
    runtime.ENVIRON_LAYERS.install()
    yield mine, other
    runtime.ENVIRON_LAYERS.uninstall()
    runtime.unregister()


def test_the_handler_sees_its_function_environment_and_nothing_of_the_others(
    layers: tuple[FunctionSpec, FunctionSpec], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, _ = layers
    monkeypatch.setenv("STATE_MACHINE_ARN", "left over by a test")
    monkeypatch.setenv("AWS_PROFILE", "someone")
    with runtime._function_environment(mine):
        assert os.environ["TABLE_NAME"] == "t"
        assert os.environ["AWS_LAMBDA_FUNCTION_NAME"] == "mine"
        assert os.getenv("STATE_MACHINE_ARN") is None  # only the other function has it
        assert "AWS_PROFILE" not in os.environ  # Lambda has no profile
        assert dict(os.environ)["MAIL_BUCKET"] == "mail"
        assert len(os.environ) == len(list(os.environ))
        os.environ["SET_BY_HANDLER"] = "1"
        del os.environ["TABLE_NAME"]
        assert "TABLE_NAME" not in os.environ and os.environ["SET_BY_HANDLER"] == "1"
    assert os.environ["STATE_MACHINE_ARN"] == "left over by a test"
    assert "SET_BY_HANDLER" not in os.environ


def test_other_threads_never_see_the_process_environment_change_during_a_call(
    layers: tuple[FunctionSpec, FunctionSpec],
) -> None:
    mine, _ = layers
    before = dict(os.environ)
    seen: list[dict[str, str]] = []
    inside, read = threading.Event(), threading.Event()

    def other_thread() -> None:
        inside.wait(5)
        seen.append(os.environ.copy())  # botocore's copy: names, then each value
        read.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with runtime._function_environment(mine):
        inside.set()
        assert read.wait(5)
    thread.join(5)
    assert seen == [before]
    assert dict(os.environ) == before  # nothing left behind (MAIL_BUCKET, TABLE_NAME)


def test_a_nested_call_sees_its_own_function_then_the_caller_again(
    layers: tuple[FunctionSpec, FunctionSpec],
) -> None:
    mine, other = layers
    with runtime._function_environment(mine):
        with runtime._function_environment(other):
            assert os.environ["STATE_MACHINE_ARN"] == "arn:sm"
            assert "TABLE_NAME" not in os.environ
        assert os.environ["AWS_LAMBDA_FUNCTION_NAME"] == "mine"
        assert "STATE_MACHINE_ARN" not in os.environ

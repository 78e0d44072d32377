"""The sandbox runtime's environment switch survives another thread editing os.environ.

moto's Step Functions executions run in threads of their own; a test's
fixtures (monkeypatch teardown) change os.environ meanwhile. Copying
os.environ iterates its names and then reads each one, so a name removed
between the two raised KeyError inside the Step Functions interpreter
(States.Runtime "'ORGANISATION_POSTAL_ADDRESS'" in CI).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from pathlib import Path

import pytest

from staycertified_sandbox import runtime
from staycertified_sandbox.runtime import FunctionSpec


class _VanishingEnviron(dict[str, str]):
    """os.environ as another thread leaves it: one name disappears while it is being copied."""

    def __init__(self, data: dict[str, str], vanishing: str) -> None:
        super().__init__(data)
        self.vanishing = vanishing

    def __iter__(self) -> Iterator[str]:
        names = list(super().__iter__())
        if self.vanishing in self:
            super().pop(self.vanishing)  # removed after the names were listed
        return iter(names)

    def keys(self):  # type: ignore[override]  # dict(mapping) copies through keys()
        return list(iter(self))


def test_the_environment_switch_tolerates_a_name_removed_meanwhile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environ = _VanishingEnviron(
        {"KEEP": "1", "ORGANISATION_POSTAL_ADDRESS": "x"}, vanishing="ORGANISATION_POSTAL_ADDRESS"
    )
    monkeypatch.setattr(runtime.os, "environ", environ)
    spec = FunctionSpec(
        logical_id="F",
        name="f",
        arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        code_dir=tmp_path,
        handler="app.handler",
        environment={"TABLE_NAME": "t"},
        layer_dirs=(),
        region="us-east-1",
        memory_mb=128,
    )
    with runtime._function_environment(spec):
        assert environ["TABLE_NAME"] == "t"
    assert environ["KEEP"] == "1"
    assert "TABLE_NAME" not in environ


class _RacedEnviron(MutableMapping[str, str]):
    """os.environ as os._Environ behaves: pop() reads, then deletes; another thread
    deletes `raced` in between."""

    def __init__(self, data: dict[str, str], raced: str) -> None:
        self.data, self.raced = dict(data), raced

    def __getitem__(self, name: str) -> str:
        return self.data[name]

    def __setitem__(self, name: str, value: str) -> None:
        self.data[name] = value

    def __delitem__(self, name: str) -> None:
        if name == self.raced:
            self.raced = ""
            del self.data[name]
            raise KeyError(name)  # the other thread's delete came first
        del self.data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.data))

    def __len__(self) -> int:
        return len(self.data)


def test_the_environment_switch_tolerates_a_name_deleted_by_another_thread_meanwhile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environ = _RacedEnviron({"KEEP": "1"}, raced="AWS_LAMBDA_FUNCTION_NAME")
    monkeypatch.setattr(runtime.os, "environ", environ)
    spec = FunctionSpec(
        logical_id="F",
        name="f",
        arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        code_dir=tmp_path,
        handler="app.handler",
        environment={"TABLE_NAME": "t"},
    )
    with runtime._function_environment(spec):
        assert environ["AWS_LAMBDA_FUNCTION_NAME"] == "f"
    assert "AWS_LAMBDA_FUNCTION_NAME" not in environ
    assert environ["KEEP"] == "1"

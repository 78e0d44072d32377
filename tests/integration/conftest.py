"""Sandbox fixtures for integration tests.

moto's state is global to the process, so one sandbox runs at a time:

- `sandbox`: one deploy of the real template shared by the tests of a module
  (module scope: with `pytest -n 2 --dist loadfile` a module stays in one worker).
  Tests that share it must not assume an empty world (use their own member ids).
- `fresh_sandbox`: a factory for a sandbox of the test's own (start date,
  template...), closed at the end of the test. Do not use it in a module that
  also uses `sandbox`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def fresh_sandbox() -> Iterator[Callable[..., Sandbox]]:
    opened: list[Sandbox] = []

    def open_sandbox(**kwargs: Any) -> Sandbox:
        sb = Sandbox(**kwargs)
        sb.start()
        opened.append(sb)
        return sb

    yield open_sandbox
    for sb in reversed(opened):
        sb.close()

"""R40 and STYLE: the rules never read the clock and never touch I/O or AWS."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import staycertified.domain

DOMAIN = Path(staycertified.domain.__file__).parent
FORBIDDEN_CALLS = {"today", "now", "utcnow", "time", "open", "getenv"}
FORBIDDEN_IMPORTS = {"boto3", "botocore", "os", "time", "requests", "socket", "random"}


def _modules() -> list[Path]:
    return sorted(p for p in DOMAIN.glob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_r40_no_rule_reads_the_clock_or_does_io(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in FORBIDDEN_CALLS, (
                f"{path.name}:{node.lineno} calls {node.func.attr}"
            )
        if isinstance(node, ast.Import):
            names = {alias.name.split(".")[0] for alias in node.names}
            assert not names & FORBIDDEN_IMPORTS, f"{path.name}:{node.lineno} imports {names}"
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.module.split(".")[0] not in FORBIDDEN_IMPORTS, f"{path.name}:{node.lineno}"

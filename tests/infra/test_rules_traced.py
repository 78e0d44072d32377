"""docs/rules.md maps every rule to its code and tests, and the map stays true.

The rule ids are those the layer cites (`R1`..`Rn` in shared/staycertified); each
has one row, a test named after it (`test_r<n>_...`, alone or beside other ids), and
every test a row names exists.
"""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatch
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES_MD = ROOT / "docs" / "rules.md"
TESTS = ROOT / "tests"
ROW = re.compile(r"^\| R(\d+)\b[^|]*\|[^|]*\|([^|]*)\|", re.MULTILINE)
REFERENCE = re.compile(r"`([^`]+)`")
RULE_IN_TEST_NAME = re.compile(r"(?:^|_)r(\d+)(?=_)")


def rules_cited_by_the_layer() -> set[int]:
    cited: set[int] = set()
    for path in (ROOT / "shared" / "staycertified").rglob("*.py"):
        cited.update(int(n) for n in re.findall(r"\bR(\d{1,2})\b", path.read_text()))
    return cited


def rows() -> dict[int, str]:
    """Rule number -> the row's tests cell."""
    found: dict[int, str] = {}
    for match in ROW.finditer(RULES_MD.read_text()):
        number = int(match.group(1))
        assert number not in found, f"R{number} has two rows in docs/rules.md"
        found[number] = match.group(2)
    return found


@cache
def functions_by_file() -> dict[Path, frozenset[str]]:
    found = {}
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text())
        found[path] = frozenset(
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test")
        )
    return found


def _files(suffix: str) -> list[Path]:
    return [p for p in functions_by_file() if p.as_posix().endswith("/" + suffix.lstrip("/"))]


def unresolved(reference: str) -> str | None:
    """Why a row's reference names nothing, or None when it names a file or tests."""
    if reference.startswith("tests/"):
        reference = reference.removeprefix("tests/")
    file_part, _, pattern = reference.partition("::")
    if not file_part.endswith(".py"):
        pattern, file_part = file_part, ""
    files = _files(file_part) if file_part else list(functions_by_file())
    if not files:
        return f"no test file {file_part}"
    if pattern and not any(fnmatch(t, pattern) for f in files for t in functions_by_file()[f]):
        return f"no test {pattern} in {file_part or 'tests/'}"
    return None


def test_every_rule_the_layer_cites_has_one_row_and_the_rows_run_from_r1() -> None:
    cited, traced = rules_cited_by_the_layer(), set(rows())
    assert max(cited) >= 43  # the rule book's last rule (DOMAIN.md R43) is cited
    assert traced == set(range(1, max(cited) + 1))


def test_every_rule_has_a_test_named_after_it() -> None:
    named = {
        int(n)
        for names in functions_by_file().values()
        for name in names
        for n in RULE_IN_TEST_NAME.findall(name.removeprefix("test"))
    }
    assert set(rows()) - named == set()


def test_every_test_a_row_names_exists() -> None:
    broken = {
        f"R{number}: {reference} ({why})"
        for number, cell in rows().items()
        for reference in REFERENCE.findall(cell)
        if reference.startswith(("test", "tests/")) or ".py" in reference
        if (why := unresolved(reference)) is not None
    }
    assert broken == set()


def test_a_reference_to_a_missing_test_is_caught() -> None:
    assert unresolved("domain/test_invoicing.py::test_r42_*") is None
    assert unresolved("domain/test_invoicing.py::test_r99_*") is not None
    assert unresolved("domain/test_nowhere.py") is not None
    assert unresolved("test_time_alone_never_improves_a_standing") is None

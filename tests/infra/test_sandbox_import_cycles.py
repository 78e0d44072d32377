"""No import cycle in the sandbox (issue 8 item 7): `demo` imported `report_members`
and every `report_*.py` (and `badge_behaviour`) imported `DemoContext` and
`report_section` back from `demo`. The shared pieces live in `report.py` now, so
imports go one way (demo -> report_* -> report). The graph is read with `ast`
from every module of infra/staycertified_sandbox: relative imports, imports
inside functions and under `if TYPE_CHECKING:` all count."""

from __future__ import annotations

from pathlib import Path

from import_graph import describe_cycle, import_cycles, import_graph

ROOT = Path(__file__).resolve().parents[2]
SANDBOX = ROOT / "infra" / "staycertified_sandbox"


def test_no_import_cycle_among_the_sandbox_modules() -> None:
    graph = import_graph(SANDBOX, "staycertified_sandbox")
    assert len(graph) > 20  # every module was read
    cycles = import_cycles(graph)
    assert cycles == [], "\n".join(describe_cycle(graph, group) for group in cycles)


def test_the_checker_sees_relative_function_level_and_type_checking_imports(
    tmp_path: Path,
) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from . import a\n")
    (package / "a.py").write_text("def f():\n    from .sub import b\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..c import X\n"
    )
    (package / "c.py").write_text("import pkg.a\n")
    (package / "d.py").write_text("from pkg import c\n")
    graph = import_graph(package, "pkg")
    assert graph["pkg.a"] == {"pkg.sub", "pkg.sub.b"}  # importing b runs sub first
    assert graph["pkg.sub.b"] == {"pkg.c"}
    assert graph["pkg.d"] == {"pkg", "pkg.c"}  # an edge to its own package is not a cycle
    assert import_cycles(graph) == [["pkg.a", "pkg.c", "pkg.sub.b"]]
    (package / "c.py").write_text("X = 1\n")
    assert import_cycles(import_graph(package, "pkg")) == []

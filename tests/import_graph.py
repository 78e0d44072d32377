"""The import graph of a Python package, read from its source with `ast` (nothing is
imported), and the cycles in it (issue 8 item 7: "no import cycle").

Every `import` and `from ... import` counts wherever it stands: at module level,
inside a function, under `if TYPE_CHECKING:`; relative imports are resolved
against the importing module. An edge goes from the importing module to the
package-internal module it names: `from . import report` names the submodule
`report` when it exists, else the package itself (`from . import SECTIONS`).

    graph = import_graph(ROOT / "infra" / "staycertified_sandbox", "staycertified_sandbox")
    assert import_cycles(graph) == []

`layer_violations(graph, order)` checks a layering (a module of an earlier layer
never imports one of a later layer) with the same graph; `within(module, package)`
says whether a module is a package or inside it; `write_package(root, files)` lays
out a small package for a test that shows a check can fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path


def module_names(folder: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> source file, for every .py file under `folder`."""
    modules: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        parts = list(path.relative_to(folder).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join([package, *parts])] = path
    return modules


def within(module: str, package: str) -> bool:
    """`module` is `package` itself or one of its submodules."""
    return module == package or module.startswith(package + ".")


def write_package(root: Path, files: dict[str, str], package: str = "staycertified") -> Path:
    """Writes `files` (path inside the package -> source) under `root`; the package folder."""
    for name, text in files.items():
        path = root / package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / package


def _is_package(module: str, modules: dict[str, Path]) -> bool:
    return modules[module].name == "__init__.py"


def _resolve(module: str, level: int, target: str | None, modules: dict[str, Path]) -> str:
    """The absolute name of `from <level dots><target> import ...` inside `module`."""
    if level == 0:
        return target or ""
    base = module.split(".")
    if not _is_package(module, modules):
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _names(module: str, tree: ast.AST, modules: dict[str, Path]) -> set[str]:
    """Every absolute name `module` imports (`from a import b` names `a` and `a.b`)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node.level, node.module, modules)
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return found


def _imported(module: str, tree: ast.AST, modules: dict[str, Path]) -> set[str]:
    found = _names(module, tree, modules)
    internal: set[str] = set()
    for name in found:
        # `import a.b.c` also imports a and a.b; keep the deepest internal module named
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name and name != module:
            internal.add(name)
    return internal


def import_graph(folder: Path, package: str) -> dict[str, set[str]]:
    """Module -> the package-internal modules it imports (anywhere in its source)."""
    modules = module_names(folder, package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = _imported(name, tree, modules)
    return graph


def external_imports(folder: Path, package: str) -> dict[str, set[str]]:
    """Module -> the top-level names of what it imports from outside `package`
    (`import boto3.session` -> "boto3"), wherever the import stands."""
    modules = module_names(folder, package)
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        tops = {n.split(".")[0] for n in _names(name, tree, modules) if n}
        found[name] = tops - {package}
    return found


def package_graph(graph: dict[str, set[str]], depth: int = 2) -> dict[str, set[str]]:
    """The module graph folded to packages `depth` names deep (`a.b.c` -> `a.b`):
    which subpackage (or top module) imports which other one."""

    def fold(module: str) -> str:
        return ".".join(module.split(".")[:depth])

    folded: dict[str, set[str]] = {}
    for module, targets in graph.items():
        into = folded.setdefault(fold(module), set())
        into.update(fold(t) for t in targets if fold(t) != fold(module))
    return folded


def _without_parent_packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A submodule importing its own package's `__init__` is how Python runs it
    (`a.b` loads `a` first); an `__init__` that imports its submodules would count
    as a cycle with every one of them. Such edges child -> ancestor are dropped."""
    return {
        module: {t for t in targets if not module.startswith(t + ".")}
        for module, targets in graph.items()
    }


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as a
    sorted list; a cycle means some module imports one that (indirectly) imports it."""
    graph = _without_parent_packages(graph)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module `start` may import, directly or through others (itself included)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return seen


def describe_cycle(graph: dict[str, set[str]], group: Iterable[str]) -> str:
    """One line per import edge inside a cycle group, for the assertion message."""
    members = set(group)
    return "; ".join(
        f"{a} -> {b}" for a in sorted(members) for b in sorted(graph.get(a, set()) & members)
    )


def layer_violations(graph: dict[str, set[str]], layers: list[list[str]]) -> list[str]:
    """`layers` lists module prefixes from the lowest layer up; an import from a
    module of layer i into a module of a layer above i is a violation."""

    def layer_of(module: str) -> int | None:
        for number, prefixes in enumerate(layers):
            if any(module == p or module.startswith(p + ".") for p in prefixes):
                return number
        return None

    found = []
    for module, targets in sorted(graph.items()):
        low = layer_of(module)
        for target in sorted(targets):
            high = layer_of(target)
            if low is not None and high is not None and high > low:
                found.append(f"{module} imports {target}")
    return found

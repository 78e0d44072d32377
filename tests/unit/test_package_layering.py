"""The layer's packages by concept (issue 8 item 4): the domain is pure and at the
bottom; `policy` loads the file against the domain's schema and `domain` never
imports `policy`; no import cycle among the layer's subpackages goes through
`domain` or `policy`. Read from the source with `ast` (tests/import_graph.py)."""

from __future__ import annotations

from pathlib import Path

from import_graph import (
    describe_cycle,
    external_imports,
    import_cycles,
    import_graph,
    package_graph,
)

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "shared" / "staycertified"
DOMAIN = "staycertified.domain"
POLICY = "staycertified.policy"
# I/O and the outside world: none of it in the pure rules ("today" is an argument).
NOT_IN_THE_DOMAIN = {"boto3", "botocore", "mypy_boto3_dynamodb", "aws_lambda_powertools", "moto"}


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def domain_leaks(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a domain module into the layer outside the domain (policy, store, api...)."""
    return [
        f"{module} imports {target}"
        for module, targets in sorted(graph.items())
        if _in(module, DOMAIN)
        for target in sorted(targets)
        if not _in(target, DOMAIN)
    ]


def cycles_through(graph: dict[str, set[str]], packages: tuple[str, ...]) -> list[str]:
    """Import cycles among the top-level subpackages that include one of `packages`."""
    folded = package_graph(graph)
    return [
        describe_cycle(folded, group)
        for group in import_cycles(folded)
        if any(p in group for p in packages)
    ]


def test_the_domain_imports_nothing_of_the_layer_outside_itself() -> None:
    graph = import_graph(LAYER, "staycertified")
    assert any(_in(m, DOMAIN) for m in graph) and any(_in(m, POLICY) for m in graph)
    assert domain_leaks(graph) == []


def test_the_domain_imports_no_aws_sdk_or_runtime() -> None:
    found = external_imports(LAYER, "staycertified")
    leaks = sorted(
        f"{module} imports {name}"
        for module, names in found.items()
        if _in(module, DOMAIN)
        for name in names & NOT_IN_THE_DOMAIN
    )
    assert leaks == []
    # the check sees external imports at all: the store does use boto3
    assert "boto3" in found["staycertified.store.members"]


def test_policy_loads_against_the_domains_schema_one_way() -> None:
    graph = import_graph(LAYER, "staycertified")
    assert "staycertified.domain.policy" in graph[f"{POLICY}.loader"]
    assert not any(_in(t, POLICY) for m, ts in graph.items() if _in(m, DOMAIN) for t in ts)


def test_no_import_cycle_among_subpackages_goes_through_domain_or_policy() -> None:
    graph = import_graph(LAYER, "staycertified")
    assert cycles_through(graph, (DOMAIN, POLICY)) == []


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "staycertified" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "staycertified"


def test_the_checks_catch_the_old_policy_domain_cycle(tmp_path: Path) -> None:
    # Given the layout before: the schema in policy/ importing the domain's model,
    # and a domain rule importing the schema (and, lazily, the store and boto3)
    folder = _write(
        tmp_path,
        {
            "__init__.py": "",
            "domain/__init__.py": "",
            "domain/model.py": "",
            "domain/standing.py": (
                "from staycertified.policy.model import Policy\n"
                "def f():\n    import boto3\n    from staycertified.store import members\n"
            ),
            "policy/__init__.py": "from staycertified.policy.model import Policy\n",
            "policy/model.py": "from staycertified.domain.model import Category\n",
            "store/__init__.py": "",
            "store/members.py": "from staycertified.domain import model\n",
        },
    )
    graph = import_graph(folder, "staycertified")
    assert domain_leaks(graph) == [
        "staycertified.domain.standing imports staycertified.policy.model",
        "staycertified.domain.standing imports staycertified.store",
        "staycertified.domain.standing imports staycertified.store.members",
    ]
    assert cycles_through(graph, (DOMAIN, POLICY)) == [
        "staycertified.domain -> staycertified.policy; "
        "staycertified.domain -> staycertified.store; "
        "staycertified.policy -> staycertified.domain; "
        "staycertified.store -> staycertified.domain"
    ]
    assert external_imports(folder, "staycertified")["staycertified.domain.standing"] >= {"boto3"}

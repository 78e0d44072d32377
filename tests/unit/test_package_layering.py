"""The layer's packages by concept (issue 8 items 4 and 7): the domain is pure and at
the bottom; `policy` loads the file against the domain's schema and `domain` never
imports `policy`; no module of the layer imports one that (indirectly) imports it
back, and its top-level packages and modules (`staycertified.api`, `.payments`,
`.store`, `.activities`...) import each other one way only. `api` is the outermost
edge, the HTTP mapping: nothing else in the layer imports it (a payment, a
recertification or the dashboard answers domain values and stable codes; the code ->
HTTP status table lives in `api.errors`). Read from the source with `ast`
(tests/import_graph.py)."""

from __future__ import annotations

from pathlib import Path

from import_graph import (
    describe_cycle,
    external_imports,
    import_cycles,
    import_graph,
    package_graph,
    reachable,
    within,
    write_package,
)

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "shared" / "staycertified"
DOMAIN = "staycertified.domain"
POLICY = "staycertified.policy"
API = "staycertified.api"
# I/O and the outside world: none of it in the pure rules ("today" is an argument).
NOT_IN_THE_DOMAIN = {"boto3", "botocore", "mypy_boto3_dynamodb", "aws_lambda_powertools", "moto"}


def domain_leaks(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a domain module into the layer outside the domain (policy, store, api...)."""
    return [
        f"{module} imports {target}"
        for module, targets in sorted(graph.items())
        if within(module, DOMAIN)
        for target in sorted(targets)
        if not within(target, DOMAIN)
    ]


def cycles_through(graph: dict[str, set[str]], packages: tuple[str, ...]) -> list[str]:
    """Import cycles among the top-level subpackages that include one of `packages`."""
    folded = package_graph(graph)
    return [
        describe_cycle(folded, group)
        for group in import_cycles(folded)
        if any(p in group for p in packages)
    ]


def module_cycles(graph: dict[str, set[str]]) -> list[str]:
    return [describe_cycle(graph, group) for group in import_cycles(graph)]


def package_cycles(graph: dict[str, set[str]]) -> list[str]:
    folded = package_graph(graph)
    return [describe_cycle(folded, group) for group in import_cycles(folded)]


def imports_of_the_edge(graph: dict[str, set[str]], edge: str = API) -> list[str]:
    """Imports of `edge` from modules of the layer outside it."""
    return [
        f"{module} imports {target}"
        for module, targets in sorted(graph.items())
        if not within(module, edge)
        for target in sorted(targets)
        if within(target, edge)
    ]


def test_the_domain_imports_nothing_of_the_layer_outside_itself() -> None:
    graph = import_graph(LAYER, "staycertified")
    assert any(within(m, DOMAIN) for m in graph) and any(within(m, POLICY) for m in graph)
    assert domain_leaks(graph) == []


def test_the_domain_imports_no_aws_sdk_or_runtime() -> None:
    found = external_imports(LAYER, "staycertified")
    leaks = sorted(
        f"{module} imports {name}"
        for module, names in found.items()
        if within(module, DOMAIN)
        for name in names & NOT_IN_THE_DOMAIN
    )
    assert leaks == []
    # the check sees external imports at all: the store does use boto3
    assert "boto3" in found["staycertified.store.members"]


def test_policy_loads_against_the_domains_schema_one_way() -> None:
    graph = import_graph(LAYER, "staycertified")
    assert "staycertified.domain.policy" in graph[f"{POLICY}.loader"]
    assert not any(within(t, POLICY) for m, ts in graph.items() if within(m, DOMAIN) for t in ts)


def test_no_import_cycle_among_subpackages_goes_through_domain_or_policy() -> None:
    graph = import_graph(LAYER, "staycertified")
    assert cycles_through(graph, (DOMAIN, POLICY)) == []


def test_no_module_of_the_layer_imports_one_that_imports_it_back() -> None:
    graph = import_graph(LAYER, "staycertified")
    assert len(graph) > 100  # the whole layer was read
    assert module_cycles(graph) == []


def test_the_layers_packages_import_each_other_one_way() -> None:
    graph = import_graph(LAYER, "staycertified")
    assert package_cycles(graph) == []


def test_nothing_in_the_layer_outside_api_imports_api() -> None:
    graph = import_graph(LAYER, "staycertified")
    assert imports_of_the_edge(graph) == []


def test_the_public_verification_reaches_only_the_member_store() -> None:
    # VerifyFunction's one route (R38) reads one certification's record: what it may
    # import is the member store and the standing decision, not the member API's
    # use-cases and every store module behind them (cold start, STYLE 2)
    graph = import_graph(LAYER, "staycertified")
    found = reachable(graph, f"{API}.verification")
    assert {"staycertified.standing", "staycertified.store.members"} <= found
    assert sorted(m for m in found if within(m, API)) == [
        API,
        f"{API}.errors",
        f"{API}.schemas",
        f"{API}.verification",
    ]
    assert sorted(m for m in found if within(m, "staycertified.store")) == [
        "staycertified.store",
        "staycertified.store.badges",
        "staycertified.store.documents",
        "staycertified.store.keys",
        "staycertified.store.members",
        "staycertified.store.table",
    ]


def test_the_checks_catch_the_old_policy_domain_cycle(tmp_path: Path) -> None:
    # Given the layout before: the schema in policy/ importing the domain's model,
    # and a domain rule importing the schema (and, lazily, the store and boto3)
    folder = write_package(
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


def test_the_checks_see_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    # Given the shape of the old layer: the API's service imports the status view,
    # which imports a recertification module that (inside a function) imports the
    # service back; and the webhook of payments built on the API's resolver
    folder = write_package(
        tmp_path,
        {
            "__init__.py": "",
            "api/__init__.py": "",
            "api/service.py": "from staycertified.api import status\n",
            "api/status.py": "def f():\n    from staycertified.recertification import service\n",
            "api/signed_webhook.py": "",
            "payments/__init__.py": "",
            "payments/webhook.py": "from staycertified.api.signed_webhook import answer\n",
            "recertification/__init__.py": "",
            "recertification/service.py": "def g():\n    from staycertified.api.service import h\n",
            "store/__init__.py": "",
            "store/members.py": "from staycertified.recertification import model\n",
            "recertification/model.py": "from staycertified.store import keys\n",
            "store/keys.py": "",
        },
    )
    graph = import_graph(folder, "staycertified")
    assert module_cycles(graph) == [
        "staycertified.api.service -> staycertified.api.status; "
        "staycertified.api.status -> staycertified.recertification.service; "
        "staycertified.recertification.service -> staycertified.api.service"
    ]
    assert package_cycles(graph) == [
        "staycertified.api -> staycertified.recertification; "
        "staycertified.recertification -> staycertified.api; "
        "staycertified.recertification -> staycertified.store; "
        "staycertified.store -> staycertified.recertification"
    ]
    assert imports_of_the_edge(graph) == [
        "staycertified.payments.webhook imports staycertified.api.signed_webhook",
        "staycertified.recertification.service imports staycertified.api.service",
    ]

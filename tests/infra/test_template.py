"""The template checked by reading it: what moto cannot tell us."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from staycertified_sandbox.template import load_template, translate

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
SAM = load_template(TEMPLATE)


def state_machines() -> list[tuple[str, dict[str, Any]]]:
    return [
        (logical_id, resource["Properties"])
        for logical_id, resource in SAM["Resources"].items()
        if resource["Type"] == "AWS::Serverless::StateMachine"
    ]


def definition_text(props: dict[str, Any]) -> str:
    return (ROOT / props["DefinitionUri"]).read_text()


def test_template_passes_cfn_lint() -> None:
    from cfnlint.api import ManualArgs, lint_file

    # informational checks included (issue 10: cfn-lint --include-checks I is clean)
    config = ManualArgs(regions=["us-east-1"], include_checks=["I"])
    matches = lint_file(TEMPLATE, config=config)
    assert [str(match) for match in matches] == []


@pytest.mark.parametrize(("logical_id", "props"), state_machines(), ids=lambda v: str(v)[:40])
def test_definition_substitutions_match_the_placeholders_both_ways(
    logical_id: str, props: dict[str, Any]
) -> None:
    placeholders = set(re.findall(r"\$\{([^}]+)\}", definition_text(props)))
    substitutions = set(props.get("DefinitionSubstitutions", {}))
    assert placeholders - substitutions == set(), f"{logical_id}: placeholders without a value"
    assert substitutions - placeholders == set(), f"{logical_id}: values no placeholder uses"


def all_states(definition: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every state, nested ones (Map, Parallel) included."""
    for name, state in definition.get("States", {}).items():
        yield name, state
        for nested in (state.get("ItemProcessor"), state.get("Iterator")):
            if nested:
                yield from all_states(nested)
        for branch in state.get("Branches", []):
            yield from all_states(branch)


@pytest.mark.parametrize(("logical_id", "props"), state_machines(), ids=lambda v: str(v)[:40])
def test_state_machines_use_jsonpath_only(logical_id: str, props: dict[str, Any]) -> None:
    definition = json.loads(definition_text(props))
    languages = {definition.get("QueryLanguage", "JSONPath")} | {
        state.get("QueryLanguage", "JSONPath") for _, state in all_states(definition)
    }
    assert languages == {"JSONPath"}, f"{logical_id}: moto has no JSONata engine"


@pytest.mark.parametrize(("logical_id", "props"), state_machines(), ids=lambda v: str(v)[:40])
def test_every_task_says_what_its_output_is(logical_id: str, props: dict[str, Any]) -> None:
    """ResultPath on every Task, or an OutputPath that shapes the state's output."""
    definition = json.loads(definition_text(props))
    unshaped = [
        name
        for name, state in all_states(definition)
        if state["Type"] == "Task" and "ResultPath" not in state and "OutputPath" not in state
    ]
    assert unshaped == []


# Lambda's own service errors, its timeout, the task's timeout, and our TransientError.
TRANSIENT = {
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Sandbox.Timedout",
    "States.Timeout",
    "TransientError",
}


def function_timeout(arn_placeholder: str, props: dict[str, Any]) -> int:
    """The Timeout of the function a `${XFunctionArn}` placeholder names."""
    name = arn_placeholder.strip("${}")
    logical_id = props["DefinitionSubstitutions"][name]["Fn::GetAtt"]
    logical_id = logical_id[0] if isinstance(logical_id, list) else logical_id.split(".")[0]
    function = SAM["Resources"][logical_id]["Properties"]
    return int(function.get("Timeout", SAM["Globals"]["Function"].get("Timeout", 3)))


@pytest.mark.parametrize(("logical_id", "props"), state_machines(), ids=lambda v: str(v)[:40])
def test_every_lambda_task_retries_transient_errors_and_times_out_after_its_function(
    logical_id: str, props: dict[str, Any]
) -> None:
    """STYLE 6: every Lambda task retries Lambda's service errors, timeouts and
    TransientError, and its TimeoutSeconds exceeds the function's own timeout."""
    definition = json.loads(definition_text(props))
    tasks = [
        (name, state)
        for name, state in all_states(definition)
        if state["Type"] == "Task"
        and state["Resource"].startswith("arn:aws:states:::lambda:invoke")
    ]
    assert tasks
    for name, state in tasks:
        retried = {error for rule in state.get("Retry", []) for error in rule["ErrorEquals"]}
        assert retried >= TRANSIENT, f"{logical_id}.{name} does not retry {TRANSIENT - retried}"
        assert "States.ALL" not in retried, f"{logical_id}.{name} retries domain errors"
        function = state["Parameters"]["FunctionName"]
        assert state.get("TimeoutSeconds", 0) > function_timeout(function, props), name


def test_a_failed_renewal_batch_fails_the_execution() -> None:
    """STYLE 14: the Map writes its results to S3, and a failed batch ends in a Fail state."""
    [(_, props)] = [p for p in state_machines() if p[0] == "RenewalNoticesStateMachine"]
    states = dict(all_states(json.loads(definition_text(props))))
    assert "ResultWriter" in states["SendBatches"]
    assert states["BatchesFailed"]["Type"] == "Fail"


@pytest.mark.parametrize(("logical_id", "props"), state_machines(), ids=lambda v: str(v)[:40])
def test_every_distributed_map_keeps_its_results_out_of_the_state(
    logical_id: str, props: dict[str, Any]
) -> None:
    """STYLE 14 (issue 8 item 6): a Distributed Map's results grow with its items, so
    every one writes them to S3 (ResultWriter) or drops them (ResultPath null), and its
    machine fails visibly (a Fail state) when an iteration failed; the role may write
    the results where the ResultWriter puts them."""
    definition = json.loads(definition_text(props))
    maps = [
        (name, state)
        for name, state in all_states(definition)
        if state["Type"] == "Map"
        and state.get("ItemProcessor", {}).get("ProcessorConfig", {}).get("Mode") == "DISTRIBUTED"
    ]
    for name, state in maps:
        inline = "ResultWriter" not in state and state.get("ResultPath", "$") is not None
        assert not inline, f"{logical_id}.{name} keeps every iteration's result in the state"
        fails = [n for n, s in all_states(definition) if s["Type"] == "Fail"]
        assert fails, f"{logical_id}: a failed iteration cannot fail the execution"
        if "ResultWriter" in state:
            prefix = state["ResultWriter"]["Parameters"]["Prefix"]
            granted = json.dumps(props.get("Policies", []))
            assert f"/{prefix}/*" in granted and "s3:PutObject" in granted, name


def dependencies(value: Any) -> Iterator[str]:
    """Logical ids a resource refers to (Ref, GetAtt, ${X} in Sub)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref":
                yield item
            elif key == "Fn::GetAtt":
                yield item[0] if isinstance(item, list) else item.split(".")[0]
            elif key == "Fn::Sub":
                text = item[0] if isinstance(item, list) else item
                local = set(item[1]) if isinstance(item, list) else set()
                for name in re.findall(r"\$\{([^!}][^}]*)\}", text):
                    if name.split(".")[0] not in local:
                        yield name.split(".")[0]
                if isinstance(item, list):
                    yield from dependencies(item[1])
            else:
                yield from dependencies(item)
    elif isinstance(value, list):
        for item in value:
            yield from dependencies(item)


def find_cycle(resources: dict[str, Any]) -> list[str] | None:
    graph = {
        logical_id: {
            target
            for target in [*dependencies(resource), *_depends_on(resource)]
            if target in resources
        }
        for logical_id, resource in resources.items()
    }
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def _depends_on(resource: dict[str, Any]) -> list[str]:
    depends = resource.get("DependsOn", [])
    return [depends] if isinstance(depends, str) else list(depends)


def test_cycle_finder_finds_a_cycle() -> None:
    resources = {
        "A": {"Properties": {"X": {"Ref": "B"}}},
        "B": {"Properties": {"Y": {"Fn::Sub": "${C.Arn}"}}},
        "C": {"DependsOn": "A"},
    }
    assert find_cycle(resources) == ["A", "B", "C", "A"]


def test_translated_template_has_no_circular_dependency() -> None:
    translated = translate(TEMPLATE, "staycertified", "us-east-1", "123456789012", {})
    cfn = translated.cfn
    for logical_id, config in translated.notifications.items():  # as deployed to AWS
        cfn["Resources"][logical_id]["Properties"]["NotificationConfiguration"] = config
    assert find_cycle(cfn["Resources"]) is None


def test_every_bucket_has_a_tls_only_policy() -> None:
    buckets = {lid for lid, r in SAM["Resources"].items() if r["Type"] == "AWS::S3::Bucket"}
    protected = set()
    for resource in SAM["Resources"].values():
        if resource["Type"] != "AWS::S3::BucketPolicy":
            continue
        statements = resource["Properties"]["PolicyDocument"]["Statement"]
        if any(
            s["Effect"] == "Deny"
            and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            for s in statements
        ):
            protected.add(resource["Properties"]["Bucket"]["Ref"])
    assert buckets - protected == set()


def test_r5_a_notice_claim_outlives_every_function_so_only_a_dead_run_loses_it() -> None:
    """The ledger's lease (NoticeLeaseSeconds) must be longer than any function's
    timeout: a claim younger than that may belong to a run that is still sending."""
    template = load_template(TEMPLATE)
    lease = int(template["Parameters"]["NoticeLeaseSeconds"]["Default"])
    timeouts = [int(template["Globals"]["Function"]["Timeout"])] + [
        int(resource["Properties"]["Timeout"])
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function" and "Timeout" in resource["Properties"]
    ]
    assert lease > max(timeouts)
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["NOTICE_LEASE_SECONDS"] == {"Ref": "NoticeLeaseSeconds"}


def test_every_table_is_read_by_the_code() -> None:
    """Item 8: no provisioned table that no code uses: every table reaches the
    functions through an environment variable that some module of shared/ or
    functions/ reads."""
    tables = {
        logical_id
        for logical_id, resource in SAM["Resources"].items()
        if resource["Type"] in ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")
    }
    environments = [SAM.get("Globals", {}).get("Function", {}).get("Environment", {})]
    environments += [
        resource["Properties"].get("Environment", {})
        for resource in SAM["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
    ]
    variables: dict[str, set[str]] = {table: set() for table in tables}
    for environment in environments:
        for name, value in (environment.get("Variables") or {}).items():
            for table in set(dependencies(value)) & tables:
                variables[table].add(name)
    code = "\n".join(
        path.read_text()
        for folder in ("shared", "functions")
        for path in (ROOT / folder).rglob("*.py")
    )
    unused = {table for table, names in variables.items() if not any(n in code for n in names)}
    assert tables and unused == set(), unused

"""Starting a run (R39, R40) and planning a month over the anniversary index (R3, R4)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from staycertified.renewals.plan import RunInput, plan_month
from staycertified.renewals.start import StartRunEvent, run_day, start_run

from .conftest import World


class FakeStepFunctions:
    class exceptions:
        class ExecutionAlreadyExists(Exception):
            pass

    def __init__(self) -> None:
        self.names: list[str] = []
        self.inputs: list[dict[str, Any]] = []

    def start_execution(self, *, stateMachineArn: str, name: str, input: str) -> dict[str, str]:
        if name in self.names:
            raise self.exceptions.ExecutionAlreadyExists(name)
        self.names.append(name)
        self.inputs.append(json.loads(input))
        return {"executionArn": f"arn:exec:{name}"}


class Log:
    def info(self, *args: Any, **kwargs: Any) -> None: ...
    def warning(self, *args: Any, **kwargs: Any) -> None: ...


CHICAGO = "America/Chicago"


@pytest.mark.parametrize(
    ("scheduled", "month"),
    [
        ("2026-12-01T12:00:00Z", "2026-12"),  # 06:00 in Chicago on the 1st
        ("2027-01-01T03:00:00Z", "2026-12"),  # still 31 December in Chicago
        ("2027-01-01T06:00:00Z", "2027-01"),
    ],
)
def test_r39_r40_the_run_month_is_the_scheduled_instant_in_the_body_time_zone(
    scheduled: str, month: str
) -> None:
    day = run_day(
        StartRunEvent.model_validate({"workflow": "renewals", "scheduledTime": scheduled}), CHICAGO
    )
    assert f"{day.year:04d}-{day.month:02d}" == month


def test_r5_a_second_start_of_the_same_month_is_refused_by_step_functions_and_reported_as_already_started() -> (
    None
):
    client = FakeStepFunctions()
    event = StartRunEvent.model_validate(
        {"workflow": "renewals", "scheduledTime": "2026-12-01T12:00:00Z"}
    )
    first = start_run(
        event, state_machine_arn="arn:sm", time_zone=CHICAGO, client=client, logger=Log()
    )
    second = start_run(
        event, state_machine_arn="arn:sm", time_zone=CHICAGO, client=client, logger=Log()
    )
    assert (first.status, second.status) == ("STARTED", "ALREADY_STARTED")
    assert client.names == ["renewals-2026-12"]
    assert client.inputs[0] == {
        "workflow": "renewals",
        "runId": "renewals-2026-12",
        "runMonth": "2026-12",
        "asOf": "2026-12-01",
    }


def test_an_operator_reruns_a_month_under_a_label() -> None:
    client = FakeStepFunctions()
    event = StartRunEvent.model_validate(
        {"workflow": "renewals", "runMonth": "2026-12", "rerun": "ops-1"}
    )
    started = start_run(
        event, state_machine_arn="arn:sm", time_zone=CHICAGO, client=client, logger=Log()
    )
    assert started.run_id == "renewals-2026-12-ops-1"


def test_a_start_event_without_a_date_is_refused() -> None:
    with pytest.raises(ValueError):
        StartRunEvent.model_validate({"workflow": "renewals"})


def plan(world: World, month: str) -> list[dict[str, Any]]:
    result = plan_month(
        RunInput.model_validate({"runId": f"renewals-{month}", "runMonth": month}),
        table=world.table,
        s3=world.s3,
        mail_bucket="mail",
        policy=world.ports.policy,
    )
    body = world.s3.get_object(Bucket="mail", Key=result["batchesKey"])["Body"].read()
    return [item for b in json.loads(body) for item in b["items"]]


def steps(items: list[dict[str, Any]]) -> set[tuple[str, str, int]]:
    return {
        (i["certification"]["certificate_number"], i["step"], i["membershipYear"]) for i in items
    }


def test_r3_r4_a_december_anniversary_crosses_the_year_boundary(world: World) -> None:
    world.member("D", certified_on=date(2020, 12, 10))
    assert steps(plan(world, "2026-11")) == {("RMA-D", "RENEWAL_NOTICE", 2026)}
    assert steps(plan(world, "2026-12")) == {("RMA-D", "REMINDER", 2026)}
    assert steps(plan(world, "2027-01")) == {("RMA-D", "PAST_DUE", 2026)}
    assert steps(plan(world, "2027-02")) == set()


def test_r39_a_29_february_certification_is_invoiced_in_february_due_the_28th(world: World) -> None:
    world.member("F", certified_on=date(2024, 2, 29))
    [item] = plan(world, "2025-01")
    assert (item["step"], item["membershipYear"], item["dueDate"]) == (
        "RENEWAL_NOTICE",
        2025,
        "2025-02-28",
    )
    [leap] = plan(world, "2028-01")
    assert leap["dueDate"] == "2028-02-29"


def test_r3_no_invoice_for_the_year_the_certification_itself_covers(world: World) -> None:
    world.member("N", certified_on=date(2026, 2, 1))
    assert plan(world, "2026-01") == []
    assert steps(plan(world, "2027-01")) == {("RMA-N", "RENEWAL_NOTICE", 2027)}


def test_r7_a_year_already_covered_by_paid_through_is_not_planned(world: World) -> None:
    world.member("P", certified_on=date(2020, 2, 10), paid_through=date(2027, 2, 28))
    assert plan(world, "2026-01") == []


def test_the_plan_reads_the_anniversary_index_and_never_scans(world: World) -> None:
    world.member("D", certified_on=date(2020, 12, 10))
    calls: list[str] = []
    client = world.table.meta.client
    client.meta.events.register(
        "before-call.dynamodb.*", lambda model, **kw: calls.append(model.name)
    )
    plan(world, "2026-12")
    assert "Scan" not in calls and calls.count("Query") == 3

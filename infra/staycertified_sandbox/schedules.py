"""The template's schedules, fired by the simulated clock.

Found in the translated template, so SAM `ScheduleV2` events
(`AWS::Scheduler::Schedule`), SAM `Schedule` events and plain scheduled rules
(`AWS::Events::Rule` with a `ScheduleExpression`) are all covered.

- Scheduler: the target receives its `Input` with the context attributes
  (`<aws.scheduler.scheduled-time>` as UTC ISO-8601, `<aws.scheduler.schedule-arn>`,
  `<aws.scheduler.execution-id>`, `<aws.scheduler.attempt-number>`) replaced.
- Rules: the target receives the "Scheduled Event" with `time` = the simulated
  instant (rules are always UTC), or its `Input` if it has one.

Lambda targets are invoked asynchronously (InvocationType=Event) as both
services do; a state machine target gets a StartExecution. Not modelled:
FlexibleTimeWindow (fired at the exact minute), retries of failed deliveries.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import boto3

from .cron import ScheduleExpression
from .intrinsics import Stack, resolve
from .moto_fixes import iso_utc
from .template import Translated


@dataclass(frozen=True)
class Schedule:
    logical_id: str
    kind: str  # "scheduler" or "rule"
    expression: ScheduleExpression
    targets: tuple[dict[str, Any], ...]  # resolved Arn, optional Input
    arn: str
    start: datetime | None = None
    end: datetime | None = None

    def instants(self, after: datetime, until: datetime) -> list[datetime]:
        return [
            instant
            for instant in self.expression.between(after, until)
            if (self.start is None or instant >= self.start)
            and (self.end is None or instant <= self.end)
        ]


@dataclass(frozen=True)
class Firing:
    """One schedule firing: which schedule, at which instant, what was sent where."""

    schedule: str
    at: datetime
    target: str
    payload: Any


def discover(translated: Translated, stack: Stack, anchor: datetime) -> list[Schedule]:
    schedules = []
    for logical_id, props in translated.cfn_resources("AWS::Scheduler::Schedule"):
        if props.get("State", "ENABLED") == "ENABLED":
            schedules.append(_scheduler_schedule(logical_id, resolve(props, stack), stack, anchor))
    for logical_id, props in translated.cfn_resources("AWS::Events::Rule"):
        if "ScheduleExpression" in props and props.get("State", "ENABLED") == "ENABLED":
            schedules.append(_rule_schedule(logical_id, resolve(props, stack), stack, anchor))
    return schedules


def _scheduler_schedule(
    logical_id: str, props: dict[str, Any], stack: Stack, anchor: datetime
) -> Schedule:
    zone = ZoneInfo(props.get("ScheduleExpressionTimezone") or "UTC")
    name = props.get("Name", logical_id)
    group = props.get("GroupName", "default")
    return Schedule(
        logical_id=logical_id,
        kind="scheduler",
        expression=ScheduleExpression(props["ScheduleExpression"], zone, anchor),
        targets=(props["Target"],),
        arn=f"arn:aws:scheduler:{stack.region}:{stack.account}:schedule/{group}/{name}",
        start=_instant(props.get("StartDate"), zone),
        end=_instant(props.get("EndDate"), zone),
    )


def _rule_schedule(
    logical_id: str, props: dict[str, Any], stack: Stack, anchor: datetime
) -> Schedule:
    return Schedule(
        logical_id=logical_id,
        kind="rule",
        expression=ScheduleExpression(props["ScheduleExpression"], ZoneInfo("UTC"), anchor),
        targets=tuple(props.get("Targets", [])),
        arn=stack.get_att(logical_id, "Arn"),
    )


def _instant(text: str | None, zone: ZoneInfo) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def due(
    schedules: list[Schedule], after: datetime, until: datetime
) -> list[tuple[datetime, Schedule]]:
    """Every (instant, schedule) in (after, until], in time order (ties: template order)."""
    pending = [
        (instant, index, schedule)
        for index, schedule in enumerate(schedules)
        for instant in schedule.instants(after, until)
    ]
    return [(instant, schedule) for instant, _, schedule in sorted(pending, key=lambda p: p[:2])]


def fire(
    schedule: Schedule, instant: datetime, stack: Stack, client: Callable[[str], Any] | None = None
) -> list[Firing]:
    """Delivers the schedule's payload to each target; `client(service)` gives the boto3
    client to deliver with (the sandbox's own, made once: a client costs milliseconds)."""
    make = client or (lambda service: boto3.client(service, region_name=stack.region))
    firings = []
    for target in schedule.targets:
        payload = _payload(schedule, target, instant, stack)
        _send(target["Arn"], payload, make)
        firings.append(Firing(schedule.logical_id, instant, target["Arn"], payload))
    return firings


def _payload(schedule: Schedule, target: dict[str, Any], instant: datetime, stack: Stack) -> Any:
    if schedule.kind == "scheduler":
        text = target.get("Input", "{}")
        for placeholder, value in {
            "<aws.scheduler.scheduled-time>": iso_utc(instant),
            "<aws.scheduler.schedule-arn>": schedule.arn,
            "<aws.scheduler.execution-id>": str(uuid.uuid4()),
            "<aws.scheduler.attempt-number>": "1",
        }.items():
            text = text.replace(placeholder, value)
        return json.loads(text)
    if "Input" in target:
        return json.loads(target["Input"])
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": stack.account,
        "time": iso_utc(instant),
        "region": stack.region,
        "resources": [schedule.arn],
        "detail": {},
    }


def _send(arn: str, payload: Any, client: Callable[[str], Any]) -> None:
    service = arn.split(":")[2]
    if service == "lambda":
        client("lambda").invoke(
            FunctionName=arn, InvocationType="Event", Payload=json.dumps(payload).encode()
        )
    elif service == "states":
        client("stepfunctions").start_execution(stateMachineArn=arn, input=json.dumps(payload))
    else:
        raise NotImplementedError(f"schedule target {arn}: only Lambda and Step Functions")


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)

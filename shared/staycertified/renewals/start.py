"""Starting a scheduled workflow with an execution name that carries its business key.

Events (StartRunFunction):

- scheduled: ``{"workflow": "renewals", "scheduledTime": "2026-12-01T12:00:00Z"}``
  -> the run month is the month of that instant in the body's time zone
  (R39, R40: never the system clock);
- manual (operators): ``{"workflow": "renewals", "runMonth": "2026-12"}``, and
  to run a month again on purpose ``"rerun": "<label>"`` (letters, digits,
  dashes): the execution is then ``renewals-2026-12-<label>``. The notice ledger
  still lets no notice go twice (R5).

The execution is named ``renewals-YYYY-MM``; Step Functions refuses a second
execution of that name (``ExecutionAlreadyExists``), which is the answer we
want: it is logged and reported as ``ALREADY_STARTED``, not as an error.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from staycertified.domain.dates import local_date

RUN_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LABEL = re.compile(r"^[A-Za-z0-9-]{1,20}$")


class StartRunEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    workflow: Literal["renewals", "audit"]
    scheduled_time: str | None = Field(default=None, alias="scheduledTime")
    run_month: str | None = Field(default=None, alias="runMonth")
    rerun: str | None = None

    @model_validator(mode="after")
    def _one_date(self) -> StartRunEvent:
        if not self.scheduled_time and not self.run_month:
            raise ValueError("scheduledTime or runMonth is required")
        if self.run_month and not RUN_MONTH.match(self.run_month):
            raise ValueError("runMonth must be YYYY-MM")
        if self.rerun and not LABEL.match(self.rerun):
            raise ValueError("rerun must be 1-20 letters, digits or dashes")
        return self


class RunStart(BaseModel):
    """What was asked of Step Functions, and what it said."""

    model_config = ConfigDict(defer_build=True)

    workflow: str
    run_id: str = Field(serialization_alias="runId")
    run_month: str = Field(serialization_alias="runMonth")
    as_of: date = Field(serialization_alias="asOf")
    status: Literal["STARTED", "ALREADY_STARTED", "NOT_CONFIGURED"]
    execution_arn: str | None = Field(default=None, serialization_alias="executionArn")


def run_day(event: StartRunEvent, time_zone: str) -> date:
    """The run's "today": the scheduled instant's date in the body's zone, or the 1st."""
    if event.run_month:
        year, month = (int(part) for part in event.run_month.split("-"))
        return date(year, month, 1)
    from datetime import UTC, datetime

    assert event.scheduled_time is not None
    instant = datetime.fromisoformat(event.scheduled_time.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return local_date(instant, time_zone)


def start_run(
    event: StartRunEvent,
    *,
    state_machine_arn: str | None,
    time_zone: str,
    client: Any,
    logger: Any,
) -> RunStart:
    day = run_day(event, time_zone)
    run_month = f"{day.year:04d}-{day.month:02d}"
    prefix = "renewals" if event.workflow == "renewals" else "audit"
    period = run_month if event.workflow == "renewals" else f"{day.year:04d}"
    run_id = f"{prefix}-{period}" + (f"-{event.rerun}" if event.rerun else "")
    base = {"workflow": event.workflow, "run_id": run_id, "run_month": run_month, "as_of": day}
    if not state_machine_arn:
        logger.warning("no state machine configured for workflow", extra={"workflow": prefix})
        return RunStart(**base, status="NOT_CONFIGURED")
    execution_input = {
        "workflow": event.workflow,
        "runId": run_id,
        "runMonth": run_month,
        "asOf": day.isoformat(),
    }
    try:
        answer = client.start_execution(
            stateMachineArn=state_machine_arn, name=run_id, input=json.dumps(execution_input)
        )
    except client.exceptions.ExecutionAlreadyExists:
        logger.info("run already started; nothing to do", extra={"runId": run_id})
        return RunStart(**base, status="ALREADY_STARTED")
    logger.info("run started", extra={"runId": run_id})
    return RunStart(**base, status="STARTED", execution_arn=answer["executionArn"])

"""What starts a handler that is not an HTTP request, validated at the edge (docs/events.md).

The schedules' input (`ScheduledRun`) and the learning platform's events; the
HTTP edge is `staycertified.api`, and neither imports the other.

`CourseCompleted`: the learning platform's completion of one of the body's own
online CE courses (R13), delivered by EventBridge with source
`staycertified.learning` and detail-type `CourseCompleted`.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.alias_generators import to_camel

from staycertified.text import LINE

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,80}$")]


class CourseCompleted(BaseModel):
    """The `detail` of a CourseCompleted event: exactly one of contactHours or ceu."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
        defer_build=True,
    )

    completion_id: Id
    member_id: Id
    certificate_number: Id | None = None
    course_id: Id
    title: Annotated[str, StringConstraints(min_length=1, max_length=300), LINE]
    contact_hours: Annotated[Decimal, Field(gt=0, le=1000)] | None = None
    ceu: Annotated[Decimal, Field(gt=0, le=100)] | None = None
    completed_on: date

    @model_validator(mode="after")
    def _one_quantity(self) -> CourseCompleted:
        if (self.contact_hours is None) == (self.ceu is None):
            raise ValueError("exactly one of contactHours or ceu is required")
        return self


def course_completed_event() -> type[BaseModel]:
    """The whole EventBridge event of a completion: Powertools Parser's EventBridge
    model (envelope fields validated, `time` for R40) with `detail` a CourseCompleted."""
    return _course_completed_event()


@functools.cache
def _course_completed_event() -> type[BaseModel]:
    from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

    class CourseCompletedEvent(EventBridgeModel):
        detail: CourseCompleted  # type: ignore[assignment]

    return CourseCompletedEvent


class ScheduledRun(BaseModel):
    """The input of a ScheduleV2 target: `{"scheduledTime": "<aws.scheduler.scheduled-time>"}`."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    scheduled_time: Annotated[str, Field(alias="scheduledTime", min_length=10)]

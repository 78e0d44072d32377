"""ProviderCeFunction: a CourseCompleted event from the learning platform (R13,
docs/events.md) becomes a verified PROVIDER activity, recorded once per
completionId (conditional transaction). "Today" is when EventBridge received the
event (`receivedAt`, the rule target's input transformer puts
`<aws.events.event.ingestion-time>` there; R40, finding 4), never the `time`
the sender chose. The event arrives only on the learning bus, whose resource
policy admits only the learning platform's principal.

The event is parsed by Powertools Parser with its EventBridge model (the
envelope the input transformer rebuilds), the `detail` validated as `CourseCompleted`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.observability import lambda_entry, logger, metrics

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def handle(event: dict[str, Any], context: Any, *, table: Table | None = None) -> dict[str, Any]:
    from aws_lambda_powertools.metrics import MetricUnit
    from aws_lambda_powertools.utilities.parser import parse
    from pydantic import ValidationError

    from staycertified import config
    from staycertified.clock import scheduled_day
    from staycertified.lifecycle.provider_ce import record_completion
    from staycertified.policy import load_policy
    from staycertified.triggers import course_completed_event

    current = config.settings()
    try:
        parsed: Any = parse(event=event, model=course_completed_event())
        detail = parsed.detail
        today = scheduled_day(str(event["receivedAt"]), current.body_time_zone)
    except (ValidationError, KeyError, ValueError, TypeError) as error:
        count = len(error.errors()) if isinstance(error, ValidationError) else 1
        logger.warning("CourseCompleted event rejected as malformed", extra={"errors": count})
        metrics.add_metric(name="ProviderCeMalformed", unit=MetricUnit.Count, value=1)
        return {"status": "MALFORMED"}
    outcome = record_completion(
        table if table is not None else config.table(), detail, today, load_policy()
    )
    name = {"RECORDED": "ProviderCeRecorded", "DUPLICATE": "ProviderCeDuplicate"}.get(
        outcome.status, "ProviderCeRejected"
    )
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
    logger.info(
        "provider CE completion",
        extra={
            "status": outcome.status,
            "codes": list(outcome.codes),
            "completion_id": detail.completion_id,
        },
    )
    return outcome.model_dump(mode="json")


lambda_handler = lambda_entry(handle, with_context=True)

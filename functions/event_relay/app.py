"""EventRelayFunction: puts the outbox's events on the domain event bus
(staycertified.events.outbox, docs/events.md).

Two triggers, one job:
- the outbox table's DynamoDB stream: each INSERT is published at once;
- the schedule (`scheduledTime`): every event still pending is published, so an
  event whose relay died between the write and the publish is delivered anyway.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from staycertified.observability import lambda_entry, logger, metrics

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def _events_client() -> Any:
    from staycertified import aws

    return aws.events()


def handle(
    event: dict[str, Any],
    context: Any,
    *,
    outbox: Table | None = None,
    events_client: Any = None,
) -> dict[str, Any]:
    from aws_lambda_powertools.metrics import MetricUnit

    from staycertified import config
    from staycertified.clock import scheduled_day
    from staycertified.events import outbox as relay

    table = outbox if outbox is not None else relay.default_table()
    client = events_client if events_client is not None else _events_client()
    bus = os.environ[relay.BUS_ENV]
    if "Records" in event:
        items = relay.from_stream(event["Records"])
        report = relay.publish(items, outbox=table, events_client=client, bus_name=bus)
        trigger = "stream"
    else:
        today = scheduled_day(str(event["scheduledTime"]), config.settings().body_time_zone)
        report = relay.publish(
            relay.pending_items(table),
            outbox=table,
            events_client=client,
            bus_name=bus,
            published_on=today,
        )
        trigger = "schedule"
    metrics.add_metric(name="DomainEventsPublished", unit=MetricUnit.Count, value=report.published)
    metrics.add_metric(name="DomainEventsFailed", unit=MetricUnit.Count, value=report.failed)
    logger.info("event relay", extra={"trigger": trigger, **report.model_dump()})
    if report.failed and trigger == "stream":
        # the stream retries the batch (at least once; the consumers dedupe on eventId)
        raise RuntimeError(f"{report.failed} events not accepted by the bus")
    return report.model_dump()


lambda_handler = lambda_entry(handle, with_context=True)

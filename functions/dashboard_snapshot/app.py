"""DashboardSnapshotFunction: the staff dashboards' monthly figures, computed from
the stored records and kept (see `staycertified.dashboard`), so that the
dashboard route never reads the member base.

"Today" is the schedule's `scheduledTime` in the body's time zone (R39, R40).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.observability import lambda_entry, logger, metrics

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def handle(event: dict[str, Any], *, table: Table | None = None) -> dict[str, Any]:
    from aws_lambda_powertools.metrics import MetricUnit

    from staycertified import config, dashboard
    from staycertified.clock import scheduled_day
    from staycertified.policy import load_policy
    from staycertified.triggers import ScheduledRun

    run = ScheduledRun.model_validate(event)
    today = scheduled_day(run.scheduled_time, config.settings().body_time_zone)
    target = table if table is not None else config.table()
    figures = dashboard.compute_snapshot(target, today, load_policy())
    dashboard.store_snapshot(target, figures)
    total = sum(figures["standing"].values())
    metrics.add_metric(name="CertificationsCounted", unit=MetricUnit.Count, value=total)
    logger.info(
        "dashboard snapshot", extra={"asOf": figures["asOf"], "standing": figures["standing"]}
    )
    return {"asOf": figures["asOf"], "standing": figures["standing"]}


lambda_handler = lambda_entry(handle)

"""DocumentUploadedFunction (R15): the bucket's side of every upload, for every purpose.

Each created object under `uploads/` is checked against its grant and its content
(`staycertified.documents.checks`): received and attached, or rejected and removed;
an object without a grant is removed and nothing is written. Safe to run twice for
the same event. Only counts go to the logs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from staycertified.observability import lambda_entry, logger, metrics


def _s3() -> Any:
    from staycertified import aws

    return aws.s3()


def handle(
    event: dict[str, Any],
    context: Any,
    *,
    table: Any = None,
    s3: Any = None,
    time_zone: str | None = None,
) -> dict[str, int]:
    from aws_lambda_powertools.metrics import MetricUnit
    from aws_lambda_powertools.utilities.data_classes import S3Event

    from staycertified import config
    from staycertified.documents.checks import UploadedObject, process_object
    from staycertified.domain.dates import local_date

    table = table if table is not None else config.table()
    s3 = s3 if s3 is not None else _s3()
    zone = time_zone or config.settings().body_time_zone
    outcomes: dict[str, int] = {}
    for record in S3Event(event).records:
        received_at = datetime.fromisoformat(record.event_time.replace("Z", "+00:00"))
        uploaded = UploadedObject(
            bucket=record.s3.bucket.name,
            # The key arrives URL-encoded (Powertools' data class leaves it so).
            key=unquote_plus(record.s3.get_object.key),
            received_at=received_at,
            today=local_date(received_at, zone),
        )
        outcome = process_object(uploaded, table=table, s3=s3)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    for outcome, count in outcomes.items():
        metrics.add_metric(name=f"Documents{outcome.title()}", unit=MetricUnit.Count, value=count)
    logger.info("documents processed", extra={"outcomes": outcomes})
    return outcomes


lambda_handler = lambda_entry(handle, with_context=True)

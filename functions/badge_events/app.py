"""BadgeEventsFunction: the Credly badge follows the domain events (R36,
staycertified.badges.lifecycle).

- an EventBridge event from DomainEventBus (CertificationActivated, FeePaid,
  CycleRolledOver, RecertificationRequired): one Credly call, once per
  (certification, event); a call that fails after the client's retries raises
  (the asynchronous invoke retries, then the dead-letter queue and its alarm);
- the daily schedule (`scheduledTime`): every badge call not DONE is made again.
"""

from __future__ import annotations

import json
import os
from typing import Any

from staycertified.observability import lambda_entry, logger, metrics


def _credly(*, refresh: bool = False) -> Any:
    """A client with the organisation id and token from Secrets Manager (cached by
    Powertools for 5 minutes; `refresh` after a 401: the token was rotated)."""
    from aws_lambda_powertools.utilities.parameters import get_secret

    from staycertified.badges.credly import CredlyClient, CredlySettings

    secret = json.loads(
        str(get_secret(os.environ["CREDLY_SECRET_ID"], max_age=300, force_fetch=refresh))
    )
    return CredlyClient(
        CredlySettings(
            base_url=os.environ["CREDLY_BASE_URL"],
            organization_id=secret["organization_id"],
            token=secret["token"],
            backoff_seconds=float(os.environ.get("CREDLY_BACKOFF_SECONDS", "0.5")),
            timeout_seconds=float(os.environ.get("CREDLY_TIMEOUT_SECONDS", "10")),
        )
    )


def work(table: Any = None, credly: Any = None) -> Any:
    from staycertified import config
    from staycertified.badges.lifecycle import BadgeWork
    from staycertified.policy import load_policy

    templates = json.loads(os.environ.get("CREDLY_BADGE_TEMPLATES") or "{}")
    return BadgeWork(
        table if table is not None else config.table(),
        credly or _credly(),
        templates,
        load_policy(),
    )


def _unauthorized(failed: Exception) -> bool:
    return getattr(failed.__cause__, "status", None) == 401


def handle(event: dict[str, Any], context: Any, *, table: Any = None, credly: Any = None) -> Any:
    from aws_lambda_powertools.metrics import MetricUnit

    from staycertified.badges.lifecycle import BadgeCallFailed
    from staycertified.store import badges as badge_store

    badges = work(table, credly)
    if "detail-type" in event:
        detail_type, detail = str(event["detail-type"]), dict(event.get("detail") or {})
        try:
            outcome = badges.handle(detail_type, detail)
        except BadgeCallFailed as failed:
            if credly is not None or not _unauthorized(failed):
                raise
            badges = work(table, _credly(refresh=True))  # the token was rotated: once more
            outcome = badges.handle(detail_type, detail)
        metrics.add_metric(name=f"Badge{outcome.outcome.title()}", unit=MetricUnit.Count, value=1)
        logger.info("badge call", extra={"outcome": outcome.outcome})
        return outcome.model_dump()
    retried: dict[str, int] = {}
    refreshed = credly is not None  # a test's client is never replaced
    for call in badge_store.open_calls(badges.table):
        try:
            outcome = badges.retry(call).outcome
        except BadgeCallFailed as failed:
            outcome = "FAILED"
            if not refreshed and _unauthorized(failed):
                refreshed = True  # the token was rotated: read it again, once per run
                badges = work(table, _credly(refresh=True))
                try:
                    outcome = badges.retry(call).outcome
                except BadgeCallFailed:
                    outcome = "FAILED"
        retried[outcome] = retried.get(outcome, 0) + 1
    metrics.add_metric(name="BadgeCallsRetried", unit=MetricUnit.Count, value=sum(retried.values()))
    logger.info("badge retry run", extra={"outcomes": retried})
    return {"retried": retried}


lambda_handler = lambda_entry(handle, with_context=True)

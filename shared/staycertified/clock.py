""" "Today" comes from what started the handler (a request, a schedule), never from the system clock (R40)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from staycertified.domain.dates import local_date


def request_day(event: dict[str, Any], time_zone: str) -> date:
    """The body's calendar date (R39) of the request's `requestContext.timeEpoch` (ms)."""
    return local_date(request_instant(event), time_zone)


def scheduled_day(scheduled_time: str, time_zone: str) -> date:
    """The body's calendar date of a schedule's `scheduledTime` (ISO 8601, R40)."""
    instant = datetime.fromisoformat(scheduled_time.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return local_date(instant, time_zone)


def request_instant(event: dict[str, Any]) -> datetime:
    """The request's `requestContext.timeEpoch` as an aware UTC instant (R40)."""
    epoch_ms = (event.get("requestContext") or {}).get("timeEpoch")
    if not isinstance(epoch_ms, int | float):
        raise ValueError("requestContext.timeEpoch is missing")
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def iso_instant(instant: datetime) -> str:
    """An instant as ISO 8601 in UTC to the second, `Z`-suffixed (2026-03-01T09:30:00Z)."""
    return instant.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")

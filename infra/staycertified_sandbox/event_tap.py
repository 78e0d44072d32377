"""What the system published on its domain event bus, for tests and the demo report.

While a sandbox runs, every PutEvents entry accepted for the domain event bus is
kept, in order, in EventBridge's delivered shape (`id`, `source`, `detail-type`,
`time`, `detail` parsed). Recorded at moto's EventsBackend.put_events, so what a
test sees is what the bus was given, whoever sent it. (A rule + SQS target would
do the same through moto's input transformer, which re-parses JSONPath for every
event: too slow for a year of events.)
"""

from __future__ import annotations

import json
from typing import Any

_taps: list[EventTap] = []
_installed = False


class EventTap:
    def __init__(self, bus_name: str) -> None:
        self.bus_name = bus_name
        self._seen: list[dict[str, Any]] = []
        _install()
        _taps.append(self)

    def close(self) -> None:
        if self in _taps:
            _taps.remove(self)

    def events(self) -> list[dict[str, Any]]:
        return list(self._seen)

    def _record(self, entry: dict[str, Any], event_id: str | None) -> None:
        bus = str(entry.get("EventBusName") or "default").rsplit("/", 1)[-1]
        if bus != self.bus_name or not event_id:
            return
        self._seen.append(
            {
                "id": event_id,
                "source": entry.get("Source"),
                "detail-type": entry.get("DetailType"),
                "time": str(entry.get("Time") or ""),
                "detail": json.loads(entry.get("Detail") or "{}"),
            }
        )


def _install() -> None:
    global _installed
    if _installed:
        return
    from moto.events.models import EventsBackend

    original = EventsBackend.put_events

    def put_events(self: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        results = original(self, events)
        for entry, result in zip(events, results, strict=False):
            for tap in _taps:
                tap._record(entry, result.get("EventId"))
        return results

    EventsBackend.put_events = put_events
    _installed = True

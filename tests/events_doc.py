"""docs/events.md, read as data: each published event's documented fields and example."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[1] / "docs" / "events.md"
PUBLISHED_TITLE = "# Events Stay Certified publishes"


@dataclass
class DocumentedEvent:
    name: str
    fields: set[str] = field(default_factory=set)
    examples: list[dict[str, Any]] = field(default_factory=list)


def published_part(text: str) -> str:
    start = text.index(PUBLISHED_TITLE)
    rest = text[start + len(PUBLISHED_TITLE) :]
    end = re.search(r"^# ", rest, flags=re.MULTILINE)
    return rest[: end.start()] if end else rest


def _table_fields(text: str) -> set[str]:
    return set(re.findall(r"^\|\s*`([A-Za-z]+)`\s*\|", text, flags=re.MULTILINE))


def documented_events(path: Path = DOC) -> tuple[set[str], dict[str, DocumentedEvent]]:
    """(the fields every event has, each event by detail-type)."""
    part = published_part(path.read_text(encoding="utf-8"))
    sections = re.split(r"^## `([A-Za-z]+)`\s*$", part, flags=re.MULTILINE)
    common = _table_fields(sections[0])
    events = {}
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        documented = DocumentedEvent(name=name, fields=common | _table_fields(body))
        for block in re.findall(r"```json\n(.*?)```", body, flags=re.DOTALL):
            documented.examples.append(json.loads(block))
        events[name] = documented
    return common, events

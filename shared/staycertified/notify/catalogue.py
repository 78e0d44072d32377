"""The notice catalogue (R43): every kind of notice the system sends, as data
(`catalogue.json`, read once per process).

A kind names its channels, its subject (a Jinja2 expression over the notice's
context), the title of its letter and its template folder
(``templates/<folder>/email.txt``, ``email.html``, ``letter.txt``). Nothing
else in the code knows a notice's wording. A kind a workflow sends on a
channel this catalogue does not list is refused before anything is claimed
(`NoticeNotConfigured`), so a new policy step cannot go out as someone else's
letter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from staycertified.domain.model import Channel


class NoticeNotConfigured(LookupError):
    """A kind, or a channel of a kind, that the catalogue does not have."""


@dataclass(frozen=True)
class NoticeKind:
    kind: str
    channels: tuple[Channel, ...]
    subject: str
    title: str
    folder: str
    rules: tuple[str, ...] = ()


CATALOGUE_FILE = Path(__file__).with_name("catalogue.json")


def _load() -> tuple[NoticeKind, ...]:
    raw = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return tuple(
        NoticeKind(
            kind=entry["kind"],
            channels=tuple(Channel(c) for c in entry["channels"]),
            subject=entry["subject"],
            title=entry["title"],
            folder=entry["folder"],
            rules=tuple(entry.get("rules", ())),
        )
        for entry in raw["kinds"]
    )


KINDS: tuple[NoticeKind, ...] = _load()
CATALOGUE: dict[str, NoticeKind] = {k.kind: k for k in KINDS}


def notice_kind(kind: str, channel: Channel | None = None) -> NoticeKind:
    """The catalogue entry of `kind`; refuses a kind or channel it does not list."""
    found = CATALOGUE.get(kind)
    if found is None:
        raise NoticeNotConfigured(f"no notice kind {kind!r} in the catalogue")
    if channel is not None and channel not in found.channels:
        raise NoticeNotConfigured(f"notice kind {kind!r} has no {channel.value} channel")
    return found

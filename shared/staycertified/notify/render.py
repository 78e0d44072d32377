"""One template engine for every notice: Jinja2, autoescaped HTML, one shared layout.

`templates/` holds the layouts (`layout.txt`, `layout.html` for email,
`letter.txt` for letter bodies) and one folder per notice kind (the
catalogue's `folder`). Templates use `StrictUndefined`: a value the caller did
not give fails the render (`MissingTemplateValue`, a KeyError) before anything
is claimed or sent, and so does a missing template file (`NoticeNotConfigured`).

Jinja2 is imported on the first render, not at import time.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from staycertified.notify.catalogue import NoticeKind, NoticeNotConfigured

TEMPLATES = Path(__file__).parent / "templates"
CHANNEL_TEMPLATES = {"EMAIL": ("email.txt", "email.html"), "MAIL": ("letter.txt",)}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class MissingTemplateValue(KeyError):
    """A template used a value its notice's context does not have."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class LetterBlock:
    """One block of a letter body: a paragraph, a heading, or a table of (label, value) rows."""

    kind: str  # "paragraph" | "heading" | "table"
    text: str = ""
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RenderedLetterBody:
    title: str
    blocks: tuple[LetterBlock, ...]


def format_day(value: Any) -> str:
    """The one date format of letters: "March 3, 2026" (a date, or an ISO date string)."""
    from datetime import date

    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value  # already formatted
    if isinstance(value, date):
        return f"{value:%B} {value.day}, {value.year}"
    return str(value)


def _day(context: Any, value: Any) -> str:
    """Filter `day`: in a letter, the letters' one format; in an email, as given."""
    return format_day(value) if context.get("channel") == "MAIL" else str(value)


def _paragraphs(value: Any) -> Any:
    """Filter: plain text (blank-line separated) as escaped HTML paragraphs."""
    from markupsafe import Markup, escape

    parts = [p.strip() for p in _PARAGRAPH_BREAK.split(str(value)) if p.strip()]
    return Markup("\n".join(f"  <p>{escape(' '.join(p.split()))}</p>" for p in parts))


@functools.cache
def environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["paragraphs"] = _paragraphs
    env.filters["day"] = jinja2.pass_context(_day)
    return env


def _render(name: str, context: dict[str, Any]) -> str:
    import jinja2

    try:
        return str(environment().get_template(name).render(context))
    except jinja2.TemplateNotFound as error:
        raise NoticeNotConfigured(f"notice template {error.name!r} does not exist") from error
    except jinja2.UndefinedError as error:
        raise MissingTemplateValue(f"{name}: {error.message}") from error


def _render_string(source: str, context: dict[str, Any]) -> str:
    import jinja2

    try:
        return str(environment().from_string(source).render(context))
    except jinja2.UndefinedError as error:
        raise MissingTemplateValue(f"subject: {error.message}") from error


def render_email(kind: NoticeKind, context: dict[str, Any]) -> RenderedEmail:
    """Subject (one line), text and HTML of `kind`'s email."""
    subject = " ".join(_render_string(kind.subject, context).split())
    values = {**context, "subject": subject, "channel": "EMAIL"}
    text = _render(f"{kind.folder}/email.txt", values).strip("\n") + "\n"
    markup = _render(f"{kind.folder}/email.html", values)
    return RenderedEmail(subject=subject, text=text, html=markup)


def render_letter_body(kind: NoticeKind, context: dict[str, Any]) -> RenderedLetterBody:
    """The letter body of `kind` as blocks, for `notify.letters.render_letter`."""
    source = _render(f"{kind.folder}/letter.txt", {**context, "channel": "MAIL"})
    return RenderedLetterBody(title=kind.title, blocks=tuple(parse_letter(source)))


def parse_letter(source: str) -> list[LetterBlock]:
    blocks: list[LetterBlock] = []
    for part in _PARAGRAPH_BREAK.split(source):
        lines = [line.strip() for line in part.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("| ") for line in lines):
            rows = []
            for line in lines:
                label, _, value = line.removeprefix("| ").partition(" | ")
                rows.append((label.strip(), value.strip()))
            blocks.append(LetterBlock(kind="table", rows=tuple(rows)))
        elif lines[0].startswith("## "):
            blocks.append(LetterBlock(kind="heading", text=lines[0].removeprefix("## ").strip()))
            if lines[1:]:
                blocks.append(LetterBlock(kind="paragraph", text=" ".join(lines[1:])))
        else:
            blocks.append(LetterBlock(kind="paragraph", text=" ".join(lines)))
    return blocks

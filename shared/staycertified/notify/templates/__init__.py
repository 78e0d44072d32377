"""Email templates of the renewal notices (R4), kept in the repository.

One pair of files per step: ``<step>.txt`` (first line ``Subject: ...``, then
the text body) and ``<step>.html``; placeholders are `string.Template`
``${name}``. Values are HTML-escaped for the HTML part. `render` fails loudly
(KeyError) on a placeholder it was not given, so a template typo is caught by
the unit tests rather than sent.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from pathlib import Path
from string import Template

HERE = Path(__file__).parent


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@functools.cache
def _templates(name: str) -> tuple[Template, Template, Template]:
    text = (HERE / f"{name}.txt").read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"{name}.txt must start with 'Subject: '")
    page = (HERE / f"{name}.html").read_text(encoding="utf-8")
    return Template(first.removeprefix("Subject: ")), Template(body.lstrip("\n")), Template(page)


def available(name: str) -> bool:
    return (HERE / f"{name}.txt").exists() and (HERE / f"{name}.html").exists()


def render(name: str, values: dict[str, str]) -> RenderedEmail:
    """The subject, text and HTML of template `name` (a renewal step, lower case)."""
    subject, text, page = _templates(name)
    escaped = {k: html.escape(v) for k, v in values.items()}
    return RenderedEmail(
        subject=subject.substitute(values).strip(),
        text=text.substitute(values),
        html=page.substitute(escaped),
    )

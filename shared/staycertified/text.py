"""Free text members and staff send (titles, names, addresses, explanations, reasons):
normalised before any length check, refused with a stable code when it cannot be
shown as it was meant.

- NFC: the same name typed on two keyboards is stored the same way;
- ``TEXT_NOT_PRINTABLE``: control characters (NUL, ESC of ANSI sequences, CR/LF in
  a one-line field), bidirectional overrides and isolates (U+202A-U+202E,
  U+2066-U+2069), zero-width spaces, BOMs and other invisible format characters,
  lone surrogates. ZWNJ/ZWJ (U+200C, U+200D) are kept: words of Persian and Indic
  scripts and emoji need them;
- ``TEXT_BLANK``: text with nothing visible left (only joiners and marks);
- whitespace collapsed (runs of spaces/tabs/no-break spaces to one space, ends
  trimmed; multi-line fields keep single line breaks and at most one empty line);
- the field's own length bound applies to the normalised text.

Accents, apostrophes, hyphens, any script: unchanged. ``<script>`` is text like any
other: it is stored as typed and every page shows it as text (Preact/htm escape
every value; no page sets innerHTML), so refusing it would only refuse titles
such as "Using <HTML> forms".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

TEXT_NOT_PRINTABLE = "TEXT_NOT_PRINTABLE"
TEXT_BLANK = "TEXT_BLANK"
CODES = (TEXT_NOT_PRINTABLE, TEXT_BLANK)

_JOINERS = frozenset("\u200c\u200d")
_EMPTY_LINES = re.compile(r"\n{3,}")


class InputRefused(ValueError):
    """Input refused at an edge with a stable code: free text here, a request body in
    `staycertified.body` (its `BodyRefused`)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class TextRefused(InputRefused):
    """Free text refused; `code` is one of `CODES`."""


def _refused_character(text: str, *, multiline: bool) -> str | None:
    for character in text:
        if character == "\t" or (multiline and character == "\n"):
            continue
        category = unicodedata.category(character)
        if category in ("Cc", "Cs", "Zl", "Zp") or (category == "Cf" and character not in _JOINERS):
            return character
    return None


def normalise(value: str, *, multiline: bool = False) -> str:
    """`value` as it is stored; raises `TextRefused` (code in `CODES`)."""
    text = unicodedata.normalize("NFC", value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    refused = _refused_character(text, multiline=multiline)
    if refused is not None:
        raise TextRefused(
            TEXT_NOT_PRINTABLE,
            f"contains U+{ord(refused):04X}, a control or invisible formatting character",
        )
    if multiline:
        lines = (" ".join(line.split()) for line in text.split("\n"))
        text = _EMPTY_LINES.sub("\n\n", "\n".join(lines)).strip()
    else:
        text = " ".join(text.split())
    if text and not any(unicodedata.category(c)[0] in "LNPS" for c in text):
        raise TextRefused(TEXT_BLANK, "has no visible character")
    return text


def _validator(multiline: bool) -> BeforeValidator:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the field's type refuses it
        try:
            return normalise(value, multiline=multiline)
        except TextRefused as refused:
            raise PydanticCustomError(refused.code, refused.message) from None

    return BeforeValidator(check)


# Put last in `Annotated[str, StringConstraints(...), LINE]`: it runs before the bounds.
LINE = _validator(multiline=False)
PARAGRAPHS = _validator(multiline=True)

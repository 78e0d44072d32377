"""Request bodies: the one JSON parser of every HTTP route and webhook, and of the page
cursors a client gives back (STYLE §4, stable codes).

Whatever arrives, a body is either plain, bounded JSON or a 400 with a stable
code, before any route, model or table sees it:

- ``BODY_NOT_UTF8``: bytes that are not UTF-8 (API Gateway hands them over
  base64-encoded), or a ``\\ud800``-style escape that is no Unicode character;
- ``BODY_NOT_JSON``: not one JSON document (``NaN``/``Infinity`` are not JSON); the
  answer's code stays ``VALIDATION_FAILED`` (what malformed JSON always answered),
  with ``BODY_NOT_JSON`` as its error item (`answer_code`);
- ``BODY_TOO_DEEP``: arrays/objects nested deeper than `MAX_DEPTH` (the standard
  parser would raise RecursionError near 1000 levels: a 500);
- ``NUMBER_TOO_LONG``: a number literal longer than `MAX_NUMBER_CHARS` (Python
  refuses integers of more than 4300 digits with a ValueError: a 500).

No body of this API nests deeper than 5 levels or needs a number of more than
20 characters; the bounds leave room and stay far below what breaks a parser.
The depth is measured without recursion, before parsing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from staycertified.text import InputRefused

MAX_DEPTH = 32
MAX_NUMBER_CHARS = 40

BODY_NOT_UTF8 = "BODY_NOT_UTF8"
BODY_NOT_JSON = "BODY_NOT_JSON"
BODY_TOO_DEEP = "BODY_TOO_DEEP"
NUMBER_TOO_LONG = "NUMBER_TOO_LONG"
CODES = (BODY_NOT_UTF8, BODY_TOO_DEEP, NUMBER_TOO_LONG)

# a JSON string (escapes included), removed before counting brackets
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class BodyRefused(InputRefused):
    """The body is not plain, bounded JSON; `code` is one of `CODES`."""


def raw(body: str | bytes | None, *, base64_encoded: bool = False) -> bytes:
    """The bytes the caller sent: base64 undone (API Gateway's way with bytes that are
    not UTF-8 text)."""
    if body is None:
        return b""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if not base64_encoded:
        return data
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise BodyRefused(BODY_NOT_JSON, "The body is not valid base64.") from None


def event_bytes(event: dict[str, Any]) -> bytes:
    """The raw body of an HTTP API event (payload 2.0)."""
    return raw(event.get("body"), base64_encoded=bool(event.get("isBase64Encoded")))


def answer_code(refused: BodyRefused) -> str:
    """The code an answer carries for `refused`: malformed JSON keeps the contract it
    always had (VALIDATION_FAILED); the other refusals name themselves."""
    return "VALIDATION_FAILED" if refused.code == BODY_NOT_JSON else refused.code


def decode(body: str | bytes | None, *, base64_encoded: bool = False) -> str | None:
    """The body as text: base64 undone, UTF-8 strictly."""
    if body is None:
        return None
    try:
        return raw(body, base64_encoded=base64_encoded).decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused(BODY_NOT_UTF8, "The body is not UTF-8 text.") from None


def depth(text: str) -> int:
    """How deep arrays and objects nest in `text` (strings ignored), counted up to
    `MAX_DEPTH + 1` at most, without recursion."""
    deepest = level = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        level += 1 if bracket.group() in "[{" else -1
        if level > deepest:
            deepest = level
            if deepest > MAX_DEPTH:
                break
    return deepest


def _number(kind: type[int] | type[float]) -> Any:
    def parse(literal: str) -> int | float:
        if len(literal) > MAX_NUMBER_CHARS:
            raise BodyRefused(
                NUMBER_TOO_LONG, f"A number has more than {MAX_NUMBER_CHARS} characters."
            )
        return kind(literal)

    return parse


def _not_json(constant: str) -> Any:
    raise BodyRefused(BODY_NOT_JSON, f"{constant} is not a JSON number.")


def _check_text(value: Any) -> None:
    """Every string (keys too) must be Unicode text: no lone surrogate (depth is bounded)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BodyRefused(BODY_NOT_UTF8, "The body escapes no Unicode character.") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


def loads(text: str | bytes) -> Any:
    """`json.loads`, bounded: raises `BodyRefused` instead of RecursionError/ValueError."""
    if isinstance(text, bytes):
        text = decode(text) or ""
    if depth(text) > MAX_DEPTH:
        raise BodyRefused(BODY_TOO_DEEP, f"The body nests deeper than {MAX_DEPTH} levels.")
    try:
        value = json.loads(
            text,
            parse_int=_number(int),
            parse_float=_number(float),
            parse_constant=_not_json,
        )
    except BodyRefused:
        raise
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise BodyRefused(BODY_NOT_JSON, "The body is not one JSON document.") from None
    _check_text(value)
    return value


def check_event(event: dict[str, Any]) -> None:
    """Refuses (`BodyRefused`) an HTTP API event whose body is not plain, bounded JSON;
    no body, or an empty one, passes."""
    data = event_bytes(event)
    if data.strip():
        loads(data)

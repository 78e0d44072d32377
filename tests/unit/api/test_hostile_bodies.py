"""Hostile request bodies (issue 10, item 6): every HTTP route of the template answers
400 with a stable code, never 5xx, and writes nothing (STYLE §4).

The routes come from the template's HttpApi events (a route added later is covered
without touching this file), each called through its own function's `handle`, as
staff and member at once; the webhooks' bodies are signed (their signature is
checked first: an unsigned body is a 401 before it is read).
"""

from __future__ import annotations

import base64
import functools
import inspect
import re
from datetime import date
from typing import Any

import pytest

from staycertified.payments.signature import sign
from staycertified_sandbox.template import load_template

from .support import ROOT, answer, function_module, http_event, load_rows, member_row

TODAY = date(2026, 1, 20)
SECRET = "unit-secret"

# name -> (raw body, base64-encoded as API Gateway hands over bytes, expected code)
HOSTILE = {
    "recursion": ('{"a":' * 5000, False, "BODY_TOO_DEEP"),
    "deep_list": ("[" * 3000 + "]" * 3000, False, "BODY_TOO_DEEP"),
    "not_utf8": (base64.b64encode(b'{"title":"\xff"}').decode(), True, "BODY_NOT_UTF8"),
    "long_integer": ('{"quantity": ' + "9" * 5001 + "}", False, "NUMBER_TOO_LONG"),
    "lone_surrogate": ('{"title": "\\ud800"}', False, "BODY_NOT_UTF8"),
}


def template_routes() -> list[tuple[str, str, str]]:
    """(method, path, function folder) of every HttpApi event of the template."""
    routes = []
    for resource in load_template(ROOT / "template.yaml")["Resources"].values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        folder = str(props.get("CodeUri", "")).rstrip("/").rsplit("/", 1)[-1]
        for event in (props.get("Events") or {}).values():
            if event.get("Type") == "HttpApi":
                routes.append((event["Properties"]["Method"], event["Properties"]["Path"], folder))
    return sorted(routes)


ROUTES = template_routes()


def route_event(method: str, path: str, raw: str, base64_body: bool) -> dict[str, Any]:
    concrete = re.sub(r"\{[^}]+\}", "M1", path)
    event = http_event(
        method.upper(),
        concrete,
        today=TODAY,
        claims={"custom:member_id": "M1", "cognito:groups": "[staff]"},
    )
    stamp = event["requestContext"]["timeEpoch"] // 1000
    signature = sign(SECRET, stamp, base64.b64decode(raw) if base64_body else raw)
    event["headers"] = {
        "content-type": "application/json",
        "x-payment-timestamp": str(stamp),
        "x-payment-signature": signature,
        "x-exam-timestamp": str(stamp),
        "x-exam-signature": signature,
    }
    event["body"] = raw
    event["isBase64Encoded"] = base64_body
    return event


@functools.cache
def function_handle(folder: str) -> Any:
    return function_module(folder).handle


def call(folder: str, event: dict[str, Any], table: Any) -> tuple[int, Any]:
    handle = function_handle(folder)
    accepted = inspect.signature(handle).parameters
    extras = {k: v for k, v in (("table", table), ("secret", SECRET)) if k in accepted}
    context = accepted.get("context")
    needs_context = context is not None and context.default is inspect.Parameter.empty
    return answer(handle(event, None, **extras) if needs_context else handle(event, **extras))


def items(table: Any) -> list[dict[str, Any]]:
    return sorted(table.scan()["Items"], key=lambda item: (item["PK"], item["SK"]))


@pytest.fixture
def member(table: Any) -> str:
    load_rows(table, [member_row("M1")], TODAY)
    return "M1"


def test_the_template_has_http_routes_to_try() -> None:
    assert len(ROUTES) >= 5 and {"POST", "GET"} <= {m.upper() for m, _, _ in ROUTES}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bodies_answer_400_with_a_stable_code_on_every_route_and_write_nothing(
    table: Any, member: str, name: str
) -> None:
    raw, base64_body, code = HOSTILE[name]
    before = items(table)
    answers = {}
    for method, path, folder in ROUTES:
        status, body = call(folder, route_event(method, path, raw, base64_body), table)
        answers[f"{method} {path}"] = (status, (body or {}).get("code"))
    wrong = {route: got for route, got in answers.items() if got != (400, code)}
    assert not wrong, wrong
    assert items(table) == before


def test_a_body_within_the_bounds_reaches_the_route(table: Any, member: str) -> None:
    """The bounds refuse nothing a client sends: 32 levels and 40-character numbers pass."""
    nested = "[" * 30 + "]" * 30
    event = route_event("POST", "/members/{memberId}/activities", nested, False)
    status, body = call("api", event, table)
    assert (status, body["code"]) == (400, "VALIDATION_FAILED")  # a list is not an activity


@pytest.mark.parametrize("cursor", ["0", '{"PK": 1}', "[" * 1500 + "]" * 1500, "{}", "null"])
def test_a_forged_listing_cursor_is_a_400_not_a_500(table: Any, cursor: str) -> None:
    """A page cursor is the client's text too (found by the fuzzing): bounded, checked."""
    event = http_event(
        "GET", "/staff/recertifications", today=TODAY, staff=True, query={"cursor": cursor}
    )
    status, body = call("recertification_api", event, table)
    assert (status, body["code"]) == (400, "VALIDATION_FAILED"), body


def test_malformed_json_keeps_answering_validation_failed(table: Any, member: str) -> None:
    """The contract malformed JSON always had; the item names the reason."""
    event = route_event("POST", "/members/{memberId}/activities", '{"title": NaN', False)
    status, body = call("api", event, table)
    assert (status, body["code"]) == (400, "VALIDATION_FAILED")
    assert [e["code"] for e in body["errors"]] == ["BODY_NOT_JSON"]

"""`staycertified serve`: development tokens map to the sandbox's callers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from staycertified_sandbox import Sandbox
from staycertified_sandbox.server import DevTokenError, caller_from_authorization, serve

MINI = Path(__file__).parent / "fixtures" / "mini" / "template.yaml"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, {}),
        ("Bearer dev:member:M42", {"as_member": "M42"}),
        ("Bearer dev:staff:alice", {"as_staff": "alice"}),
    ],
)
def test_development_tokens(header: str | None, expected: dict[str, str]) -> None:
    assert caller_from_authorization(header) == expected


@pytest.mark.parametrize(
    "header", ["Bearer eyJhbGciOi", "Bearer dev:admin:x", "Basic dev:member:M1"]
)
def test_anything_else_is_refused(header: str) -> None:
    with pytest.raises(DevTokenError):
        caller_from_authorization(header)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with Sandbox(start=date(2026, 1, 1), template_path=MINI, stack_name="mini") as sb:
        server = serve(sb, 0)
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


def call(
    url: str, method: str = "GET", token: str | None = None, body: Any = None
) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, method=method, data=json.dumps(body).encode() if body else None
    )
    if token:
        request.add_header("Authorization", token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_member_token_reaches_the_handler_with_member_claims(base_url: str) -> None:
    status, body = call(f"{base_url}/things/7", token="Bearer dev:member:M7")
    assert status == 200 and body["claims"]["custom:member_id"] == "M7"


def test_no_token_on_a_protected_route_and_a_forged_token_are_401(base_url: str) -> None:
    assert call(f"{base_url}/things/7")[0] == 401
    assert call(f"{base_url}/things/7", token="Bearer forged")[0] == 401


def test_the_clock_moves_through_the_sandbox_route(base_url: str) -> None:
    status, body = call(f"{base_url}/_sandbox/advance", "POST", body={"to": "2026-01-03"})
    assert status == 200 and body["today"] == "2026-01-03" and body["fired"] >= 3

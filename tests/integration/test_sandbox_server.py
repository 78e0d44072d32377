"""`staycertified serve`: development tokens become real tokens; bad requests answer 4xx (finding 11)."""

from __future__ import annotations

import http.client
import json
import socket
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


def test_the_clock_moves_through_the_sandbox_route_with_a_staff_token(base_url: str) -> None:
    status, body = call(
        f"{base_url}/_sandbox/advance", "POST", "Bearer dev:staff:ops", body={"to": "2026-01-03"}
    )
    assert status == 200 and body["today"] == "2026-01-03" and body["fired"] >= 3


@pytest.mark.parametrize("token", [None, "Bearer dev:member:M1", "Bearer forged"])
def test_sandbox_controls_need_a_staff_token_finding_11(base_url: str, token: str | None) -> None:
    status, _ = call(f"{base_url}/_sandbox/advance", "POST", token, body={"to": "2026-01-04"})
    assert status == 401


def test_the_clock_never_moves_backwards_and_answers_400_finding_11(base_url: str) -> None:
    status, body = call(
        f"{base_url}/_sandbox/advance", "POST", "Bearer dev:staff:ops", body={"to": "2025-01-01"}
    )
    assert (status, body["code"]) == (400, "CLOCK_BACKWARDS")


def test_a_real_token_from_the_token_route_is_accepted(base_url: str) -> None:
    status, body = call(f"{base_url}/_sandbox/token", "POST", body={"member": "M9"})
    assert status == 200 and body["idToken"].count(".") == 2
    status, answer = call(f"{base_url}/things/9", token=f"Bearer {body['idToken']}")
    assert status == 200 and answer["claims"]["custom:member_id"] == "M9"
    assert answer["claims"]["iss"].startswith("https://cognito-idp.")
    tampered = body["idToken"][:-4] + ("AAAA" if not body["idToken"].endswith("AAAA") else "BBBB")
    assert call(f"{base_url}/things/9", token=f"Bearer {tampered}")[0] == 401


def raw_request(base_url: str, head: str, body: bytes = b"") -> tuple[int, Any]:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(head.encode() + b"\r\n\r\n" + body)
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, json.loads(response.read())


@pytest.mark.parametrize(
    ("length", "status", "code"),
    [
        ("abc", 400, "BAD_CONTENT_LENGTH"),
        ("-5", 400, "BAD_CONTENT_LENGTH"),
        ("99999999999", 413, "BODY_TOO_LARGE"),
    ],
)
def test_a_bad_content_length_answers_4xx_finding_11(
    base_url: str, length: str, status: int, code: str
) -> None:
    head = f"POST /public/x HTTP/1.1\r\nHost: sandbox\r\nContent-Length: {length}"
    answer = raw_request(base_url, head, b"{}")
    assert answer[0] == status and answer[1]["code"] == code


def test_the_development_sign_in_hands_out_a_real_token(base_url: str) -> None:
    """The web site's sign-in (/_sandbox/signin) gives a Cognito ID token of the sandbox's
    pool, which the API checks like any other (finding 2); no development token."""
    status, body = call(f"{base_url}/_sandbox/signin", "POST", body={"staff": "alice"})
    assert status == 200 and body["role"] == "staff"
    assert body["idToken"].count(".") == 2 and not body["idToken"].startswith("dev:")
    status, answer = call(f"{base_url}/things/1", token=f"Bearer {body['idToken']}")
    assert status == 200 and answer["claims"]["cognito:groups"] == "[staff]"
    assert answer["claims"]["token_use"] == "id"

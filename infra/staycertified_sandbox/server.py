"""`staycertified serve`: the sandbox's HTTP API on 127.0.0.1, for a browser or curl.

Tokens are checked as API Gateway's JWT authorizer does (see identity.py): send a
real Cognito ID token of the sandbox's user pool, or a development token, which
this server exchanges for a real one (this server only):

    Authorization: Bearer dev:member:<memberId>   signs in as that member
    Authorization: Bearer dev:staff:<name>        signs in as staff
    Authorization: Bearer <JWT>                   checked as is
    (no Authorization header)                     anonymous

Sandbox routes (not in the template):

    POST /_sandbox/token {"member": "M1"} | {"staff": "alice"} | both
        -> {"idToken": "<JWT>", "tokenType": "Bearer"}: a real ID token for a
           development sign-in page (no token needed; this server answers on
           127.0.0.1 only, and a development token gives the same).
    POST /_sandbox/advance {"to": "YYYY-MM-DD"}   moves the clock; staff token required.
    GET /_sandbox/payment-webhook   (staff token) the payment webhook's secret and the
        simulated time to sign a test call at (R6; see the sandbox README).

Any other Authorization value is refused with 401.

Beside the API, on the same origin, it serves the web site and its sandbox
stand-ins (development sign-in, hosted checkout): see `web.py`.

Bad requests answer 4xx with a stable `code`: a Content-Length that is not a
number, negative or over 1 MiB (400 / 413), a body shorter than announced (400,
after a 10 s read timeout), a date in the past for the clock (400
CLOCK_BACKWARDS).
"""

from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import web
from .identity import TokenError, gateway_claims
from .sandbox import Sandbox

ADVANCE_PATH = "/_sandbox/advance"
TOKEN_PATH = "/_sandbox/token"
WEBHOOK_SIGNING_PATH = "/_sandbox/payment-webhook"  # the secret and the time to sign at (R6)
MAX_BODY_BYTES = 1024 * 1024
READ_TIMEOUT_SECONDS = 10.0
UNAUTHORIZED = {"message": "Unauthorized"}


class DevTokenError(ValueError):
    pass


class BadRequest(ValueError):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def caller_from_authorization(header: str | None) -> dict[str, Any]:
    """`sb.api` keyword arguments for a development token; {} for none or a JWT."""
    if not header:
        return {}
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.count(".") == 2 and not token.startswith("dev:"):
        return {}  # a JWT: the router checks it
    parts = token.split(":", 2)
    if scheme.lower() != "bearer" or len(parts) != 3 or parts[0] != "dev" or not parts[2]:
        raise DevTokenError("expected Bearer dev:member:<id>, Bearer dev:staff:<name> or a JWT")
    if parts[1] == "member":
        return {"as_member": parts[2]}
    if parts[1] == "staff":
        return {"as_staff": parts[2]}
    raise DevTokenError(f"unknown role {parts[1]!r}")


def content_length(header: str | None) -> int:
    """The announced body length, or BadRequest (not a number, negative, too large)."""
    if header is None or header == "":
        return 0
    if not header.isascii() or not header.isdigit():
        raise BadRequest(400, "BAD_CONTENT_LENGTH", "Content-Length is not a number")
    length = int(header)
    if length > MAX_BODY_BYTES:
        raise BadRequest(413, "BODY_TOO_LARGE", f"bodies are at most {MAX_BODY_BYTES} bytes")
    return length


def make_handler(
    sb: Sandbox, lock: threading.Lock, stand_ins: web.WebStandIns, port: int
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "staycertified-sandbox"
        timeout = READ_TIMEOUT_SECONDS  # a body shorter than announced holds no thread forever

        def _serve(self) -> None:
            try:
                body = self._body()
            except BadRequest as error:
                self.close_connection = True
                self._answer(error.status, {"code": error.code, "message": str(error)})
                return
            target = urlsplit(self.path)
            if target.path in (ADVANCE_PATH, TOKEN_PATH):
                self._answer(*self._sandbox_route(target.path, body))
                return
            page = self._web(target.path, target.query, body)
            if page is not None:
                self._send(page)
                return
            if target.path.startswith("/_sandbox/"):
                self._answer(404, {"message": "Not Found"})
                return
            try:
                caller = caller_from_authorization(self.headers.get("Authorization"))
            except DevTokenError:
                self._answer(401, UNAUTHORIZED)
                return
            headers = {key.lower(): value for key, value in self.headers.items()}
            if caller:
                headers.pop("authorization", None)
            with lock:  # one request at a time: the handlers share one process environment
                status, answer = sb.api(
                    self.command,
                    target.path,
                    body,
                    headers=headers,
                    query=dict(parse_qsl(target.query)) or None,
                    **caller,
                )
            self._answer(status, web.relay_urls(sb, answer))

        def _web(self, path: str, query: str, body: bytes | None) -> web.Answer | None:
            """The site, its config and the sandbox stand-ins; None for the API."""
            if self.command == "GET" and path == "/config.json":
                return web.Answer(
                    200, json.dumps(web.site_config(port)).encode(), "application/json"
                )
            if self.command == "GET":
                found = web.static_file(path)
                if found is not None:
                    return found
            routes = {
                ("GET", "/_sandbox/accounts"): lambda: stand_ins.accounts(),
                ("POST", "/_sandbox/signin"): lambda: stand_ins.sign_in(body),
                ("GET", "/_sandbox/checkout/invoice"): lambda: stand_ins.checkout_invoice(
                    dict(parse_qsl(query))
                ),
                ("POST", "/_sandbox/checkout/pay"): lambda: stand_ins.checkout_pay(body),
                ("GET", WEBHOOK_SIGNING_PATH): lambda: stand_ins.payment_webhook_signing(
                    staff=self._is_staff()
                ),
            }
            if path == web.S3_PROXY_PATH and self.command in ("GET", "POST"):
                content_type = self.headers.get("Content-Type", "")
                with lock:
                    return web.s3_relay(
                        sb, self.command, dict(parse_qsl(query)), body, content_type
                    )
            route = routes.get((self.command, path))
            if route is None:
                return None
            with lock:
                return route()

        def _send(self, page: web.Answer) -> None:
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            for name, value in (web.SECURITY_HEADERS | page.headers).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(page.body)

        def _body(self) -> bytes | None:
            length = content_length(self.headers.get("Content-Length"))
            if not length:
                return None
            try:
                body = self.rfile.read(length)
            except TimeoutError as error:
                raise BadRequest(
                    400, "INCOMPLETE_BODY", "body shorter than Content-Length"
                ) from error
            if len(body) != length:
                raise BadRequest(400, "INCOMPLETE_BODY", "body shorter than Content-Length")
            return body

        def _sandbox_route(self, path: str, body: bytes | None) -> tuple[int, Any]:
            if self.command != "POST" or path not in (ADVANCE_PATH, TOKEN_PATH):
                return 404, {"message": "Not Found"}
            try:
                document = json.loads(body or b"{}")
            except ValueError:
                return 400, {"code": "MALFORMED_JSON", "message": "the body is not JSON"}
            if not isinstance(document, dict):
                return 400, {"code": "VALIDATION_FAILED", "message": "expected a JSON object"}
            with lock:
                if path == TOKEN_PATH:
                    return self._token(document)
                if not self._is_staff():
                    return 401, UNAUTHORIZED
                return self._advance(document)

        def _is_staff(self) -> bool:
            header = self.headers.get("Authorization")
            try:
                caller = caller_from_authorization(header)
            except DevTokenError:
                return False
            if caller:
                return "as_staff" in caller
            if not header:
                return False
            try:
                claims = gateway_claims(sb.verify_token(header))
            except TokenError:
                return False
            from staycertified.api.auth import caller_from_claims

            return caller_from_claims(claims).is_staff

        def _token(self, document: dict[str, Any]) -> tuple[int, Any]:
            member, staff = document.get("member"), document.get("staff")
            if not (isinstance(member, str | None) and isinstance(staff, str | None)) or not (
                member or staff
            ):
                return 400, {
                    "code": "VALIDATION_FAILED",
                    "message": 'expected {"member": "<id>"} and/or {"staff": "<name>"}',
                }
            token = sb.id_token(as_member=member or None, as_staff=staff or False)
            return 200, {"idToken": token, "tokenType": "Bearer"}

        def _advance(self, document: dict[str, Any]) -> tuple[int, Any]:
            try:
                target = date.fromisoformat(document["to"])
            except (ValueError, KeyError, TypeError):
                return 400, {
                    "code": "VALIDATION_FAILED",
                    "message": 'expected {"to": "YYYY-MM-DD"}',
                }
            if target < sb.today:
                return 400, {
                    "code": "CLOCK_BACKWARDS",
                    "message": f"the clock only moves forward (today is {sb.today.isoformat()})",
                }
            fired = sb.advance_to(target)
            return 200, {"today": sb.today.isoformat(), "fired": len(fired)}

        def _answer(self, status: int, answer: Any) -> None:
            is_text = isinstance(answer, str | bytes)
            data = (
                answer
                if isinstance(answer, bytes)
                else (answer.encode() if is_text else json.dumps(answer).encode())
            )
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if is_text else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # paths carry member ids: no access log

    return Handler


def serve(sb: Sandbox, port: int, members_csv: Path | None = None) -> ThreadingHTTPServer:
    """A running server (in a daemon thread); call `shutdown()` to stop it. Port 0
    picks a free port (`server.server_address[1]`). `members_csv` is the member base
    loaded, from which the development sign-in offers a few sample members."""
    stand_ins = web.WebStandIns(sb, members_csv)
    server = ThreadingHTTPServer(("127.0.0.1", port), None)  # type: ignore[arg-type]
    server.RequestHandlerClass = make_handler(
        sb, threading.Lock(), stand_ins, server.server_address[1]
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

"""`staycertified serve`: the sandbox's HTTP API on 127.0.0.1, for a browser or curl.

Development tokens (this server only; the deployed API takes Cognito tokens):

    Authorization: Bearer dev:member:<memberId>   acts as that member
    Authorization: Bearer dev:staff:<name>        acts as staff
    (no Authorization header)                     anonymous

Any other Authorization value is refused with 401. One extra route moves the
simulated clock: `POST /_sandbox/advance {"to": "YYYY-MM-DD"}`.

Beside the API, on the same origin, it serves the web site and its sandbox
stand-ins (development sign-in, hosted checkout): see `web.py`.
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
from .sandbox import Sandbox

ADVANCE_PATH = "/_sandbox/advance"


class DevTokenError(ValueError):
    pass


def caller_from_authorization(header: str | None) -> dict[str, Any]:
    """`sb.api` keyword arguments for a development token (see module doc)."""
    if not header:
        return {}
    scheme, _, token = header.partition(" ")
    parts = token.split(":", 2)
    if scheme.lower() != "bearer" or len(parts) != 3 or parts[0] != "dev" or not parts[2]:
        raise DevTokenError("expected Bearer dev:member:<id> or Bearer dev:staff:<name>")
    if parts[1] == "member":
        return {"as_member": parts[2]}
    if parts[1] == "staff":
        return {"as_staff": parts[2]}
    raise DevTokenError(f"unknown role {parts[1]!r}")


def make_handler(
    sb: Sandbox, lock: threading.Lock, stand_ins: web.WebStandIns, port: int
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "staycertified-sandbox"

        def _serve(self) -> None:
            target = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if self.command == "POST" and target.path == ADVANCE_PATH:
                self._answer(*self._advance(body))
                return
            page = self._web(target.path, target.query, body)
            if page is not None:
                self._send(page)
                return
            try:
                caller = caller_from_authorization(self.headers.get("Authorization"))
            except DevTokenError:
                self._answer(401, {"message": "Unauthorized"})
                return
            headers = {key.lower(): value for key, value in self.headers.items()}
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

        def _advance(self, body: bytes | None) -> tuple[int, Any]:
            try:
                target = date.fromisoformat(json.loads(body or b"{}")["to"])
            except (ValueError, KeyError, TypeError):
                return 400, {"message": 'expected {"to": "YYYY-MM-DD"}'}
            with lock:
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

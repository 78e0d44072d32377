"""A Credly stand-in: a real HTTP server on 127.0.0.1, started by the sandbox, as moto
stands in for AWS. It implements the calls of `staycertified.badges.credly`:

- POST /organizations/{org}/badges                 issue (422 when the earner already
                                                   holds an issued badge of that template)
- POST /organizations/{org}/badges/{id}/replace     the old badge REPLACED, a new one ISSUED
                                                   to the same earner (no recipient in the body)
- PUT  /organizations/{org}/badges/{id}/revoke      REVOKED, with its reason

Each call takes the parameters Credly documents for it (Issued Badges: "Issue a
Badge", "Replace a Badge", "Revoke a Badge") and no others: an unknown parameter
answers 422, so a client that drifts from Credly's API fails here, not in production.
- GET  /organizations/{org}/badges?filter=issuer_earner_id::<x>

It checks HTTP Basic credentials (the token as user name) and the organisation id
(401 / 404 otherwise), keeps every badge it was given (`badges`), and
`fail_next(n, status=500)` answers the next n calls with that status, before doing
anything (a 429 carries `Retry-After: 0`).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import urllib.parse
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ISSUED, REPLACED, REVOKED = "ISSUED", "REPLACED", "REVOKED"
_CREDLY_STATE = {ISSUED: "pending", REPLACED: "replaced", REVOKED: "revoked"}
# What the system needs of each call (Credly requires fewer; ours always sends these).
_REQUIRED = (
    "badge_template_id",
    "recipient_email",
    "issued_to_first_name",
    "issued_to_last_name",
    "issued_at",
    "expires_at",
    "issuer_earner_id",
)
_REPLACE_REQUIRED = tuple(name for name in _REQUIRED if name != "recipient_email")
# Credly's documented parameters of each call.
_ISSUE_FIELDS = frozenset(
    {
        *_REQUIRED,
        "issued_to_middle_name",
        "locale",
        "suppress_badge_notification_email",
        "country_name",
        "state_or_province",
        "evidence",
        "notification_message",
    }
)
_REPLACE_FIELDS = frozenset(
    {
        *_REPLACE_REQUIRED,
        "issued_to",
        "country_name",
        "state_or_province",
        "evidence",
        "notification_message",
    }
)
_REVOKE_FIELDS = frozenset({"reason", "suppress_revoke_notification_email"})


@dataclass
class StandinBadge:
    badge_id: str
    certificate_number: str  # Credly's issuer_earner_id
    recipient_email: str
    badge_template_id: str
    first_name: str
    last_name: str
    issued_at: str
    expires_at: date
    state: str = ISSUED
    revoke_reason: str | None = None
    replaced_by: str | None = None

    def as_credly(self) -> dict[str, Any]:
        return {
            "id": self.badge_id,
            "state": _CREDLY_STATE[self.state],
            "expires_at": self.expires_at.isoformat(),
            "issued_at": self.issued_at,
            "issuer_earner_id": self.certificate_number,
            "recipient_email": self.recipient_email,
            "badge_template": {"id": self.badge_template_id},
            "badge_url": f"https://www.credly.com/badges/{self.badge_id}",
        }


class _Server(ThreadingHTTPServer):
    """A listen backlog for the sandbox's bursts: the badge function runs once per event,
    many at a time after an import; the default backlog (5) refused connections, which
    the client saw as Credly unreachable."""

    request_queue_size = 256
    daemon_threads = True


@dataclass
class CredlyStandin:
    organization_id: str = field(default_factory=lambda: f"org-{secrets.token_hex(4)}")
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    _badges: dict[str, StandinBadge] = field(default_factory=dict)
    _failures: list[int] = field(default_factory=list)
    calls: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------ control
    def start(self) -> str:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                standin._handle(self, "GET")

            def do_POST(self) -> None:
                standin._handle(self, "POST")

            def do_PUT(self) -> None:
                standin._handle(self, "PUT")

            def log_message(self, *args: Any) -> None:  # quiet
                return

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def fail_next(self, n: int, status: int = 500) -> None:
        """The next n calls answer `status` and change nothing."""
        with self._lock:
            self._failures.extend([status] * n)

    @property
    def badges(self) -> list[StandinBadge]:
        with self._lock:
            return list(self._badges.values())

    # ------------------------------------------------------------ HTTP
    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urllib.parse.urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        status, body, headers = self._answer(
            method, parsed, request.headers.get("Authorization"), raw
        )
        with self._lock:
            self.calls.append((method, parsed.path, status))
        payload = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(payload)

    def _answer(
        self, method: str, parsed: Any, authorization: str | None, raw: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        expected = "Basic " + base64.b64encode(f"{self.token}:".encode()).decode()
        if authorization != expected:
            return 401, {"data": {"message": "unauthorized"}}, {}
        with self._lock:
            if self._failures:
                status = self._failures.pop(0)
                return (
                    status,
                    {"data": {"message": "injected failure"}},
                    ({"Retry-After": "0"} if status == 429 else {}),
                )
        match = re.fullmatch(
            r"/v1/organizations/([^/]+)/badges(?:/([^/]+)/(replace|revoke))?", parsed.path
        )
        if not match or match.group(1) != self.organization_id:
            return 404, {"data": {"message": "not found"}}, {}
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return 400, {"data": {"message": "invalid JSON"}}, {}
        badge_id, action = match.group(2), match.group(3)
        with self._lock:
            if method == "GET" and action is None:
                return 200, {"data": self._find(parsed.query)}, {}
            if method == "POST" and action is None:
                return self._issue(body)
            if method == "POST" and action == "replace":
                return self._replace(badge_id, body)
            if method == "PUT" and action == "revoke":
                return self._revoke(badge_id, body)
        return 405, {"data": {"message": "method not allowed"}}, {}

    def _find(self, query: str) -> list[dict[str, Any]]:
        wanted = dict(urllib.parse.parse_qsl(query)).get("filter", "")
        _, _, earner = wanted.partition("issuer_earner_id::")
        return [b.as_credly() for b in self._badges.values() if b.certificate_number == earner]

    def _new_badge(
        self, body: dict[str, Any], *, replacing: StandinBadge | None = None
    ) -> StandinBadge | str:
        required = _REQUIRED if replacing is None else _REPLACE_REQUIRED
        allowed = _ISSUE_FIELDS if replacing is None else _REPLACE_FIELDS
        unknown = sorted(set(body) - allowed)
        if unknown:
            return f"not a parameter of this call: {', '.join(unknown)}"
        missing = [name for name in required if not body.get(name)]
        if missing:
            return f"missing: {', '.join(missing)}"
        recipient = replacing.recipient_email if replacing else str(body["recipient_email"])
        return StandinBadge(
            badge_id=secrets.token_hex(8),
            certificate_number=str(body["issuer_earner_id"]),
            recipient_email=recipient,
            badge_template_id=str(body["badge_template_id"]),
            first_name=str(body["issued_to_first_name"]),
            last_name=str(body["issued_to_last_name"]),
            issued_at=str(body["issued_at"]),
            expires_at=date.fromisoformat(str(body["expires_at"])[:10]),
        )

    def _issue(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        badge = self._new_badge(body)
        if isinstance(badge, str):
            return 422, {"data": {"message": badge}}, {}
        held = [
            b
            for b in self._badges.values()
            if b.certificate_number == badge.certificate_number
            and b.badge_template_id == badge.badge_template_id
            and b.state == ISSUED
        ]
        if held:
            return 422, {"data": {"message": "the earner already has this badge"}}, {}
        self._badges[badge.badge_id] = badge
        return 201, {"data": badge.as_credly()}, {}

    def _replace(self, badge_id: str, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        old = self._badges.get(badge_id)
        if old is None:
            return 404, {"data": {"message": "badge not found"}}, {}
        if old.state != ISSUED:
            return 422, {"data": {"message": f"a {old.state.lower()} badge cannot be replaced"}}, {}
        badge = self._new_badge(body, replacing=old)
        if isinstance(badge, str):
            return 422, {"data": {"message": badge}}, {}
        old.state, old.replaced_by = REPLACED, badge.badge_id
        self._badges[badge.badge_id] = badge
        return 201, {"data": badge.as_credly()}, {}

    def _revoke(self, badge_id: str, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        badge = self._badges.get(badge_id)
        if badge is None:
            return 404, {"data": {"message": "badge not found"}}, {}
        if badge.state != ISSUED:
            return (
                422,
                {"data": {"message": f"a {badge.state.lower()} badge cannot be revoked"}},
                {},
            )
        unknown = sorted(set(body) - _REVOKE_FIELDS)
        if unknown:
            return 422, {"data": {"message": f"not a parameter: {', '.join(unknown)}"}}, {}
        if not body.get("reason"):
            return 422, {"data": {"message": "missing: reason"}}, {}
        badge.state, badge.revoke_reason = REVOKED, str(body["reason"])
        return 200, {"data": badge.as_credly()}, {}

"""Credly's Web Service API v1, the calls the badge lifecycle makes (R36).

- issue:   POST /organizations/{org}/badges  (badge_template_id, recipient_email,
           issued_to_first_name, issued_to_last_name, issued_at, expires_at,
           issuer_earner_id = the certificate number)
- replace: POST /organizations/{org}/badges/{id}/replace  (badge_template_id,
           issued_at, issued_to_first_name, issued_to_last_name, expires_at,
           issuer_earner_id; NO recipient: the new badge goes to the replaced badge's
           earner, and Credly marks the old one replaced)
- revoke:  PUT  /organizations/{org}/badges/{id}/revoke  (reason,
           suppress_revoke_notification_email)
- find:    GET  /organizations/{org}/badges?filter=issuer_earner_id::<certNo>
           (to recover from a call whose answer was lost)

Authentication is HTTP Basic with the organisation's API token as the user name
and an empty password. The organisation id and the token live in Secrets Manager
(`CREDLY_SECRET_ID`: `{"organization_id": ..., "token": ...}`); the base URL is a
template parameter (`CredlyBaseUrl`: Credly's sandbox or production). Each call
has a timeout, and 429 / 5xx / connection errors are retried with exponential
backoff (Retry-After honoured); after the last attempt `CredlyUnavailable` is
raised, a refusal (another 4xx) is `CredlyRejected`. Standard library only (no
`requests`: nothing to add to the layer, and moto does not intercept it).
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import date, datetime
from datetime import time as day_time
from typing import Any

from pydantic import BaseModel, ConfigDict

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class CredlyError(Exception):
    """`status`: Credly's HTTP status (None: no answer); `code`: a stable code when the
    call could not be made at all (no badge template, no recipient email)."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class CredlyUnavailable(CredlyError):
    """Credly did not answer, or answered 429/5xx, on every attempt: retry later."""


class CredlyRejected(CredlyError):
    """Credly refused the call (4xx other than 429): retrying the same call will not help."""


class CredlySettings(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    base_url: str
    organization_id: str
    token: str
    timeout_seconds: float = 10.0
    attempts: int = 4
    backoff_seconds: float = 0.5


class CredlyBadge(BaseModel):
    """What the system keeps of a Credly badge."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    badge_id: str
    state: str
    expires_at: date | None = None
    url: str | None = None
    issuer_earner_id: str | None = None


class BadgeRequest(BaseModel):
    """An issue (or replace) request, R36's expiry already decided."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    badge_template_id: str
    recipient_email: str
    first_name: str
    last_name: str
    issued_on: date
    expires_on: date
    issuer_earner_id: str

    def body(self) -> dict[str, Any]:
        """The issue call's body (Credly "Issue a Badge")."""
        return {"recipient_email": self.recipient_email, **self.replace_body()}

    def replace_body(self) -> dict[str, Any]:
        """The replace call's body (Credly "Replace a Badge"): the same fields without a
        recipient, which Credly takes from the badge replaced."""
        return {
            "badge_template_id": self.badge_template_id,
            "issued_to_first_name": self.first_name,
            "issued_to_last_name": self.last_name,
            "issued_at": _credly_time(self.issued_on),
            "expires_at": _credly_time(self.expires_on),
            "issuer_earner_id": self.issuer_earner_id,
        }


def _credly_time(day: date) -> str:
    """Credly's timestamp format ("2026-02-28 00:00:00 +0000"), a date at midnight UTC."""
    return datetime.combine(day, day_time(0, 0)).strftime("%Y-%m-%d %H:%M:%S +0000")


def _badge(data: dict[str, Any]) -> CredlyBadge:
    expires = data.get("expires_at")
    return CredlyBadge(
        badge_id=str(data["id"]),
        state=str(data.get("state", "")),
        expires_at=date.fromisoformat(str(expires)[:10]) if expires else None,
        url=data.get("badge_url") or data.get("accept_badge_url"),
        issuer_earner_id=data.get("issuer_earner_id"),
    )


class CredlyClient:
    def __init__(
        self,
        settings: CredlySettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        opener: Callable[..., Any] = urllib.request.urlopen,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._open = opener
        self.calls = 0  # HTTP requests sent (attempts included)

    # ------------------------------------------------------------ calls
    def issue(self, request: BadgeRequest) -> CredlyBadge:
        return _badge(self._call("POST", "/badges", request.body())["data"])

    def replace(self, badge_id: str, request: BadgeRequest) -> CredlyBadge:
        path = f"/badges/{urllib.parse.quote(badge_id)}/replace"
        return _badge(self._call("POST", path, request.replace_body())["data"])

    def revoke(self, badge_id: str, reason: str) -> CredlyBadge:
        path = f"/badges/{urllib.parse.quote(badge_id)}/revoke"
        body = {"reason": reason, "suppress_revoke_notification_email": False}
        return _badge(self._call("PUT", path, body)["data"])

    def find(self, issuer_earner_id: str) -> list[CredlyBadge]:
        query = urllib.parse.urlencode({"filter": f"issuer_earner_id::{issuer_earner_id}"})
        return [_badge(item) for item in self._call("GET", f"/badges?{query}")["data"]]

    # ------------------------------------------------------------ transport
    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = (
            f"{self.settings.base_url.rstrip('/')}/organizations/"
            f"{urllib.parse.quote(self.settings.organization_id)}{path}"
        )
        credentials = base64.b64encode(f"{self.settings.token}:".encode()).decode()
        headers = {"Authorization": f"Basic {credentials}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        last: CredlyError | None = None
        for attempt in range(self.settings.attempts):
            if attempt:
                self._sleep(self._delay(attempt, last))
            self.calls += 1
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with self._open(request, timeout=self.settings.timeout_seconds) as answer:
                    return json.loads(answer.read() or b"{}")
            except urllib.error.HTTPError as error:
                if error.code not in RETRIED_STATUSES:
                    raise CredlyRejected(
                        f"Credly {method} {path}: {error.code}", error.code
                    ) from None
                last = CredlyUnavailable(f"Credly {method} {path}: {error.code}", error.code)
                last.retry_after = error.headers.get("Retry-After") if error.headers else None  # type: ignore[attr-defined]
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                last = CredlyUnavailable(f"Credly {method} {path}: {type(error).__name__}")
        assert last is not None
        raise last

    def _delay(self, attempt: int, last: CredlyError | None) -> float:
        retry_after = getattr(last, "retry_after", None)
        if retry_after and str(retry_after).isdigit():
            return min(float(retry_after), 30.0)
        return self.settings.backoff_seconds * (2 ** (attempt - 1))

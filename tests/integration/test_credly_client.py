"""The Credly client against the Credly stand-in (real HTTP on 127.0.0.1): Basic auth
with the token, retries with backoff on 429 and 5xx, refusals not retried (R36)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date

import pytest

from staycertified.badges.credly import (
    BadgeRequest,
    CredlyClient,
    CredlyRejected,
    CredlySettings,
    CredlyUnavailable,
)
from staycertified_sandbox.credly import CredlyStandin

REQUEST = BadgeRequest(
    badge_template_id="badge-template-rma",
    recipient_email="c1@example.com",
    first_name="Test",
    last_name="Member",
    issued_on=date(2026, 1, 1),
    expires_on=date(2026, 2, 28),
    issuer_earner_id="RMA-C1",
)


@pytest.fixture
def standin() -> Iterator[CredlyStandin]:
    server = CredlyStandin()
    server.start()
    yield server
    server.stop()


def client(standin: CredlyStandin, token: str | None = None, sleeps: list[float] | None = None):
    settings = CredlySettings(
        base_url=standin.url,
        organization_id=standin.organization_id,
        token=token or standin.token,
        backoff_seconds=0.25,
    )
    return CredlyClient(settings, sleep=(sleeps.append if sleeps is not None else lambda _: None))


def test_issue_replace_revoke_keep_the_badges_credly_holds(standin: CredlyStandin) -> None:
    credly = client(standin)
    first = credly.issue(REQUEST)
    second = credly.replace(
        first.badge_id, REQUEST.model_copy(update={"expires_on": date(2027, 2, 28)})
    )
    credly.revoke(second.badge_id, "R22.3: recertification required since 2026-03-20")
    states = {b.badge_id: (b.state, b.expires_at) for b in standin.badges}
    assert states == {
        first.badge_id: ("REPLACED", date(2026, 2, 28)),
        second.badge_id: ("REVOKED", date(2027, 2, 28)),
    }
    assert [b.certificate_number for b in standin.badges] == ["RMA-C1", "RMA-C1"]


def test_r36_replace_sends_credlys_documented_body_and_keeps_the_earner(
    standin: CredlyStandin,
) -> None:
    """Credly's "Replace a Badge" takes the template, dates, names and earner id, but
    no recipient: the new badge goes to the replaced badge's earner."""
    body = REQUEST.replace_body()
    assert "recipient_email" not in body
    assert set(body) == {
        "badge_template_id",
        "issued_at",
        "issued_to_first_name",
        "issued_to_last_name",
        "expires_at",
        "issuer_earner_id",
    }
    credly = client(standin)
    first = credly.issue(REQUEST)
    other_email = REQUEST.model_copy(
        update={"recipient_email": "changed@example.com", "expires_on": date(2027, 2, 28)}
    )
    second = credly.replace(first.badge_id, other_email)
    [replacement] = [b for b in standin.badges if b.badge_id == second.badge_id]
    assert (replacement.recipient_email, replacement.expires_at) == (
        "c1@example.com",
        date(2027, 2, 28),
    )


def test_the_standin_refuses_what_credly_does_not_document(standin: CredlyStandin) -> None:
    """A replace with a recipient, a revoke with an unknown field: 422, nothing changes,
    so a client drifting from Credly's API fails against the stand-in."""
    first = client(standin).issue(REQUEST)

    def call(method: str, path: str, body: dict[str, object]) -> int:
        url = f"{standin.url}/organizations/{standin.organization_id}/badges/{first.badge_id}{path}"
        token = base64.b64encode(f"{standin.token}:".encode()).decode()
        request = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return error.code

    assert call("POST", "/replace", REQUEST.body()) == 422  # recipient_email
    assert call("PUT", "/revoke", {"reason": "x", "why": "y"}) == 422
    assert [b.state for b in standin.badges] == ["ISSUED"]


def test_429_and_5xx_are_retried_with_exponential_backoff(standin: CredlyStandin) -> None:
    sleeps: list[float] = []
    credly = client(standin, sleeps=sleeps)
    standin.fail_next(1, status=503)
    standin.fail_next(1, status=500)
    badge = credly.issue(REQUEST)
    assert badge.state == "pending"
    assert sleeps == [0.25, 0.5]
    assert [status for _, _, status in standin.calls] == [503, 500, 201]


def test_after_the_last_attempt_credly_is_unavailable_and_nothing_was_issued(
    standin: CredlyStandin,
) -> None:
    standin.fail_next(4, status=500)
    with pytest.raises(CredlyUnavailable) as failed:
        client(standin).issue(REQUEST)
    assert failed.value.status == 500
    assert standin.badges == []


def test_wrong_credentials_are_refused_and_not_retried(standin: CredlyStandin) -> None:
    credly = client(standin, token="not-the-token")
    with pytest.raises(CredlyRejected) as refused:
        credly.issue(REQUEST)
    assert refused.value.status == 401
    assert credly.calls == 1


def test_a_second_issue_for_the_same_certificate_is_refused(standin: CredlyStandin) -> None:
    credly = client(standin)
    credly.issue(REQUEST)
    with pytest.raises(CredlyRejected):
        credly.issue(REQUEST)
    assert [b.badge_id for b in credly.find("RMA-C1")] == [b.badge_id for b in standin.badges]

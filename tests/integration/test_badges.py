"""Credly badges follow the domain events (R36, R7, R16, R22, R33), against the
Credly stand-in (`sb.badges`, `sb.credly.fail_next`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from staycertified.events import catalog, outbox
from staycertified.store import cycles as cycle_store
from staycertified_sandbox import Sandbox

from .renewal_support import row, webhook

pytestmark = pytest.mark.slow


def _row(member_id: str, number: str, certified_on: str, **overrides: str) -> dict[str, str]:
    return {**row(member_id, number, "RMA", certified_on), **overrides}


def pay(sb: Sandbox, number: str, year: int) -> None:
    body = {
        "type": "payment.succeeded",
        "paymentId": f"pay_{number}_{year}",
        "invoiceId": f"INV-{number}-{year}",
        "amount": "50.00",
        "currency": "USD",
    }
    status, answer = webhook(sb, body)
    assert status == 200, answer


def publish(sb: Sandbox, monkeypatch: pytest.MonkeyPatch, write: Any) -> None:
    """A workflow's change + event, as another function would write it."""
    monkeypatch.setenv(outbox.OUTBOX_TABLE_ENV, sb.env("OUTBOX_TABLE_NAME"))
    write()


def of(sb: Sandbox, number: str) -> list[Any]:
    return [b for b in sb.badges if b.certificate_number == number]


def issued(sb: Sandbox, number: str) -> Any:
    [badge] = [b for b in of(sb, number) if b.state == "ISSUED"]
    return badge


@pytest.fixture(scope="module")
def year() -> Iterator[tuple[Sandbox, dict[str, Any]]]:
    """B1 rolls over 2026-02-10 and pays its 2026 fee; B2 fails its audit in March;
    B2 recertifies in May."""
    mp = pytest.MonkeyPatch()
    seen: dict[str, Any] = {}
    with Sandbox(start=date(2026, 1, 1)) as sb:
        assert not sb.load_members(
            [_row("B1", "RMA-B1", "2023-02-10"), _row("B2", "RMA-B2", "2024-06-01")]
        ).errors
        seen["imported"] = {b.certificate_number: b.expires_at for b in sb.badges}
        sb.advance_to(date(2026, 2, 11))
        seen["after_rollover"] = issued(sb, "RMA-B1").expires_at
        pay(sb, "RMA-B1", 2026)
        seen["after_payment"] = issued(sb, "RMA-B1").expires_at
        sb.advance_to(date(2026, 3, 20))
        event = catalog.recertification_required(
            member_id="B2",
            certificate_number="RMA-B2",
            reason="AUDIT_FAILED",
            certified_on=date(2024, 6, 1),
            since=date(2026, 3, 20),
            occurred_on=date(2026, 3, 20),
        )
        publish(
            sb,
            mp,
            lambda: cycle_store.record_recertification_required(
                sb.table, "B2", "RMA-B2", date(2026, 3, 20), event=event
            ),
        )
        sb.advance_to(date(2026, 5, 4))
        recertified = catalog.certification_activated(
            member_id="B2",
            certificate_number="RMA-B2",
            reason=catalog.ActivationReason.RECERTIFIED,
            activated_on=date(2026, 5, 4),
            occurred_on=date(2026, 5, 4),
        )
        publish(sb, mp, lambda: outbox.transact(sb.table, [], [recertified]))
        sb.advance_to(date(2026, 12, 31))
        assert not sb.failures, [(f.function, f.error_message) for f in sb.failures]
        yield sb, seen
    mp.undo()


def test_r36_an_imported_active_certification_gets_one_badge_with_the_r36_expiry(
    year: tuple[Sandbox, dict[str, Any]],
) -> None:
    _, seen = year
    # B2: paid through 2026-06-30 (imported in good standing), cycle to 2027-05-31
    assert seen["imported"]["RMA-B2"] == date(2026, 6, 30)


def test_r16_a_rollover_extends_the_badge(year: tuple[Sandbox, dict[str, Any]]) -> None:
    _, seen = year
    assert seen["imported"]["RMA-B1"] == date(2026, 2, 9)  # the cycle's end came first
    assert seen["after_rollover"] == date(2026, 2, 28)  # now paid_through (2026-02-28)


def test_r7_a_payment_replaces_the_badge_with_the_new_expiry(
    year: tuple[Sandbox, dict[str, Any]],
) -> None:
    sb, seen = year
    assert seen["after_payment"] == date(2027, 2, 28)
    assert Counter(b.state for b in of(sb, "RMA-B1"))["REPLACED"] >= 2


def test_r22_revokes_the_badge_and_a_recertification_issues_a_new_one(
    year: tuple[Sandbox, dict[str, Any]],
) -> None:
    sb, _ = year
    states = Counter(b.state for b in of(sb, "RMA-B2"))
    assert states["REVOKED"] == 1
    badge = issued(sb, "RMA-B2")  # exactly one ISSUED
    assert badge.expires_at >= date(2026, 6, 30)


def test_at_most_one_issued_badge_per_certification(year: tuple[Sandbox, dict[str, Any]]) -> None:
    sb, _ = year
    held = Counter(b.certificate_number for b in sb.badges if b.state == "ISSUED")
    assert held and max(held.values()) == 1


def test_the_status_shows_the_badge(year: tuple[Sandbox, dict[str, Any]]) -> None:
    sb, _ = year
    status, body = sb.api("GET", "/members/B1/status", as_member="B1")
    assert status == 200, body
    [cert] = body["certifications"]
    badge = issued(sb, "RMA-B1")
    assert cert["badge"]["state"] == "ISSUED"
    assert cert["badge"]["expiresAt"] == badge.expires_at.isoformat()
    assert cert["badge"]["url"].endswith(badge.badge_id)


def test_r38_verification_valid_through_is_the_badge_expiry(
    year: tuple[Sandbox, dict[str, Any]],
) -> None:
    sb, _ = year
    status, body = sb.api("GET", "/verify/RMA-B1", query={"lastName": "MemberB1"})
    assert (status, body["status"]) == (200, "Active"), body
    assert body["validThrough"] == issued(sb, "RMA-B1").expires_at.isoformat()


def test_replaying_every_event_of_the_year_changes_nothing(
    year: tuple[Sandbox, dict[str, Any]],
) -> None:
    sb, _ = year
    before = [(b.badge_id, b.state, b.expires_at) for b in sb.badges]
    calls = len(sb.credly.calls)
    events = sb.domain_events
    client = sb.client("events")
    for start in range(0, len(events), 10):
        client.put_events(
            Entries=[
                {
                    "Source": e["source"],
                    "DetailType": e["detail-type"],
                    "Detail": __import__("json").dumps(e["detail"]),
                    "EventBusName": sb.env("DOMAIN_EVENT_BUS_NAME"),
                }
                for e in events[start : start + 10]
            ]
        )
    assert [(b.badge_id, b.state, b.expires_at) for b in sb.badges] == before
    assert len(sb.credly.calls) == calls

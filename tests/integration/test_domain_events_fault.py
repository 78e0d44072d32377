"""A relay killed between the committed change and the publish loses no event
(staycertified.events.outbox): the change and its event are one transaction, and the
daily relay run publishes what is still pending."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from staycertified.events import outbox
from staycertified_sandbox import Sandbox

from .renewal_support import row, webhook

pytestmark = pytest.mark.slow


class Killed(Exception):
    """The relay's process died (here: before it put anything on the bus)."""


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 1)) as sandbox:
        report = sandbox.load_members([row("K1", "RMA-K1", "RMA", "2023-02-10")])
        assert not report.errors
        sandbox.advance_to(date(2026, 1, 20))
        yield sandbox


def pay(sb: Sandbox) -> None:
    status, body = webhook(
        sb,
        {
            "type": "payment.succeeded",
            "paymentId": "pay_K1_2026",
            "invoiceId": "INV-RMA-K1-2026",
            "amount": "50.00",
            "currency": "USD",
        },
    )
    assert status == 200, body


def fee_paid(sb: Sandbox) -> list[dict[str, Any]]:
    return [e for e in sb.domain_events if e["detail-type"] == "FeePaid"]


def test_a_relay_killed_before_the_publish_loses_no_event(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*args: Any, **kwargs: Any) -> None:
        raise Killed("relay died between the write and the publish")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "publish", killed)
        pay(sb)
    assert fee_paid(sb) == []  # the change committed, the event did not leave yet
    assert [f.error_type for f in sb.failures] == ["Killed"]
    sb.advance_to(date(2026, 1, 21))  # the daily relay run (01:30 body time)
    [event] = fee_paid(sb)
    assert event["detail"]["paymentId"] == "pay_K1_2026"
    sb.advance_to(date(2026, 1, 23))
    assert len(fee_paid(sb)) == 1  # published, no longer pending: not sent again


def test_a_relay_killed_after_the_publish_publishes_again_with_the_same_event_id(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*args: Any, **kwargs: Any) -> None:
        raise Killed("relay died between the publish and the mark")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark_published", killed)
        pay(sb)
    sb.advance_to(date(2026, 1, 21))
    events = fee_paid(sb)
    assert len(events) == 2  # at least once ...
    assert len({e["detail"]["eventId"] for e in events}) == 1  # ... with one id to dedupe on

"""The provider's `paidAt` (R6, R40): a date no payment could have is refused with a
stable 4xx, never a 500 (the provider would retry forever) and never stored as the
paid date. Plausible: from 30 days before the request time to 300 s after it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from staycertified.store.invoices import find_invoice

from .support import answer, function_module, open_invoice, signed_webhook_event

webhook = function_module("payment_webhook")
SECRET = "unit-secret"
TODAY = date(2026, 3, 2)  # the request: 2026-03-02T18:00:00Z


@pytest.fixture
def invoice(table: Any) -> Any:
    return open_invoice(table)


def pay(table: Any, invoice: Any, paid_at: str | None) -> tuple[int, Any]:
    notification = {
        "type": "payment.succeeded",
        "paymentId": "pay_1",
        "invoiceId": invoice.invoice_id,
        "amount": f"{invoice.amount:.2f}",
        "currency": invoice.currency,
    }
    if paid_at is not None:
        notification["paidAt"] = paid_at
    event = signed_webhook_event(json.dumps(notification), today=TODAY, secret=SECRET)
    return answer(webhook.handle(event, table=table, secret=SECRET))


def items(table: Any) -> list[dict[str, Any]]:
    return sorted(table.scan()["Items"], key=lambda item: (item["PK"], item["SK"]))


@pytest.mark.parametrize(
    "paid_at",
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01T05:00+14:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-12:00",  # after year 9999 in UTC
        "1990-06-01T12:00:00Z",
        "2099-06-01T12:00:00Z",
        "2026-01-20T12:00:00Z",  # 41 days before the request
        "2026-03-02T18:10:00Z",  # 10 minutes after it
    ],
)
def test_r6_implausible_paid_at_is_refused_and_nothing_is_written(
    table: Any, invoice: Any, paid_at: str
) -> None:
    before = items(table)
    status, body = pay(table, invoice, paid_at)
    assert (status, body["code"]) == (422, "PAID_AT_IMPLAUSIBLE"), body
    assert body["rule"] == "R6"
    assert items(table) == before
    assert find_invoice(table, invoice.invoice_id).status == "OPEN"


@pytest.mark.parametrize(
    ("paid_at", "paid_on"),
    [
        ("2026-03-02T03:00:00Z", "2026-03-01"),  # the evening before, in Chicago (R39)
        ("2026-02-01T00:00:00-06:00", "2026-02-01"),  # 29 days before
        ("2026-03-02T18:04:00Z", "2026-03-02"),  # within the clock skew
        (None, "2026-03-02"),  # absent: the request time (R40)
    ],
)
def test_r6_a_plausible_paid_at_is_the_paid_date(
    table: Any, invoice: Any, paid_at: str | None, paid_on: str
) -> None:
    status, body = pay(table, invoice, paid_at)
    assert status == 200, body
    assert body["paidAt"] == paid_on
    assert str(find_invoice(table, invoice.invoice_id).paid_at) == paid_on


def test_r6_a_paid_at_that_is_no_date_is_a_validation_failure(table: Any, invoice: Any) -> None:
    for paid_at in ("yesterday", "2026-02-30T00:00:00Z"):
        status, body = pay(table, invoice, paid_at)
        assert (status, body["code"]) == (400, "VALIDATION_FAILED"), body


def test_paid_instant_is_utc_and_bounded() -> None:
    from staycertified.payments.service import PaymentRefused, paid_instant

    now = datetime(2026, 3, 2, 18, tzinfo=UTC)
    assert paid_instant("2026-03-02T12:00:00-06:00", now) == now
    assert paid_instant("2026-03-02T18:00:00", now) == now  # no offset: UTC
    assert paid_instant(None, now) == now
    with pytest.raises(PaymentRefused) as refused:
        paid_instant(20260302, now)
    assert refused.value.code == "VALIDATION_FAILED"

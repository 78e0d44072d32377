"""The payment provider's signed webhook in the sandbox (R6, R7, R21)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

from .renewal_support import row, table_items, webhook

INVOICE = "INV-RMA-800001-2026"


def payment(**overrides: str) -> dict[str, str]:
    body = {
        "type": "payment.succeeded",
        "paymentId": "pay_800001",
        "invoiceId": INVOICE,
        "amount": "50.00",
        "currency": "USD",
    }
    body.update(overrides)
    return body


@pytest.fixture(scope="module")
def lapsed() -> Iterator[Sandbox]:
    """A member whose 2026 fee (due 2026-02-28) is unpaid on 2026-03-02: LAPSED (R21)."""
    with Sandbox(start=date(2026, 1, 1)) as sb:
        assert not sb.load_members([row("P800", "RMA-800001", "RMA", "2023-02-10")]).errors
        sb.advance_to(date(2026, 3, 2))
        yield sb


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"skew": -301}, 401, "TIMESTAMP_OUT_OF_TOLERANCE"),
        ({"tamper": True}, 401, "SIGNATURE_INVALID"),
        ({"secret": "not-the-secret"}, 401, "SIGNATURE_INVALID"),
        ({"body": payment(invoiceId="INV-NOPE-2026")}, 404, "INVOICE_NOT_FOUND"),
        ({"body": payment(amount="45.00")}, 422, "WRONG_AMOUNT"),
        ({"body": payment(type="payment.refunded")}, 422, "FEE_NOT_REFUNDABLE"),
        ({"body": "not json"}, 400, "VALIDATION_FAILED"),
    ],
    ids=[
        "stale",
        "tampered",
        "wrong secret",
        "unknown invoice",
        "wrong amount",
        "refund",
        "malformed",
    ],
)
def test_r6_a_refused_webhook_answers_4xx_with_a_stable_code_and_writes_nothing(
    lapsed: Sandbox, kwargs: dict[str, Any], status: int, code: str
) -> None:
    before = table_items(lapsed)
    body = kwargs.pop("body", payment())
    answer = webhook(lapsed, body, **kwargs)
    assert answer[0] == status, answer
    assert answer[1]["code"] == code and answer[1]["message"]
    assert table_items(lapsed) == before


@pytest.mark.parametrize(
    "event_type",
    [
        "payment.failed",
        "payment.pending",
        "payment.canceled",
        "charge.dispute.created",
        "something.new",
    ],
)
def test_r6_only_a_succeeded_payment_changes_anything(lapsed: Sandbox, event_type: str) -> None:
    """R6: every other provider event is acknowledged with a 2xx and changes nothing."""

    def status_answer() -> Any:
        return lapsed.api("GET", "/members/P800/status", as_member="P800")

    before, standing = table_items(lapsed), status_answer()
    status, body = webhook(lapsed, payment(type=event_type, paymentId=f"pay_{event_type}"))
    assert 200 <= status < 300, body
    assert body["changed"] is False and body["rule"] == "R6" and body["type"] == event_type
    assert table_items(lapsed) == before
    assert status_answer() == standing


def test_r7_r21_a_good_payment_pays_the_invoice_sets_paid_through_and_cures_the_lapse_once(
    lapsed: Sandbox,
) -> None:
    def standing() -> str:
        status, body = lapsed.api("GET", "/members/P800/status", as_member="P800")
        assert status == 200, body
        return str(body["certifications"][0]["status"])

    assert standing() == "LAPSED"
    status, body = webhook(lapsed, payment())
    assert status == 200, body
    assert standing() == "ACTIVE"
    assert body == {
        "paymentId": "pay_800001",
        "invoiceId": INVOICE,
        "status": "PAID",
        "amount": "50.00",
        "currency": "USD",
        "paidAt": "2026-03-02",
        "paidThrough": "2027-02-28",
    }
    after_first = table_items(lapsed)
    again = webhook(lapsed, payment())
    assert again == (200, body)
    assert table_items(lapsed) == after_first
    invoices = [i for i in after_first if i["SK"] == "CERT#RMA-800001#INV#2026"]
    assert invoices[0]["status"] == "PAID"
    cert = next(i for i in after_first if i["SK"] == "CERT#RMA-800001")
    assert cert["paid_through"] == "2027-02-28"


def test_r6_the_member_sees_the_invoice_paid(lapsed: Sandbox) -> None:
    webhook(lapsed, payment())
    status, body = lapsed.api("GET", "/members/P800/invoices", as_member="P800")
    assert status == 200
    assert [(i["invoiceId"], i["status"], i["amount"]) for i in body["invoices"]] == [
        (INVOICE, "PAID", "50.00")
    ]

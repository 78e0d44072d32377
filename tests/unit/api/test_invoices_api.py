"""GET /members/{id}/invoices and POST /staff/invoices/{id}/payments, through billing (R6, R7)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .support import answer, function_module, http_event, open_invoice

TODAY = date(2026, 3, 10)
api = function_module("api")


def call(table: Any, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    kwargs.setdefault("today", TODAY)
    return answer(api.handle(http_event(method, path, **kwargs), None, table=table))


@pytest.fixture
def invoice(table: Any) -> str:
    return str(open_invoice(table).invoice_id)


def test_member_lists_own_invoices(table: Any, invoice: str) -> None:
    status, body = call(table, "GET", "/members/M1/invoices", member="M1")
    assert status == 200
    assert [(i["invoiceId"], i["amount"], i["status"]) for i in body["invoices"]] == [
        (invoice, "50.00", "OPEN")
    ]


def test_another_members_invoices_answer_like_unknown(table: Any, invoice: str) -> None:
    assert call(table, "GET", "/members/M1/invoices", member="M2") == call(
        table, "GET", "/members/NOPE/invoices", member="M2"
    )


def test_r6_staff_payment_on_a_paid_invoice_is_refused_and_writes_nothing(
    table: Any, invoice: str
) -> None:
    body = {"amount": "50.00", "method": "CHECK", "reference": "chk 1001"}
    first = call(table, "POST", f"/staff/invoices/{invoice}/payments", body=body, staff=True)
    assert first[0] == 201, first
    assert first[1]["paidThrough"] == "2027-03-31"
    before = table.scan()["Items"]
    again = call(table, "POST", f"/staff/invoices/{invoice}/payments", body=body, staff=True)
    assert (again[0], again[1]["code"]) == (409, "INVOICE_ALREADY_PAID"), again
    assert table.scan()["Items"] == before


def test_members_cannot_record_payments(table: Any, invoice: str) -> None:
    body = {"amount": "50.00", "method": "CHECK"}
    status, out = call(table, "POST", f"/staff/invoices/{invoice}/payments", body=body, member="M1")
    assert (status, out["code"]) == (403, "FORBIDDEN")


def test_wrong_amount_and_refund_are_refused_with_codes(table: Any, invoice: str) -> None:
    path = f"/staff/invoices/{invoice}/payments"
    wrong = call(table, "POST", path, body={"amount": "40.00", "method": "CARD"}, staff=True)
    refund = call(table, "POST", path, body={"amount": "-50.00", "method": "CARD"}, staff=True)
    assert (wrong[0], wrong[1]["code"]) == (422, "WRONG_AMOUNT")
    assert (refund[0], refund[1]["code"]) == (422, "FEE_NOT_REFUNDABLE")

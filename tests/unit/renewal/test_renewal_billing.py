"""Invoices and payments (R6, R7): listing, provider payment once per id, staff payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from staycertified.api.errors import status_of
from staycertified.domain.model import Invoice
from staycertified.payments import service as billing
from staycertified.store import invoices as invoice_store
from staycertified.store.members import find_certification

from .conftest import World


@pytest.fixture
def invoiced(world: World) -> tuple[World, Invoice]:
    cert = world.member("M1", certified_on=date(2020, 2, 10))
    invoice = Invoice(
        invoice_id="INV-RMA-M1-2026",
        member_id="M1",
        certificate_number=cert.certificate_number,
        certification_type="RMA",
        membership_year=2026,
        amount=Decimal("50.00"),
        due_date=date(2026, 2, 28),
    )
    assert invoice_store.create_invoice_once(world.table, invoice)
    return world, invoice


def pay(world: World, **overrides: Any) -> dict[str, Any]:
    body = {
        "paymentId": "pay_1",
        "invoiceId": "INV-RMA-M1-2026",
        "amount": "50.00",
        "currency": "USD",
    }
    body.update(overrides)
    return billing.apply_provider_payment(
        billing.ProviderPayment.model_validate(body),
        received_on=date(2026, 2, 3),
        table=world.table,
    )


def items(world: World) -> list[dict[str, Any]]:
    return sorted(world.table.scan()["Items"], key=lambda i: (i["PK"], i["SK"]))


def test_r6_a_members_invoices_are_listed_in_the_api_shape(invoiced: tuple[World, Invoice]) -> None:
    world, _ = invoiced
    assert billing.list_invoices("M1", table=world.table) == {
        "invoices": [
            {
                "invoiceId": "INV-RMA-M1-2026",
                "certificateNumber": "RMA-M1",
                "membershipYear": 2026,
                "amount": "50.00",
                "currency": "USD",
                "dueDate": "2026-02-28",
                "status": "OPEN",
                "paidAt": None,
            }
        ]
    }


def test_r7_a_provider_payment_marks_the_invoice_paid_and_sets_paid_through_to_the_next_anniversary_month_end(
    invoiced: tuple[World, Invoice],
) -> None:
    world, _ = invoiced
    answer = pay(world)
    assert answer == {
        "paymentId": "pay_1",
        "invoiceId": "INV-RMA-M1-2026",
        "status": "PAID",
        "amount": "50.00",
        "currency": "USD",
        "paidAt": "2026-02-03",
        "paidThrough": "2027-02-28",
    }
    found = find_certification(world.table, "RMA-M1")
    assert found is not None and found[0].paid_through == date(2027, 2, 28)
    listed = billing.list_invoices("M1", table=world.table)["invoices"][0]
    assert (listed["status"], listed["paidAt"]) == ("PAID", "2026-02-03")


def test_r7_the_same_payment_id_again_answers_the_same_and_changes_nothing(
    invoiced: tuple[World, Invoice],
) -> None:
    world, _ = invoiced
    first = pay(world)
    before = items(world)
    assert pay(world) == first
    assert items(world) == before


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"amount": "49.99"}, 422, "WRONG_AMOUNT"),
        ({"currency": "EUR"}, 422, "WRONG_AMOUNT"),
        ({"invoiceId": "INV-NOPE-2026"}, 404, "INVOICE_NOT_FOUND"),
        ({"type": "payment.refunded"}, 422, "FEE_NOT_REFUNDABLE"),
        ({"amount": "-50.00"}, 422, "FEE_NOT_REFUNDABLE"),
    ],
)
def test_r6_r7_a_refused_payment_answers_a_stable_code_and_writes_nothing(
    invoiced: tuple[World, Invoice], overrides: dict[str, str], status: int, code: str
) -> None:
    world, _ = invoiced
    before = items(world)
    with pytest.raises(billing.PaymentRefused) as refused:
        pay(world, **overrides)
    assert (status_of(refused.value.code), refused.value.code) == (status, code)
    assert items(world) == before


def test_r7_an_invoice_paid_by_one_payment_refuses_another(invoiced: tuple[World, Invoice]) -> None:
    world, _ = invoiced
    pay(world)
    with pytest.raises(billing.PaymentRefused) as refused:
        pay(world, paymentId="pay_2")
    assert (status_of(refused.value.code), refused.value.code) == (409, "INVOICE_ALREADY_PAID")


def test_r6_staff_record_a_check_payment_and_a_second_one_is_refused(
    invoiced: tuple[World, Invoice],
) -> None:
    world, _ = invoiced
    body = {"amount": "50.00", "method": "CHECK", "reference": "check 1042"}
    answer = billing.record_staff_payment(
        "INV-RMA-M1-2026", body, today=date(2026, 3, 2), table=world.table
    )
    assert (answer["status"], answer["paidAt"], answer["paidThrough"]) == (
        "PAID",
        "2026-03-02",
        "2027-02-28",
    )
    with pytest.raises(billing.PaymentRefused) as refused:
        billing.record_staff_payment(
            "INV-RMA-M1-2026", body, today=date(2026, 3, 5), table=world.table
        )
    assert (status_of(refused.value.code), refused.value.code) == (409, "INVOICE_ALREADY_PAID")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"amount": "-50.00", "method": "CHECK"}, "FEE_NOT_REFUNDABLE"),
        ({"amount": "50.00", "method": "REFUND"}, "FEE_NOT_REFUNDABLE"),
        ({"amount": "50.00", "method": "BITCOIN"}, "VALIDATION_FAILED"),
        ({"amount": "abc", "method": "CHECK"}, "VALIDATION_FAILED"),
    ],
)
def test_r6_staff_refunds_and_malformed_payments_are_refused(
    invoiced: tuple[World, Invoice], body: dict[str, str], code: str
) -> None:
    world, _ = invoiced
    with pytest.raises(billing.PaymentRefused) as refused:
        billing.record_staff_payment(
            "INV-RMA-M1-2026", body, today=date(2026, 3, 2), table=world.table
        )
    assert refused.value.code == code

"""R3, R6, R7: membership years, invoices, payments, paid_through."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from staycertified.domain import invoicing
from staycertified.domain.errors import DomainError
from staycertified.domain.model import InvoiceStatus, Payment, PaymentMethod
from staycertified.policy import Policy

from .builders import cert, invoice

D = date
C = cert(D(2022, 5, 17))


def payment(payment_id: str = "P-1", amount: str = "50", currency: str = "USD") -> Payment:
    return Payment(
        payment_id=payment_id,
        invoice_id="INV-C-1-2023",
        amount=Decimal(amount),
        currency=currency,
        method=PaymentMethod.PROVIDER,
        received_on=D(2023, 5, 20),
    )


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [(2023, 5, 2023), (2024, 5, 2024), (2022, 5, None), (2023, 4, None), (2023, 6, None)],
)
def test_r3_invoice_due_in_the_anniversary_month_from_the_next_year(year, month, expected) -> None:
    assert invoicing.membership_year_due_in(C, year, month) == expected


def test_r3_r33_anniversary_follows_recertification() -> None:
    recert = cert(D(2022, 5, 17), recertified_on=D(2025, 9, 3))
    assert invoicing.membership_year_due_in(recert, 2026, 9) == 2026
    assert invoicing.membership_year_due_in(recert, 2026, 5) is None


@pytest.mark.parametrize(
    ("anchor", "year", "due"),
    [
        (D(2022, 5, 17), 2023, D(2023, 5, 31)),
        (D(2008, 2, 29), 2011, D(2011, 2, 28)),
        (D(2008, 2, 29), 2012, D(2012, 2, 29)),
        (D(2020, 12, 1), 2021, D(2021, 12, 31)),
    ],
)
def test_r3_due_day_is_last_day_of_anniversary_month(anchor, year, due) -> None:
    assert invoicing.due_date(cert(anchor), year) == due


def test_r3_r1_invoice_amount_from_policy_in_force_on_invoice_date(policy: Policy) -> None:
    inv = invoicing.make_invoice(C, 2023, D(2023, 4, 1), policy)
    assert (inv.invoice_id, inv.amount, inv.due_date, inv.status) == (
        "INV-C-1-2023",
        Decimal(50),
        D(2023, 5, 31),
        InvoiceStatus.OPEN,
    )


def test_r1_invoicing_mdt_fails_fee_not_configured(policy: Policy) -> None:
    with pytest.raises(DomainError) as caught:
        invoicing.make_invoice(cert(D(2022, 5, 17), type_="MDT"), 2023, D(2023, 4, 1), policy)
    assert caught.value.code == "FEE_NOT_CONFIGURED"


def test_r3_no_invoice_for_the_certification_year(policy: Policy) -> None:
    with pytest.raises(DomainError) as caught:
        invoicing.make_invoice(C, 2022, D(2022, 4, 1), policy)
    assert caught.value.code == "NOT_AN_INVOICE_MONTH"


def test_r7_paying_year_y_sets_paid_through_to_anniversary_month_end_of_y_plus_1() -> None:
    outcome = invoicing.apply_payment(C, invoice(2023, D(2023, 5, 31)), payment())
    assert outcome.changed is True
    assert outcome.paid_through == D(2024, 5, 31)
    assert outcome.invoice.status == InvoiceStatus.PAID
    assert (outcome.invoice.payment_id, outcome.invoice.paid_at) == ("P-1", D(2023, 5, 20))


def test_r7_paid_through_never_goes_back() -> None:
    ahead = cert(D(2022, 5, 17), paid_through=D(2026, 5, 31))
    assert invoicing.apply_payment(
        ahead, invoice(2023, D(2023, 5, 31)), payment()
    ).paid_through == D(2026, 5, 31)


def test_r7_same_payment_twice_changes_nothing() -> None:
    paid = invoice(2023, D(2023, 5, 31), paid_at=D(2023, 5, 20)).model_copy(
        update={"payment_id": "P-1"}
    )
    outcome = invoicing.apply_payment(C, paid, payment("P-1"))
    assert outcome.changed is False
    assert outcome.invoice == paid
    assert outcome.paid_through == invoicing.initial_paid_through(C)


@pytest.mark.parametrize(
    ("inv_kwargs", "pay", "code"),
    [
        ({"paid_at": D(2023, 5, 1)}, payment("P-2"), "INVOICE_ALREADY_PAID"),
        ({}, payment(amount="49.99"), "WRONG_AMOUNT"),
        ({}, payment(currency="EUR"), "WRONG_AMOUNT"),
        ({"status": InvoiceStatus.VOID}, payment(), "INVOICE_VOID"),
    ],
)
def test_r7_payment_matching_refusals(inv_kwargs, pay, code) -> None:
    with pytest.raises(DomainError) as caught:
        invoicing.apply_payment(C, invoice(2023, D(2023, 5, 31), **inv_kwargs), pay)
    assert caught.value.code == code


def test_r6_paid_fee_is_not_refundable() -> None:
    with pytest.raises(DomainError) as caught:
        invoicing.refund(invoice(2023, D(2023, 5, 31), paid_at=D(2023, 5, 1)))
    assert (caught.value.code, caught.value.rule) == ("FEE_NOT_REFUNDABLE", "R6")


def test_r7_initial_paid_through_is_the_first_due_date() -> None:
    assert invoicing.initial_paid_through(C) == D(2023, 5, 31)
    assert invoicing.effective_paid_through(C) == D(2023, 5, 31)
    assert invoicing.effective_paid_through(cert(D(2022, 5, 17), paid_through=D(2020, 1, 1))) == D(
        2023, 5, 31
    )


def test_r3_r7_fee_years_derived_from_paid_through_without_invoices() -> None:
    imported = cert(D(2015, 5, 17), paid_through=D(2024, 5, 31))
    years = invoicing.fee_years(imported, [], D(2025, 6, 1))
    assert [(f.membership_year, f.paid) for f in years] == [
        (2016, True),
        (2017, True),
        (2018, True),
        (2019, True),
        (2020, True),
        (2021, True),
        (2022, True),
        (2023, True),
        (2024, False),
        (2025, False),
    ]
    assert all(f.paid_on is None for f in years)


@pytest.mark.parametrize(
    ("as_of", "last_year"),
    [(D(2025, 4, 30), 2024), (D(2025, 5, 1), 2025)],
)
def test_r3_fee_years_listed_once_their_due_month_starts(as_of, last_year) -> None:
    assert invoicing.fee_years(C, [], as_of)[-1].membership_year == last_year


def test_r7_invoice_is_the_record_when_it_exists() -> None:
    ahead = cert(D(2022, 5, 17), paid_through=D(2025, 5, 31))
    years = invoicing.fee_years(
        ahead,
        [
            invoice(2023, D(2023, 5, 31), paid_at=D(2023, 6, 10)),
            invoice(2024, D(2024, 5, 31), status=InvoiceStatus.VOID),
            invoice(2024, D(2024, 5, 31), number="OTHER"),
        ],
        D(2023, 6, 5),
    )
    first = years[0]
    assert (first.membership_year, first.paid) == (2023, False)  # paid only after as_of
    later = invoicing.fee_years(
        ahead, [invoice(2023, D(2023, 5, 31), paid_at=D(2023, 6, 10))], D(2023, 6, 10)
    )
    assert (later[0].paid, later[0].paid_on) == (True, D(2023, 6, 10))
    void = invoicing.fee_years(
        ahead, [invoice(2024, D(2024, 5, 31), status=InvoiceStatus.VOID)], D(2024, 6, 1)
    )
    assert (void[1].paid, void[1].waived) == (True, True)


def test_r42_voiding_spares_a_recertification_fee_invoice() -> None:
    """R42 voids the OPEN renewal invoices; an application's fee (R29, its own invoice
    with `application_id`) stays OPEN, to be paid like any invoice."""
    renewal = invoice(2026, date(2026, 6, 30))
    fee = invoice(2026, date(2026, 3, 2), amount="125").model_copy(
        update={"invoice_id": "INV-RECERT-RC1", "application_id": "RC1"}
    )
    voided = invoicing.invoices_to_void([renewal, fee], date(2026, 7, 1))
    assert [i.invoice_id for i in voided] == [renewal.invoice_id]
    assert voided[0].status == InvoiceStatus.VOID
    assert fee.is_renewal is False and renewal.is_renewal is True

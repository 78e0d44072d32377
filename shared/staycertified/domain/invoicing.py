"""Annual fee (R3, R6, R7).

Membership years. Certified (or recertified, R33) in month M of year A, the first
invoice is for membership year A+1, due on the last day of M in A+1 (R3:
certified 2022-05-17 -> invoices May 2023, May 2024...). The certification
itself covers up to that first due date, so the initial `paid_through` is the
last day of M in A+1, and paying year Y sets it to the last day of M in Y+1 (R7).

Fee years owed without invoices (imported members). A year Y is PAID when its
invoice is PAID, or when `paid_through` >= the last day of the anniversary month
of Y+1 (what paying Y would have set); VOID means waived, except an invoice
voided because the certification must recertify (R42): that fee was never paid
and stays an unmet obligation of the old standing. Its due date is the
last day of the anniversary month of Y. So standing is right before the system
ever issued an invoice; a year paid via `paid_through` only counts as paid on
time (its payment date is unknown). When an invoice exists, it is the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NoReturn

from staycertified.domain import errors
from staycertified.domain.dates import last_day_of_month
from staycertified.domain.decisions import Frozen
from staycertified.domain.errors import DomainError
from staycertified.domain.model import (
    Certification,
    Invoice,
    InvoiceStatus,
    Payment,
    invoice_id_for,
)
from staycertified.domain.policy import Policy


def first_membership_year(certification: Certification) -> int:
    """R3: the year after the anchor."""
    return certification.anchor_date.year + 1


def due_date(certification: Certification, membership_year: int) -> date:
    """R3: last day of the anniversary month (policy due day)."""
    return last_day_of_month(membership_year, certification.anniversary_month)


def paid_through_after(certification: Certification, membership_year: int) -> date:
    """R7: paying year Y covers up to the last day of the anniversary month of Y+1."""
    return due_date(certification, membership_year + 1)


def initial_paid_through(certification: Certification) -> date:
    """Covered by the certification itself up to the first due date."""
    return due_date(certification, first_membership_year(certification))


def effective_paid_through(certification: Certification) -> date:
    """The stored `paid_through`, never earlier than what the anchor covers."""
    initial = initial_paid_through(certification)
    stored = certification.paid_through
    return initial if stored is None else max(stored, initial)


def membership_year_due_in(certification: Certification, year: int, month: int) -> int | None:
    """R3: the membership year whose invoice is due in (year, month), if any."""
    if month != certification.anniversary_month or year < first_membership_year(certification):
        return None
    return year


def make_invoice(
    certification: Certification, membership_year: int, invoice_date: date, policy: Policy
) -> Invoice:
    """R3: the year's invoice; amount in force on the invoice date (R1, R2)."""
    if membership_year < first_membership_year(certification):
        msg = f"no invoice for {membership_year}: the certification covers it"
        raise DomainError(errors.NOT_AN_INVOICE_MONTH, msg, "R3")
    return Invoice(
        invoice_id=invoice_id_for(certification.certificate_number, membership_year),
        member_id=certification.member_id,
        certificate_number=certification.certificate_number,
        certification_type=certification.type,
        membership_year=membership_year,
        amount=policy.annual_fee(certification.type, invoice_date),
        due_date=due_date(certification, membership_year),
    )


VOIDED_FOR_RECERTIFICATION = "R42"


def voided_for_recert(invoice: Invoice) -> bool:
    """R42: voided because the certification became RECERTIFICATION_REQUIRED."""
    return (
        invoice.status == InvoiceStatus.VOID and invoice.void_reason == VOIDED_FOR_RECERTIFICATION
    )


def invoices_to_void(invoices: Iterable[Invoice], today: date) -> list[Invoice]:
    """R42: the certification must recertify: each OPEN renewal invoice becomes VOID
    (never charged). Only renewal invoices are `Invoice`s here; a recertification
    application's fee invoice is another record and is never touched."""
    return [
        invoice.model_copy(
            update={
                "status": InvoiceStatus.VOID,
                "void_reason": VOIDED_FOR_RECERTIFICATION,
                "voided_on": today,
            }
        )
        for invoice in invoices
        if invoice.status == InvoiceStatus.OPEN and invoice.is_renewal
    ]


class FeeYear(Frozen):
    """One membership year's fee, as known on a date (R3, R7, R20-R22)."""

    membership_year: int
    due_date: date
    invoice_id: str
    paid: bool
    paid_on: date | None = None  # None when paid but the date is unknown (treated as on time)
    waived: bool = False


def _fee_year(
    certification: Certification, year: int, invoice: Invoice | None, as_of: date
) -> FeeYear:
    due = due_date(certification, year)
    invoice_id = invoice_id_for(certification.certificate_number, year)
    if (
        invoice is not None
        and invoice.status == InvoiceStatus.VOID
        and not voided_for_recert(invoice)
    ):
        return FeeYear(
            membership_year=year, due_date=due, invoice_id=invoice_id, paid=True, waived=True
        )
    if (
        invoice is not None
        and invoice.is_paid
        and (invoice.paid_at is None or invoice.paid_at <= as_of)
    ):
        paid_on = invoice.paid_at
        return FeeYear(
            membership_year=year, due_date=due, invoice_id=invoice_id, paid=True, paid_on=paid_on
        )
    if invoice is not None:  # the invoice is the record: unpaid on `as_of` (or void, R42)
        return FeeYear(membership_year=year, due_date=due, invoice_id=invoice_id, paid=False)
    covered = effective_paid_through(certification) >= paid_through_after(certification, year)
    return FeeYear(membership_year=year, due_date=due, invoice_id=invoice_id, paid=covered)


def fee_years(
    certification: Certification, invoices: Iterable[Invoice], as_of: date
) -> list[FeeYear]:
    """Every membership year whose due month has started on `as_of`, oldest first."""
    by_year = {
        i.membership_year: i
        for i in invoices
        if i.certificate_number == certification.certificate_number and i.is_renewal
    }
    years = range(first_membership_year(certification), as_of.year + 1)
    return [
        _fee_year(certification, y, by_year.get(y), as_of)
        for y in years
        if due_date(certification, y).replace(day=1) <= as_of
    ]


class PaymentOutcome(Frozen):
    """R7: the invoice after payment, the new paid_through, and whether anything changed."""

    invoice: Invoice
    paid_through: date
    changed: bool
    rules: tuple[str, ...] = ("R7",)


def apply_payment(
    certification: Certification, invoice: Invoice, payment: Payment
) -> PaymentOutcome:
    """R7: match a payment to an invoice. Same payment id twice changes nothing."""
    current = effective_paid_through(certification)
    if invoice.is_paid:
        if invoice.payment_id == payment.payment_id:
            return PaymentOutcome(invoice=invoice, paid_through=current, changed=False)
        msg = f"{invoice.invoice_id} already paid by {invoice.payment_id}"
        raise DomainError(errors.INVOICE_ALREADY_PAID, msg, "R7")
    if invoice.status == InvoiceStatus.VOID:
        raise DomainError(errors.INVOICE_VOID, f"{invoice.invoice_id} is void", "R7")
    if payment.amount != invoice.amount or payment.currency != invoice.currency:
        msg = f"paid {payment.amount} {payment.currency}, invoice is {invoice.amount} {invoice.currency}"
        raise DomainError(errors.WRONG_AMOUNT, msg, "R7")
    paid = invoice.model_copy(
        update={
            "status": InvoiceStatus.PAID,
            "paid_at": payment.received_on,
            "payment_id": payment.payment_id,
        }
    )
    if not invoice.is_renewal:  # R29: an application's fee pays for no membership year
        return PaymentOutcome(invoice=paid, paid_through=current, changed=True)
    extended = max(current, paid_through_after(certification, invoice.membership_year))
    return PaymentOutcome(invoice=paid, paid_through=extended, changed=True)


def refund(invoice: Invoice) -> NoReturn:
    """R6: a paid fee is not refundable through the system."""
    raise DomainError(errors.FEE_NOT_REFUNDABLE, f"{invoice.invoice_id} cannot be refunded", "R6")

"""The payment use-cases: invoices listed, staff and provider payments recorded (R3, R6, R7, R21).

Called by the api function's routes and by PaymentWebhookFunction; every
function here takes the table as a parameter and "today" from its caller (R40).

- ``GET /members/{memberId}/invoices`` -> ``list_invoices(member_id, table=...)``
  answers ``{"invoices": [{"invoiceId", "certificateNumber", "membershipYear",
  "amount", "currency", "dueDate", "status", "paidAt"}]}`` (camelCase, dates
  ``YYYY-MM-DD``, money as a string with two decimals, ``paidAt`` null when open).
- ``POST /staff/invoices/{invoiceId}/payments`` with ``{"amount", "method":
  "CARD|CHECK|MONEY_ORDER|OTHER", "reference"}`` ->
  ``record_staff_payment(invoice_id, body, today=..., table=...)``.
- the provider's webhook -> ``apply_provider_payment(ProviderPayment, ...)``.

Both payment paths answer ``PaymentAnswer`` (``{"paymentId", "invoiceId",
"status": "PAID", "amount", "currency", "paidAt", "paidThrough"}``) or raise
`PaymentRefused` with a stable code (its HTTP status is the edge's business:
`staycertified.api.errors.STATUS_BY_CODE`); nothing is written when they raise:

| code                   | when                                              |
|------------------------|---------------------------------------------------|
| VALIDATION_FAILED      | the body is not a payment                         |
| INVOICE_NOT_FOUND      | no invoice with that id                           |
| WRONG_AMOUNT           | amount or currency differ from the invoice (R7)   |
| FEE_NOT_REFUNDABLE     | a refund or a negative amount (R6)                |
| INVOICE_ALREADY_PAID   | paid by another payment (R7)                      |
| INVOICE_VOID           | staff: the invoice was voided (R42)               |
| PAYMENT_ID_REUSED      | a known payment id for another invoice or amount  |
| PAID_AT_IMPLAUSIBLE    | the provider's `paidAt` is not within the last     |
|                        | `PAID_AT_LOOKBACK` or later than now + `PAID_AT_SKEW` |

The same provider payment (same payment id) again answers the first answer and
changes nothing (R7): the payment is recorded with a conditional Put in the same
transaction as the invoice update and `paid_through` (store.payments).
Staff payments use the payment id ``STAFF-<invoiceId>``; staff recording a
payment on an invoice that is already paid (a double submit included) get
``INVOICE_ALREADY_PAID`` and nothing is written (R6).

A provider payment for a VOID invoice (R42: the certification must recertify)
changes no standing: it is kept as ``PAYMENT_FOR_VOID_INVOICE`` for staff to
refund and answered 200 (``"status": "PAYMENT_FOR_VOID_INVOICE", "refundDue": true``).

Provider events other than a succeeded payment (failed, pending, cancelled,
disputed, unknown types) change nothing and are acknowledged (R6):
``ignored_event`` gives the 2xx answer for them, before the body is read as a
payment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from staycertified.domain import errors
from staycertified.domain.errors import DomainError
from staycertified.domain.model import (
    Certification,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
)
from staycertified.refusals import Refused

VALIDATION_FAILED = "VALIDATION_FAILED"
INVOICE_NOT_FOUND = "INVOICE_NOT_FOUND"
PAYMENT_ID_REUSED = "PAYMENT_ID_REUSED"
CERTIFICATION_NOT_FOUND = "CERTIFICATION_NOT_FOUND"
PAYMENT_SUCCEEDED = "payment.succeeded"
PAID_AT_IMPLAUSIBLE = "PAID_AT_IMPLAUSIBLE"

# R6, R40: the provider tells us about a payment within seconds, and redelivers for
# days at most; a `paidAt` older than this, or later than the request time plus the
# signature's tolerance, is no payment date (1990, 2099, year 1 or 9999 included).
PAID_AT_LOOKBACK = timedelta(days=30)
PAID_AT_SKEW = timedelta(seconds=300)


class PaymentRefused(Refused):
    """A payment or listing refused: stable code, message, rule; nothing written."""

    def __init__(self, code: str, message: str, rule: str = "") -> None:
        super().__init__(code, message, [DomainError(code, message, rule)])
        self.rule = rule

    def body(self) -> dict[str, str]:
        answer = {"code": self.code, "message": self.message}
        if self.rule:
            answer["rule"] = self.rule
        return answer


def money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def invoice_view(invoice: Invoice) -> dict[str, Any]:
    """One invoice in the API shape."""
    return {
        "invoiceId": invoice.invoice_id,
        "certificateNumber": invoice.certificate_number,
        "membershipYear": invoice.membership_year,
        "amount": money(invoice.amount),
        "currency": invoice.currency,
        "dueDate": invoice.due_date.isoformat(),
        "status": invoice.status.value,
        "paidAt": invoice.paid_at.isoformat() if invoice.paid_at else None,
    }


def list_invoices(member_id: str, *, table: Any) -> dict[str, Any]:
    """``{"invoices": [...]}``, oldest membership year first (R6). The caller checks
    that the member may be read (an unknown member simply has no invoices)."""
    from staycertified.store.invoices import member_invoices

    return {"invoices": [invoice_view(i) for i in member_invoices(table, member_id)]}


class StaffPayment(BaseModel):
    """The staff route's body."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    amount: Decimal = Field(gt=0, decimal_places=2)
    method: Literal["CARD", "CHECK", "MONEY_ORDER", "OTHER"]
    reference: str = Field(default="", max_length=200)


class ProviderPayment(BaseModel):
    """A payment notification of the provider (the webhook body, already authenticated)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True, defer_build=True)

    type: str = "payment.succeeded"
    payment_id: str = Field(alias="paymentId", min_length=1, max_length=200)
    invoice_id: str = Field(alias="invoiceId", min_length=1, max_length=200)
    amount: Decimal
    currency: str = Field(default="USD", min_length=3, max_length=3)
    reference: str = Field(default="", max_length=200)


def paid_instant(value: Any, now: datetime) -> datetime:
    """When the member paid (R6), in UTC: the provider's `paidAt` (ISO 8601; no offset
    means UTC), the request time `now` when absent (R40). Refuses (`PaymentRefused`)
    a value that is not a date-time (VALIDATION_FAILED) or lies outside
    [now - PAID_AT_LOOKBACK, now + PAID_AT_SKEW] (PAID_AT_IMPLAUSIBLE): nothing is
    stored as the paid date that no payment could have."""
    if value is None or value == "":
        return now
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        raise PaymentRefused(VALIDATION_FAILED, "paidAt is not a date-time.") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    try:
        instant = instant.astimezone(UTC)
        plausible = now - PAID_AT_LOOKBACK <= instant <= now + PAID_AT_SKEW
    except OverflowError:  # 0001-01-01T05:00+14:00 is no instant of the calendar
        plausible = False
    if not plausible:
        raise PaymentRefused(
            PAID_AT_IMPLAUSIBLE,
            f"paidAt must lie between {PAID_AT_LOOKBACK.days} days before the request "
            f"and {int(PAID_AT_SKEW.total_seconds())} s after it.",
            "R6",
        )
    return instant


def ignored_event(data: Any) -> dict[str, Any] | None:
    """R6: the 2xx answer for a provider event that is not a succeeded payment (nothing
    changes), or None when the event is a payment to apply (or a refund, refused)."""
    if not isinstance(data, dict):
        return None
    kind = str(data.get("type", PAYMENT_SUCCEEDED))
    if kind == PAYMENT_SUCCEEDED or "refund" in kind.lower():
        return None
    return {"received": True, "type": kind[:100], "changed": False, "rule": "R6"}


def record_staff_payment(invoice_id: str, body: Any, *, today: date, table: Any) -> dict[str, Any]:
    """Staff record a payment received by check, card... (R6). Refunds are refused."""
    if _is_refund(body):
        raise _refund_refused(invoice_id)
    try:
        staff = StaffPayment.model_validate(body)
    except ValidationError as error:
        raise PaymentRefused(VALIDATION_FAILED, _first_error(error)) from None
    payment = Payment(
        payment_id=f"STAFF-{invoice_id}",
        invoice_id=invoice_id,
        amount=staff.amount,
        method=PaymentMethod(staff.method),
        reference=staff.reference,
        received_on=today,
    )
    return _apply(payment, table=table, replay=False)


def apply_provider_payment(
    notification: ProviderPayment, *, received_on: date, table: Any
) -> dict[str, Any]:
    """The provider's payment, once per provider payment id (R6, R7)."""
    if "refund" in notification.type.lower() or notification.amount < 0:
        raise _refund_refused(notification.invoice_id)
    payment = Payment(
        payment_id=notification.payment_id,
        invoice_id=notification.invoice_id,
        amount=notification.amount,
        currency=notification.currency.upper(),
        method=PaymentMethod.PROVIDER,
        reference=notification.reference,
        received_on=received_on,
    )
    return _apply(payment, table=table)


def _apply(payment: Payment, *, table: Any, replay: bool = True) -> dict[str, Any]:
    """Pays the invoice once. `replay`: the same payment id again answers the first
    answer (a provider's redelivery, R7); without it (staff) it is refused (R6)."""
    from staycertified.domain import invoicing
    from staycertified.store import invoices as invoice_store
    from staycertified.store import payments as payment_store

    known = payment_store.get_payment(table, payment.payment_id)
    if known is not None:
        if not replay:
            raise _already_paid(payment.invoice_id)
        return _replay(known, payment)
    invoice = invoice_store.find_invoice(table, payment.invoice_id)
    if invoice is None:
        raise PaymentRefused(INVOICE_NOT_FOUND, f"No invoice {payment.invoice_id}.")
    invoice = invoice_store.refresh(table, invoice)  # GSI2 is eventually consistent
    certification = _certification(table, invoice)
    if invoice.status == InvoiceStatus.VOID and payment.method == PaymentMethod.PROVIDER:
        return _keep_for_refund(payment, invoice, certification, table=table)
    try:
        outcome = invoicing.apply_payment(certification, invoice, payment)
    except DomainError as error:
        raise PaymentRefused(error.code, error.message, error.rule) from None
    answer = _answer(payment, outcome.invoice, outcome.paid_through)
    if not outcome.changed:
        return answer
    try:
        payment_store.record_payment(
            table,
            payment=payment,
            invoice=invoice,
            paid_through=outcome.paid_through,
            answer=answer,
        )
    except payment_store.PaymentConflict as conflict:
        if conflict.payment_exists and replay:  # the same payment, recorded concurrently
            again = payment_store.get_payment(table, payment.payment_id)
            if again is not None:
                return _replay(again, payment)
        raise _already_paid(invoice.invoice_id) from None
    return answer


def _keep_for_refund(
    payment: Payment, invoice: Invoice, certification: Certification, *, table: Any
) -> dict[str, Any]:
    """R42: money that arrives for a void invoice changes no standing; it is kept as
    PAYMENT_FOR_VOID_INVOICE for staff to refund, and acknowledged (2xx)."""
    from staycertified.domain.invoicing import effective_paid_through
    from staycertified.store import payments as payment_store

    answer = {
        **_answer(payment, invoice, effective_paid_through(certification)),
        "status": payment_store.PAYMENT_FOR_VOID_INVOICE,
        "refundDue": True,
        "rule": "R42",
    }
    if not payment_store.record_payment_for_void_invoice(
        table, payment=payment, invoice=invoice, answer=answer
    ):
        again = payment_store.get_payment(table, payment.payment_id)
        if again is not None:
            return _replay(again, payment)
    return answer


def _already_paid(invoice_id: str) -> PaymentRefused:
    return PaymentRefused(errors.INVOICE_ALREADY_PAID, f"{invoice_id} is already paid.", "R6")


def _replay(known: tuple[Payment, dict[str, Any]], payment: Payment) -> dict[str, Any]:
    """R7: the same payment again answers the same and changes nothing."""
    recorded, answer = known
    if recorded.invoice_id != payment.invoice_id or recorded.amount != payment.amount:
        raise PaymentRefused(
            PAYMENT_ID_REUSED,
            f"Payment {payment.payment_id} was recorded for another invoice or amount.",
            "R7",
        )
    return answer


def _answer(payment: Payment, invoice: Invoice, paid_through: date) -> dict[str, Any]:
    return {
        "paymentId": payment.payment_id,
        "invoiceId": invoice.invoice_id,
        "status": invoice.status.value,
        "amount": money(payment.amount),
        "currency": payment.currency,
        "paidAt": invoice.paid_at.isoformat() if invoice.paid_at else None,
        "paidThrough": paid_through.isoformat(),
    }


def _certification(table: Any, invoice: Invoice) -> Certification:
    from staycertified.store import keys
    from staycertified.store.table import from_item

    item = table.get_item(
        Key={
            "PK": keys.member_pk(invoice.member_id),
            "SK": keys.cert_sk(invoice.certificate_number),
        },
        ConsistentRead=True,
    ).get("Item")
    if not item:
        raise PaymentRefused(CERTIFICATION_NOT_FOUND, "The invoice's certification is gone.")
    return from_item(Certification, {k: v for k, v in item.items() if k != "member_last_name"})


def _is_refund(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    if str(body.get("method", "")).upper() == "REFUND" or body.get("refund"):
        return True
    try:
        return Decimal(str(body.get("amount", "0"))) < 0
    except InvalidOperation:
        return False


def _refund_refused(invoice_id: str) -> PaymentRefused:
    return PaymentRefused(
        errors.FEE_NOT_REFUNDABLE, f"The fee of {invoice_id} cannot be refunded.", "R6"
    )


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "body"
    return f"{where}: {first.get('msg', 'invalid')}"

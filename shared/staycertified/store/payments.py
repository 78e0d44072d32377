"""Payments: recorded once per payment id, together with the invoice it pays (R6, R7).

| access pattern                       | key                                                 |
|--------------------------------------|-----------------------------------------------------|
| payment, once per payment id         | PK = PAYMENT#<paymentId>, SK = PAYMENT (condition)  |

Recording a payment is ONE TransactWriteItems:

1. Put PAYMENT#<id> with `attribute_not_exists(PK)` (a provider payment id is
   recorded once; the answer given is stored with it, so a replay of the same
   payment gets the same answer and changes nothing);
2. Update the invoice: status OPEN -> PAID, `paid_at`, `payment_id`, under the
   condition that it is still OPEN;
3. Update the certification's `paid_through` (R7), only if it moves forward;
4. the `FeePaid` domain event, into the outbox (staycertified.events.outbox).

Either all of them happen or none does.

A provider payment for a VOID invoice (R42) is recorded alone, with
`status = PAYMENT_FOR_VOID_INVOICE`: the invoice and `paid_through` are not
touched, and the sparse GSI3 (GSI3PK = REFUNDDUE, GSI3SK = <receivedOn>#<paymentId>)
lists it for staff to refund (`payments_to_refund`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from staycertified.domain.model import Invoice, InvoiceStatus, Payment
from staycertified.events import catalog, outbox
from staycertified.store import keys
from staycertified.store.invoices import invoice_key_of
from staycertified.store.table import from_item, new_item_put, to_item

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

PAYMENT = "Payment"
PAYMENT_SK = "PAYMENT"
PAYMENT_FOR_VOID_INVOICE = "PAYMENT_FOR_VOID_INVOICE"  # R42
_NOT_PAYMENT_FIELDS = ("answer", "member_id", "status")


class PaymentConflict(Exception):
    """The transaction was refused: which part failed (payment exists, invoice not open)."""

    def __init__(self, payment_exists: bool, invoice_not_open: bool) -> None:
        super().__init__("payment transaction cancelled")
        self.payment_exists = payment_exists
        self.invoice_not_open = invoice_not_open


def payment_key(payment_id: str) -> dict[str, str]:
    return {"PK": keys.payment_pk(payment_id), "SK": PAYMENT_SK}


def get_payment(table: Table, payment_id: str) -> tuple[Payment, dict[str, Any]] | None:
    """The recorded payment and the answer given when it was recorded, or None."""
    item = table.get_item(Key=payment_key(payment_id), ConsistentRead=True).get("Item")
    if not item:
        return None
    answer = json.loads(str(item.get("answer", "{}")))
    data = {k: v for k, v in item.items() if k not in _NOT_PAYMENT_FIELDS}
    return from_item(Payment, data), answer


def record_payment(
    table: Table,
    *,
    payment: Payment,
    invoice: Invoice,
    paid_through: date,
    answer: dict[str, Any],
) -> None:
    """Payment + invoice PAID + paid_through in one transaction; PaymentConflict if refused."""
    payment_item = to_item(payment, PAYMENT, **payment_key(payment.payment_id))
    payment_item["answer"] = json.dumps(answer, sort_keys=True)
    payment_item["member_id"] = invoice.member_id
    transact = [_put_payment(table.name, payment_item), _pay_invoice(table.name, invoice, payment)]
    paid = outbox.entry(
        catalog.fee_paid(
            member_id=invoice.member_id,
            certificate_number=invoice.certificate_number,
            payment_id=payment.payment_id,
            invoice_id=invoice.invoice_id,
            membership_year=invoice.membership_year,
            paid_through=paid_through,
            occurred_on=payment.received_on,
        )
    )
    client = table.meta.client
    try:
        client.transact_write_items(
            TransactItems=[
                *transact,
                _advance_paid_through(table.name, invoice, paid_through),
                paid,
            ]
        )
    except client.exceptions.TransactionCanceledException as error:
        failed = _failed_parts(error, 3)
        if not failed[2]:
            raise PaymentConflict(payment_exists=failed[0], invoice_not_open=failed[1]) from error
        if failed[0] or failed[1]:
            raise PaymentConflict(payment_exists=failed[0], invoice_not_open=failed[1]) from error
        # paid_through already at or past this year's (a later year was paid first):
        # record payment and invoice without moving paid_through back.
        try:
            client.transact_write_items(TransactItems=[*transact, paid])
        except client.exceptions.TransactionCanceledException as again:
            failed = _failed_parts(again, 2)
            raise PaymentConflict(payment_exists=failed[0], invoice_not_open=failed[1]) from again


def record_payment_for_void_invoice(
    table: Table, *, payment: Payment, invoice: Invoice, answer: dict[str, Any]
) -> bool:
    """R42: keeps the payment for a refund (invoice and standing untouched), once per
    payment id; False when that payment id was recorded already."""
    from staycertified.store.table import put_once

    item = to_item(payment, PAYMENT, **payment_key(payment.payment_id))
    item.update(
        answer=json.dumps(answer, sort_keys=True),
        member_id=invoice.member_id,
        status=PAYMENT_FOR_VOID_INVOICE,
        GSI3PK=keys.REFUND_DUE_GSI3PK,
        GSI3SK=keys.refund_due_gsi3sk(payment.received_on, payment.payment_id),
    )
    return put_once(table, item)


def payments_to_refund(table: Table) -> list[Payment]:
    """R42: provider payments kept for void invoices, oldest first (GSI3, never a Scan)."""
    from boto3.dynamodb.conditions import Key

    from staycertified.store.table import query_all

    items = query_all(
        table, IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq(keys.REFUND_DUE_GSI3PK)
    )
    return [
        from_item(Payment, {k: v for k, v in i.items() if k not in _NOT_PAYMENT_FIELDS})
        for i in items
    ]


def _failed_parts(error: Exception, count: int) -> list[bool]:
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    failed = [r.get("Code") == "ConditionalCheckFailed" for r in reasons]
    return (failed + [False] * count)[:count]


def _put_payment(table_name: str, payment_item: dict[str, Any]) -> dict[str, Any]:
    return new_item_put(table_name, payment_item)


def _pay_invoice(table_name: str, invoice: Invoice, payment: Payment) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table_name,
            "Key": invoice_key_of(invoice),
            "UpdateExpression": "SET #s = :paid, paid_at = :at, payment_id = :pid",
            "ConditionExpression": "#s = :open",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {
                ":paid": InvoiceStatus.PAID.value,
                ":open": InvoiceStatus.OPEN.value,
                ":at": payment.received_on.isoformat(),
                ":pid": payment.payment_id,
            },
        }
    }


def _advance_paid_through(table_name: str, invoice: Invoice, paid_through: date) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table_name,
            "Key": {
                "PK": keys.member_pk(invoice.member_id),
                "SK": keys.cert_sk(invoice.certificate_number),
            },
            "UpdateExpression": "SET paid_through = :pt",
            # ISO dates: string order is date order; never moves paid_through back.
            "ConditionExpression": (
                "attribute_exists(PK) AND "
                "(attribute_not_exists(paid_through) OR paid_through < :pt)"
            ),
            "ExpressionAttributeValues": {":pt": paid_through.isoformat()},
        }
    }

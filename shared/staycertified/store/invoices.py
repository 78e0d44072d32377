"""Invoices: one per certification per membership year (R3), paid once (R7).

Keys (see `keys.py`):

| access pattern                         | key                                                    |
|----------------------------------------|--------------------------------------------------------|
| the invoice of a year, created once    | PK = MEMBER#<memberId>, SK = CERT#<certNo>#INV#<year>, |
|                                        | put with `attribute_not_exists(PK)`                    |
| a recertification application's fee    | SK = CERT#<certNo>#RECERTFEE#<applicationId> (R29)     |
| invoice by id (webhook, staff payment) | GSI2: GSI2PK = INVOICE#<invoiceId>, GSI2SK = INVOICE   |
| a member's invoices (API)              | Query PK = MEMBER#<memberId>, entity = Invoice         |

The item holds exactly the `Invoice` fields (plus keys), so the member record
(`store.members.load_member`) reads it back as an `Invoice`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key

from staycertified.domain.model import Invoice
from staycertified.store import keys
from staycertified.store.members import INVOICE
from staycertified.store.table import (
    from_item,
    is_conditional_check_failure,
    query_all,
    to_item,
)

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

INVOICE_GSI2SK = "INVOICE"


def invoice_key(member_id: str, certificate_number: str, membership_year: int) -> dict[str, str]:
    return {
        "PK": keys.member_pk(member_id),
        "SK": keys.invoice_sk(certificate_number, membership_year),
    }


def invoice_key_of(invoice: Invoice) -> dict[str, str]:
    """The invoice's own key: its membership year's, or its application's (R29 fee)."""
    if invoice.application_id is not None:
        return {
            "PK": keys.member_pk(invoice.member_id),
            "SK": keys.application_fee_sk(invoice.certificate_number, invoice.application_id),
        }
    return invoice_key(invoice.member_id, invoice.certificate_number, invoice.membership_year)


def invoice_item(invoice: Invoice) -> dict[str, Any]:
    return to_item(
        invoice,
        INVOICE,
        **invoice_key_of(invoice),
        GSI2PK=keys.invoice_gsi2pk(invoice.invoice_id),
        GSI2SK=INVOICE_GSI2SK,
    )


def create_once_put(invoice: Invoice) -> dict[str, Any]:
    """The conditional Put (for put_item or a transaction) creating the year's invoice once."""
    return {
        "Item": invoice_item(invoice),
        "ConditionExpression": "attribute_not_exists(PK)",
    }


def create_invoice_once(table: Table, invoice: Invoice) -> bool:
    """Creates the invoice; False when the year's invoice already exists (R3)."""
    try:
        table.put_item(**create_once_put(invoice))
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def void_invoice(table: Table, voided: Invoice) -> bool:
    """R42: the invoice, still OPEN, becomes VOID (with its reason); False if it was no
    longer open (paid in between: then it stays paid)."""
    try:
        table.update_item(
            Key=invoice_key(voided.member_id, voided.certificate_number, voided.membership_year),
            UpdateExpression="SET #s = :void, void_reason = :why, voided_on = :on",
            ConditionExpression="#s = :open",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":void": voided.status.value,
                ":open": "OPEN",
                ":why": voided.void_reason,
                ":on": voided.voided_on.isoformat() if voided.voided_on else None,
            },
        )
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def get_invoice(
    table: Table, member_id: str, certificate_number: str, membership_year: int
) -> Invoice | None:
    item = table.get_item(
        Key=invoice_key(member_id, certificate_number, membership_year), ConsistentRead=True
    ).get("Item")
    return from_item(Invoice, item) if item else None


def find_invoice(table: Table, invoice_id: str) -> Invoice | None:
    """The invoice with this id (GSI2), or None."""
    page = table.query(
        IndexName="GSI2",
        KeyConditionExpression=Key("GSI2PK").eq(keys.invoice_gsi2pk(invoice_id))
        & Key("GSI2SK").eq(INVOICE_GSI2SK),
    )
    items = page.get("Items", [])
    return from_item(Invoice, items[0]) if items else None


def refresh(table: Table, invoice: Invoice) -> Invoice:
    """The invoice read again from its primary key (strongly consistent)."""
    item = table.get_item(Key=invoice_key_of(invoice), ConsistentRead=True).get("Item")
    return from_item(Invoice, item) if item else invoice


def member_invoices(table: Table, member_id: str) -> list[Invoice]:
    """Every invoice of the member, oldest membership year first."""
    items = query_all(
        table,
        KeyConditionExpression=Key("PK").eq(keys.member_pk(member_id)),
        FilterExpression=Attr("entity").eq(INVOICE),
    )
    invoices = [from_item(Invoice, item) for item in items]
    return sorted(invoices, key=lambda i: (i.membership_year, i.certificate_number))


def from_items(items: Iterable[dict[str, Any]]) -> list[Invoice]:
    return [from_item(Invoice, item) for item in items if item.get("entity") == INVOICE]

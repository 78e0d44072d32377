"""R42: a certification that must recertify is never invoiced or told to renew.

| member | story                                                                          |
|--------|--------------------------------------------------------------------------------|
| REQ    | imported owing 2015-2025: RECERTIFICATION_REQUIRED (exam only, R23) on import   |
| TURNS  | owes 2023-2025; the 2023 fee's 3 years run out on 2026-02-28: required then     |

One sandbox, 2026-01-01 .. 2026-03-02 (renewal runs of January, February, March).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

from .renewal_support import RENEWAL_KINDS, table_items, webhook
from .scenario_support import certification, row

ROWS = [
    row("REQ", "2010-03-05", paid_through="2015-03-31"),
    row("TURNS", "2020-02-10", paid_through="2023-02-28", cycle_points=30),
]


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 1)) as sandbox:
        assert not sandbox.load_members(ROWS).errors
        sandbox.advance_to(date(2026, 2, 27))
        sandbox.seen = {"TURNS before": status(sandbox, "TURNS")}  # type: ignore[attr-defined]
        sandbox.advance_to(date(2026, 3, 2))
        yield sandbox


def status(sb: Sandbox, member: str) -> dict[str, Any]:
    code, body = sb.api("GET", f"/members/{member}/status", as_member=member)
    assert code == 200, body
    return certification(body)


def invoices(sb: Sandbox, member: str) -> dict[int, dict[str, Any]]:
    code, body = sb.api("GET", f"/members/{member}/invoices", as_member=member)
    assert code == 200, body
    return {i["membershipYear"]: i for i in body["invoices"]}


def mails(sb: Sandbox, member: str) -> tuple[list[Any], list[Any]]:
    address = f"{member.lower()}.zq@members.example.org"
    emails = [e for e in sb.emails if address in e.to]
    letters = [entry for entry in sb.letters if f"Quixote{member}" in " ".join(entry.address)]
    return emails, letters


@pytest.mark.parametrize("member", ["REQ", "TURNS"])
def test_r42_open_renewal_invoices_become_void(sb: Sandbox, member: str) -> None:
    assert status(sb, member)["status"] == "RECERTIFICATION_REQUIRED"
    found = invoices(sb, member)
    assert found, "the owed years were invoiced"
    assert {year: i["status"] for year, i in found.items()} == dict.fromkeys(found, "VOID")


def test_r42_no_renewal_invoice_or_notice_once_required(sb: Sandbox) -> None:
    """REQ (March anniversary) gets no 2026 invoice and no renewal notice at all; TURNS
    (February) got its January and February notices while LAPSED, none after 02-28."""
    assert 2026 not in invoices(sb, "REQ")
    emails, letters = mails(sb, "REQ")
    assert [e.kind for e in emails if e.kind in RENEWAL_KINDS] == []
    assert [entry.kind for entry in letters if entry.kind in RENEWAL_KINDS] == []
    emails, _ = mails(sb, "TURNS")
    assert "PAST_DUE" not in {e.kind for e in emails}  # due 2026-03-01, after 02-28


def test_r42_the_member_is_told_the_ways_back_by_email_and_mail(sb: Sandbox) -> None:
    for member, way in (
        ("REQ", "only way back is recertification by exam"),
        ("TURNS", "two ways back"),
    ):
        emails, letters = mails(sb, member)
        [email] = [e for e in emails if e.kind == "RECERTIFICATION_REQUIRED"]
        assert [entry.kind for entry in letters].count("RECERTIFICATION_REQUIRED") == 1
        assert way in email.text
        assert "will not be charged" in email.text
        assert "keeps your certification active" not in email.text


def test_r22_required_since_is_the_day_the_3_years_ran_out(sb: Sandbox) -> None:
    assert sb.seen["TURNS before"]["status"] == "LAPSED"  # type: ignore[attr-defined]
    turns = status(sb, "TURNS")
    assert turns["recertification"]["requiredSince"] == "2026-02-28"
    r22 = {r["since"] for r in turns["reasons"] if r["rule"] == "R22"}
    assert r22 == {"2026-02-28"}
    assert status(sb, "REQ")["recertification"]["requiredSince"] == "2018-03-31"


def test_r42_staff_cannot_take_payment_on_a_void_invoice(sb: Sandbox) -> None:
    before = table_items(sb)
    body = {"amount": "50.00", "method": "CHECK", "reference": "chk 7"}
    code, answer = sb.api(
        "POST", "/staff/invoices/INV-RMA-TURNS-2023/payments", body, as_staff=True
    )
    assert (code, answer["code"]) == (409, "INVOICE_VOID"), answer
    assert table_items(sb) == before


def test_r42_a_late_provider_payment_is_kept_for_refund_and_changes_no_standing(
    sb: Sandbox,
) -> None:
    standing = status(sb, "REQ")
    payment = {
        "type": "payment.succeeded",
        "paymentId": "pay_late_req",
        "invoiceId": "INV-RMA-REQ-2016",
        "amount": "50.00",
        "currency": "USD",
    }
    code, answer = webhook(sb, payment)
    assert code == 200, answer
    assert (answer["status"], answer["refundDue"], answer["rule"]) == (
        "PAYMENT_FOR_VOID_INVOICE",
        True,
        "R42",
    )
    assert webhook(sb, payment) == (200, answer)  # R7: the same payment again, same answer
    assert status(sb, "REQ") == standing
    assert invoices(sb, "REQ")[2016]["status"] == "VOID"
    from staycertified.store.payments import payments_to_refund

    assert [p.payment_id for p in payments_to_refund(sb.table)] == ["pay_late_req"]

"""Emails and letters a person can trust (R43): headers, the one layout, unbroken numbers."""

from __future__ import annotations

import email
import email.policy
import io

import pypdf

from staycertified import config
from staycertified.notify import letters
from staycertified.notify.catalogue import notice_kind
from staycertified.notify.email import build_message
from staycertified.notify.render import format_day, render_letter_body

INVOICE = "INV-RMA-100001-2026"


def test_r43_every_email_has_a_date_a_message_id_and_text_and_html_parts() -> None:
    parts = {"subject": "Hello", "text": "text body", "html": "<p>html body</p>"}
    raw = build_message(
        sender="renewals@body.example.org", to="ann@example.com", kind="RENEWAL_NOTICE", **parts
    )
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Date"] and email.utils.parsedate_to_datetime(message["Date"])
    assert message["Message-ID"].endswith("@body.example.org>")
    types = [part.get_content_type() for part in message.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html"]


def past_due_letter(certification_name: str) -> str:
    org = config.organisation()
    context = {
        "first_name": "Ann",
        "certification_name": certification_name,
        "certificate_number": "RMA-100001",
        "membership_year": "2026",
        "invoice_id": INVOICE,
        "amount": "50.00",
        "currency": "USD",
        "due_date": "February 28, 2026",
        "pay_url": org.pay_link(INVOICE),
        "org": org,
        "older_unpaid": False,  # R4: only this invoice is unpaid
    }
    body = render_letter_body(notice_kind("PAST_DUE"), context)
    rendered = letters.render_letter(
        title=body.title,
        address_lines=["Ann Lee", "1 Main St", "Springfield, IL 62701"],
        letter_date=format_day("2026-03-01"),
        blocks=body.blocks,
        return_address=org.postal_lines,
        creator=org.name,
    )
    return str(pypdf.PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text())


def test_r43_no_invoice_number_is_split_across_lines_wherever_the_line_breaks() -> None:
    for extra in range(0, 40, 3):  # moves the invoice number along the line
        text = past_due_letter("Registered Medical Assistant" + " x" * extra)
        # opening paragraph, the table, "how to pay" (check), the pay link
        assert text.count(INVOICE) >= 4, (extra, text)


def test_r43_a_letter_gives_every_date_in_one_format_and_the_body_s_contact_details() -> None:
    text = past_due_letter("Registered Medical Assistant")
    org = config.organisation()
    assert "March 1, 2026" in text and "February 28, 2026" in text
    assert org.email in text and org.portal_url in text
    assert all(line in text for line in org.postal_lines)

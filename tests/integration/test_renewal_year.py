"""Five monthly renewal runs in the sandbox, October 2026 to March 2027 (R3-R5, R7, R39).

One deploy for the module; the members cover the edges: a December
anniversary (year boundary), 29 February, no postal address, no email, a type
without a fee (MDT) and a member who pays between the notice and the reminder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pypdf
import pytest

from staycertified_sandbox import Sandbox

from .renewal_support import invoke, renewal_emails, renewal_letters, row, run_report, webhook

ROWS = [
    row("R100", "RMA-900100", "RMA", "2020-12-10"),
    row("R101", "RPT-900101", "RPT", "2021-12-05", address=False),
    row("R102", "AHI-900102", "AHI", "2023-12-20", email=False),
    row("R103", "MDT-900103", "MDT", "2020-12-01"),
    row("R104", "RMA-900104", "RMA", "2018-12-15"),
    row("R105", "CMAS-900105", "CMAS", "2024-02-29"),
]


@pytest.fixture(scope="module")
def year() -> Iterator[dict[str, Any]]:
    with Sandbox(start=date(2026, 10, 1)) as sb:
        report = sb.load_members(ROWS)
        assert not report.errors
        sb.advance_to(date(2026, 11, 2))
        after_november = renewal_emails(sb)
        paid = webhook(
            sb,
            {
                "type": "payment.succeeded",
                "paymentId": "pay_R104",
                "invoiceId": "INV-RMA-900104-2026",
                "amount": "50.00",
                "currency": "USD",
            },
        )
        sb.advance_to(date(2027, 3, 2))
        yield {"sb": sb, "after_november": after_november, "paid": paid}


def kinds(year: dict[str, Any], member_id: str) -> list[str]:
    address = f"{member_id.lower()}@example.com"
    return sorted(
        k for (to, k), n in renewal_emails(year["sb"]).items() for _ in range(n) if to == address
    )


def letter_kinds(year: dict[str, Any], member_id: str) -> list[str]:
    return sorted(
        str(x.kind) for x in renewal_letters(year["sb"]) if f"Member{member_id}" in x.address[0]
    )


def test_r3_r4_a_december_anniversary_gets_notice_reminder_and_past_due_across_the_year_end(
    year: dict[str, Any],
) -> None:
    assert kinds(year, "R100") == ["PAST_DUE", "REMINDER", "RENEWAL_NOTICE"]
    assert letter_kinds(year, "R100") == ["PAST_DUE", "RENEWAL_NOTICE"]
    runs = {e.name: e for e in year["sb"].executions() if e.name.startswith("renewals-")}
    assert {"renewals-2026-11", "renewals-2026-12", "renewals-2027-01"} <= set(runs)
    assert all(e.status == "SUCCEEDED" for e in runs.values())
    past_due = run_report(year["sb"], "renewals-2027-01")
    assert past_due["sent"]["byStep"]["PAST_DUE"] >= 2


def test_r39_a_29_february_certification_is_due_28_february_2027(year: dict[str, Any]) -> None:
    assert kinds(year, "R105") == ["PAST_DUE", "REMINDER", "RENEWAL_NOTICE"]
    notice = next(
        e for e in year["sb"].emails if e.to == ["r105@example.com"] and e.kind == "RENEWAL_NOTICE"
    )
    assert "February 28, 2027" in notice.text and "INV-CMAS-900105-2027" in notice.text


def test_r4_r7_an_invoice_paid_after_the_notice_gets_no_reminder_and_no_past_due(
    year: dict[str, Any],
) -> None:
    status, body = year["paid"]
    assert status == 200, body
    assert (body["status"], body["paidThrough"]) == ("PAID", "2027-12-31")
    assert kinds(year, "R104") == ["RENEWAL_NOTICE"]
    assert letter_kinds(year, "R104") == ["RENEWAL_NOTICE"]


def test_r4_no_postal_address_the_emails_still_go_and_no_email_the_letters_still_go(
    year: dict[str, Any],
) -> None:
    assert kinds(year, "R101") == ["PAST_DUE", "REMINDER", "RENEWAL_NOTICE"]
    assert letter_kinds(year, "R101") == []
    assert kinds(year, "R102") == []
    assert letter_kinds(year, "R102") == ["PAST_DUE", "RENEWAL_NOTICE"]
    november = run_report(year["sb"], "renewals-2026-11")
    assert november["outcomes"]["UNDELIVERABLE"] == 2


def test_r1_a_type_without_a_fee_is_reported_as_fee_not_configured_and_sends_nothing(
    year: dict[str, Any],
) -> None:
    assert kinds(year, "R103") == [] and letter_kinds(year, "R103") == []
    assert run_report(year["sb"], "renewals-2026-11")["failures"] == {"FEE_NOT_CONFIGURED": 1}


def test_r4_every_letter_is_a_pdf_with_its_address_and_amount_and_is_in_the_run_manifest(
    year: dict[str, Any],
) -> None:
    sb = year["sb"]
    letters = renewal_letters(sb)
    # R100, R102, R105: notice + past due; R104: notice (then paid); R101: no address.
    assert len(letters) == 7
    assert len({letter.key for letter in letters}) == 7
    for letter in letters:
        text = pypdf.PdfReader(io.BytesIO(letter.pdf)).pages[0].extract_text()
        assert letter.address[0] in text and letter.address[-1] in text
        assert "50.00 USD" in text or "30.00 USD" in text
    manifest = sb.client("s3").get_object(
        Bucket=sb.env("MAIL_BUCKET"), Key="runs/renewals-2026-11/manifest.csv"
    )
    rows = list(csv.DictReader(io.StringIO(manifest["Body"].read().decode())))
    assert {r["invoice_id"] for r in rows} == {
        "INV-RMA-900100-2026",
        "INV-AHI-900102-2026",
        "INV-RMA-900104-2026",
    }
    assert all(r["pages"] == "1" and r["kind"] == "RENEWAL_NOTICE" for r in rows)


def test_r5_the_month_started_again_is_refused_and_sends_nothing(year: dict[str, Any]) -> None:
    sb = year["sb"]
    before = renewal_emails(sb), len(renewal_letters(sb))
    answer = invoke(sb, "StartRunFunction", {"workflow": "renewals", "runMonth": "2026-12"})
    sb.wait_for_executions()
    assert answer["status"] == "ALREADY_STARTED"
    assert (renewal_emails(sb), len(renewal_letters(sb))) == before

"""Sending a batch: invoice once (R3), re-check (R4), one notice per step and channel (R5)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from botocore.exceptions import ClientError

from staycertified.domain.model import Certification, Channel, InvoiceStatus
from staycertified.renewals.model import Batch, PlannedNotice
from staycertified.renewals.send import TransientError, send_batch
from staycertified.store import invoices as invoice_store
from staycertified.store.members import load_member

from .conftest import World

BOTH = (Channel.EMAIL, Channel.MAIL)


def batch(
    *certs: Certification,
    run_id: str = "renewals-2026-01",
    step: str = "RENEWAL_NOTICE",
    channels: tuple[Channel, ...] = BOTH,
    year: int = 2026,
    batch_no: int = 1,
) -> Batch:
    return Batch(
        run_id=run_id,
        run_month="2026-01",
        as_of=date(2026, 1, 1),
        batch_no=batch_no,
        items=tuple(
            PlannedNotice(
                certification=c,
                step=step,
                channels=channels,
                membership_year=year,
                due_date=date(year, c.anniversary_month, 28),
            )
            for c in certs
        ),
    )


def outcomes(result: Any) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for tally in result.tallies:
        found[(tally.channel, tally.outcome)] = (
            found.get((tally.channel, tally.outcome), 0) + tally.count
        )
    return found


def test_r3_given_no_invoice_when_a_batch_is_sent_then_the_year_invoice_is_created_with_the_policy_fee(
    world: World,
) -> None:
    cert = world.member("M1")
    result = send_batch(batch(cert), world.ports)
    invoice = invoice_store.get_invoice(world.table, "M1", cert.certificate_number, 2026)
    assert invoice is not None and str(invoice.amount) == "50.00"
    assert invoice.due_date == date(2026, 2, 28) and invoice.status == InvoiceStatus.OPEN
    assert result.invoices_created == 1
    assert outcomes(result) == {("EMAIL", "SENT"): 1, ("MAIL", "SENT"): 1}
    assert len(world.outbox.emails) == 1 and len(world.outbox.letters) == 1
    assert "50.00 USD" in world.outbox.emails[0]["text"]


def test_r5_given_a_batch_already_sent_when_it_is_retried_then_nothing_is_sent_again_and_the_manifest_is_the_same(
    world: World,
) -> None:
    cert = world.member("M1")
    first = send_batch(batch(cert), world.ports)
    part_first = world.s3.get_object(Bucket="mail", Key=first.part_key)["Body"].read()
    again = send_batch(batch(cert), world.ports)
    part_again = world.s3.get_object(Bucket="mail", Key=again.part_key)["Body"].read()
    assert len(world.outbox.emails) == 1 and len(world.outbox.letters) == 1
    assert again.invoices_created == 0
    assert outcomes(again) == outcomes(first)  # the same run reports the same counts
    assert json.loads(part_again)["letters"] == json.loads(part_first)["letters"]


def test_r5_given_a_month_replayed_by_another_run_when_sent_then_every_notice_is_already_sent(
    world: World,
) -> None:
    cert = world.member("M1")
    send_batch(batch(cert), world.ports)
    replay = send_batch(batch(cert, run_id="renewals-2026-01-replay"), world.ports)
    assert outcomes(replay) == {("EMAIL", "ALREADY_SENT"): 1, ("MAIL", "ALREADY_SENT"): 1}
    assert len(world.outbox.emails) == 1


def test_r5_given_a_send_that_failed_after_the_claim_when_run_again_then_it_is_sent_once(
    world: World,
) -> None:
    cert = world.member("M1")
    world.outbox.fail_email = lambda message: RuntimeError("connection reset")
    failed = send_batch(batch(cert), world.ports)
    assert failed.failures == {"SEND_FAILED": 1}
    assert world.outbox.emails == []
    world.outbox.fail_email = None
    again = send_batch(batch(cert), world.ports)
    assert outcomes(again)[("EMAIL", "SENT")] == 1
    assert len(world.outbox.emails) == 1 and len(world.outbox.letters) == 1
    record = load_member(world.table, "M1")
    assert record is not None
    email_notice = next(n for n in record.certifications[0].notices if n.channel == "EMAIL")
    assert "RESENT_AFTER_INTERRUPTION" in email_notice.flags


def test_r5_given_throttling_that_outlives_the_retries_when_the_batch_is_retried_then_each_notice_goes_once(
    world: World,
) -> None:
    certs = [world.member(f"M{i}") for i in range(5)]
    throttled = {"count": 0}

    def fail(message: dict[str, Any]) -> Exception | None:
        throttled["count"] += 1
        if throttled["count"] == 3:
            return ClientError({"Error": {"Code": "TooManyRequestsException"}}, "SendEmail")
        return None

    world.outbox.fail_email = fail
    with pytest.raises(TransientError):
        send_batch(batch(*certs), world.ports)
    sent_before = len(world.outbox.emails)
    assert sent_before == 2
    send_batch(batch(*certs), world.ports)
    recipients = [e["to"] for e in world.outbox.emails]
    assert len(recipients) == 5


def test_r4_given_the_invoice_paid_before_sending_when_the_reminder_batch_runs_then_no_reminder_goes(
    world: World,
) -> None:
    cert = world.member("M1")
    send_batch(batch(cert), world.ports)
    world.table.update_item(
        Key=invoice_store.invoice_key("M1", cert.certificate_number, 2026),
        UpdateExpression="SET #s = :paid",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":paid": "PAID"},
    )
    reminder = send_batch(batch(cert, step="REMINDER", channels=(Channel.EMAIL,)), world.ports)
    assert outcomes(reminder) == {("EMAIL", "SKIPPED_PAID"): 1}
    assert len(world.outbox.emails) == 1


def test_r1_given_a_type_without_a_fee_when_sent_then_that_certification_fails_and_the_rest_go(
    world: World,
) -> None:
    mdt = world.member("M1", cert_type="MDT")
    rma = world.member("M2")
    result = send_batch(batch(mdt, rma), world.ports)
    assert result.failures == {"FEE_NOT_CONFIGURED": 1}
    assert invoice_store.get_invoice(world.table, "M1", mdt.certificate_number, 2026) is None
    assert len(world.outbox.emails) == 1 and len(world.outbox.letters) == 1


def test_r4_given_no_postal_address_then_the_email_goes_and_the_notice_records_postal_address_missing(
    world: World,
) -> None:
    cert = world.member("M1", address=None)
    result = send_batch(batch(cert), world.ports)
    assert outcomes(result) == {("EMAIL", "SENT"): 1, ("MAIL", "UNDELIVERABLE"): 1}
    assert len(world.outbox.emails) == 1 and world.outbox.letters == {}
    record = load_member(world.table, "M1")
    assert record is not None
    assert {n.channel: n.flags for n in record.certifications[0].notices} == {
        "EMAIL": ["POSTAL_ADDRESS_MISSING"],
        "MAIL": ["POSTAL_ADDRESS_MISSING"],
    }


def test_r4_given_no_email_then_the_letter_goes_and_the_notice_records_email_address_missing(
    world: World,
) -> None:
    cert = world.member("M1", email=None)
    result = send_batch(batch(cert), world.ports)
    assert outcomes(result) == {("EMAIL", "UNDELIVERABLE"): 1, ("MAIL", "SENT"): 1}
    assert world.outbox.emails == [] and len(world.outbox.letters) == 1


@pytest.mark.parametrize(
    ("step", "channels"),
    [("RENEWAL_NOTICE", BOTH), ("REMINDER", (Channel.EMAIL,)), ("PAST_DUE", BOTH)],
)
def test_r4_a_notice_of_a_certification_owing_older_years_lists_every_unpaid_invoice_and_the_total(
    world: World, step: str, channels: tuple[Channel, ...]
) -> None:
    """R4: owes 2024 and 2025 (paid through 2024-02-29): the 2026 notice lists the three
    unpaid invoices and 150.00 owed, and never says paying this one keeps it active."""
    from staycertified.domain.invoicing import make_invoice
    from staycertified.policy import load_policy

    cert = world.member("M1", paid_through=date(2024, 2, 29))
    for year in (2024, 2025):
        older = make_invoice(cert, year, date(year, 1, 1), load_policy())
        assert invoice_store.create_invoice_once(world.table, older)
    send_batch(batch(cert, step=step, channels=channels), world.ports)
    [email] = world.outbox.emails
    for text in (email["text"], email["html"]):
        for year in (2024, 2025, 2026):
            assert f"INV-RMA-M1-{year}" in text
        assert "Total owed: 150.00 USD" in text
        assert "paying this invoice alone does not make it active" in text
        assert "keeps your certification active" not in text
        assert "cures" not in text


def test_r4_a_notice_of_a_certification_owing_nothing_else_promises_nothing_false(
    world: World,
) -> None:
    cert = world.member("M1")
    send_batch(batch(cert), world.ports)
    [email] = world.outbox.emails
    assert "keeps your certification active" not in email["text"]
    assert "Total owed" not in email["text"]

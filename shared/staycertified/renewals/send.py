"""Send one batch of renewal notices: invoice once, re-check, then each notice once (R3-R5).

Per batch (at most a few hundred certifications), in this order:

1. **read** in bulk (BatchGetItem, strongly consistent): every member profile and
   certification, every year's invoice and every ledger entry the batch could touch;
2. **decide** per certification, with the domain: the year's invoice
   (`invoicing.make_invoice`, amount from the policy in force on the run's
   date; `FEE_NOT_CONFIGURED` is a failure of that certification, not of the
   batch); whether the step is still due now that the invoice state is read
   again (R4: a paid invoice gets no reminder; R42: a certification recorded as
   RECERTIFICATION_REQUIRED since planning gets neither invoice nor notice);
3. **invoice**: the new invoices, created once each (TransactWriteItems of
   conditional Puts, `attribute_not_exists`, R3);
4. **notify**: each notice through `notify.outbox.Outbox.send` (the catalogue
   kind is the step): per channel R4's deliverability, render, then the
   ledger's claim -> send -> mark **per message** (`notify.ledger`). A
   transient fault that outlives the clients' retries stops the batch with
   `TransientError` (what was sent is marked first), which the state machine
   retries: the retry (same run, same batch: the same claimant) resumes its
   own PENDING claim and skips what is SENT;
5. **finish**: the batch's manifest part (every letter SENT by this run, also
   those a retried batch finds sent) and its counts, with
   `resentAfterInterruption`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from staycertified.domain.errors import DomainError
from staycertified.domain.model import Channel, Invoice, Member
from staycertified.domain.policy import Policy
from staycertified.notify.channels import TransientError
from staycertified.renewals.model import (
    Batch,
    BatchPart,
    BatchResult,
    ManifestRow,
    PlannedNotice,
    Tally,
    letter_key,
    part_key,
)
from staycertified.store import invoices as invoice_store
from staycertified.store import keys
from staycertified.store import notices as ledger
from staycertified.store.members import CERTIFICATION, INVOICE, MEMBER, NOTICE
from staycertified.store.notices import LedgerEntry, NoticeStatus
from staycertified.store.table import from_item

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.config import OrganisationProfile
    from staycertified.notify.outbox import Delivery, Notice

__all__ = ["Ports", "TransientError", "send_batch"]

MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND"
SEND_FAILED = "SEND_FAILED"
CLAIMED_ELSEWHERE = "CLAIMED_ELSEWHERE"

# Outcomes counted per (step, channel, type).
SENT = "SENT"
ALREADY_SENT = "ALREADY_SENT"
UNDELIVERABLE = "UNDELIVERABLE"
SKIPPED_PAID = "SKIPPED_PAID"
SKIPPED_RECERTIFICATION_REQUIRED = "SKIPPED_RECERTIFICATION_REQUIRED"  # R42
FAILED = "FAILED"

NOTICE_NOT_CONFIGURED = "NOTICE_NOT_CONFIGURED"  # a step the notice catalogue lacks
TEMPLATE_VALUE_MISSING = "TEMPLATE_VALUE_MISSING"

TRANSACTION_LIMIT = 100


SendEmail = Callable[..., str]
PostLetter = Callable[..., str]


@dataclass
class Ports:
    """What `send_batch` talks to; tests hand fakes or a moto-backed table."""

    table: Any
    s3: Any
    mail_bucket: str
    send_email: SendEmail
    post_letter: PostLetter
    policy: Policy
    logger: Any = None
    org: OrganisationProfile | None = None  # the organisation profile; from the environment


@dataclass
class _Run:
    tallies: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    invoices_created: int = 0
    resent: int = 0
    letters: list[ManifestRow] = field(default_factory=list)

    def count(self, item: PlannedNotice, channel: str, outcome: str) -> None:
        self.tallies[(item.step, channel, item.certification.type, outcome)] += 1


def send_batch(batch: Batch, ports: Ports) -> BatchResult:
    from staycertified.notify.catalogue import NoticeNotConfigured
    from staycertified.notify.outbox import Outbox
    from staycertified.notify.render import MissingTemplateValue

    run = _Run()
    profiles, invoices, entries, must_recertify = _read(batch, ports.table)
    new_invoices: list[Invoice] = []
    ready: list[tuple[PlannedNotice, Member, Invoice]] = []
    for item in batch.items:
        cert = item.certification
        member = profiles.get(cert.member_id)
        if member is None:
            _fail(run, item, MEMBER_NOT_FOUND)
            continue
        if cert.certificate_number in must_recertify:  # R42, re-checked at send time
            for channel in item.channels:
                run.count(item, channel.value, SKIPPED_RECERTIFICATION_REQUIRED)
            continue
        invoice = invoices.get((cert.certificate_number, item.membership_year))
        if invoice is None:
            try:
                invoice = _make_invoice(item, batch.as_of, ports.policy)
            except DomainError as error:  # FEE_NOT_CONFIGURED, NOT_AN_INVOICE_MONTH, ...
                _fail(run, item, error.code)
                continue
            new_invoices.append(invoice)
        if not _still_due(item, invoice):  # R4: re-checked at send time
            for channel in item.channels:
                run.count(item, channel.value, SKIPPED_PAID)
            continue
        ready.append((item, member, invoice))

    run.invoices_created = _create_invoices(ports.table, new_invoices)
    owed = _unpaid_invoices(ports.table, ready)
    with Outbox(
        ports.table,
        claimant=f"{batch.run_id}#{batch.batch_no}",
        run_id=batch.run_id,
        sent_on=batch.as_of.isoformat(),
        transports={Channel.EMAIL: ports.send_email, Channel.MAIL: ports.post_letter},
        org=ports.org,
        logger=ports.logger,
    ) as outbox:
        for item, member, invoice in ready:
            cert = item.certification
            period = str(item.membership_year)
            known = {
                ch: entries.get((cert.certificate_number, period, item.step, ch.value))
                for ch in item.channels
            }
            try:
                notice = _notice(
                    batch,
                    item,
                    member,
                    invoice,
                    ports.policy,
                    outbox.org,
                    owed.get(item.certification.certificate_number, [invoice]),
                )
                deliveries = outbox.send(notice, known)
            except NoticeNotConfigured:
                _fail(run, item, NOTICE_NOT_CONFIGURED)
                continue
            except MissingTemplateValue:
                _fail(run, item, TEMPLATE_VALUE_MISSING)
                continue
            for delivery in deliveries:
                _count(run, batch, item, notice, delivery)
    return _finish(batch, ports, run)


# ---------------------------------------------------------------- read


def _read(
    batch: Batch, table: Any
) -> tuple[
    dict[str, Member],
    dict[tuple[str, int], Invoice],
    dict[tuple[str, ...], LedgerEntry],
    set[str],
]:
    """Profiles, the years' invoices, ledger entries, and the certificate numbers that
    must recertify now (R42: no renewal invoice or notice for them)."""
    wanted: dict[tuple[str, str], dict[str, str]] = {}
    for item in batch.items:
        cert = item.certification
        pk = keys.member_pk(cert.member_id)
        wanted[(pk, keys.PROFILE)] = {"PK": pk, "SK": keys.PROFILE}
        cert_sk = keys.cert_sk(cert.certificate_number)
        wanted[(pk, cert_sk)] = {"PK": pk, "SK": cert_sk}
        inv = keys.invoice_sk(cert.certificate_number, item.membership_year)
        wanted[(pk, inv)] = {"PK": pk, "SK": inv}
        for channel in item.channels:
            sk = keys.notice_sk(
                cert.certificate_number, str(item.membership_year), item.step, channel.value
            )
            wanted[(pk, sk)] = {"PK": pk, "SK": sk}
    profiles: dict[str, Member] = {}
    invoices: dict[tuple[str, int], Invoice] = {}
    entries: dict[tuple[str, ...], LedgerEntry] = {}
    must_recertify: set[str] = set()
    for found in batch_get(table, list(wanted.values())):
        kind = found.get("entity")
        if kind == CERTIFICATION:
            if found.get("recertification_required_since"):
                must_recertify.add(str(found["certificate_number"]))
        elif kind == MEMBER:
            member = from_item(Member, found)
            profiles[member.member_id] = member
        elif kind == INVOICE:
            invoice = from_item(Invoice, found)
            invoices[(invoice.certificate_number, invoice.membership_year)] = invoice
        elif kind == NOTICE:
            entry = ledger.entry_from_item(found)
            entries[(entry.certificate_number, entry.period, entry.step, entry.channel)] = entry
    return profiles, invoices, entries, must_recertify


def batch_get(table: Any, keys_: list[dict[str, str]]) -> Iterable[dict[str, Any]]:
    """BatchGetItem in chunks of 100, strongly consistent, following UnprocessedKeys.

    `table.meta.client` is the resource's client: it (de)serialises attribute
    values itself, so keys and items are plain Python values here.
    """
    client = table.meta.client
    for start in range(0, len(keys_), 100):
        request: dict[str, Any] = {
            table.name: {"Keys": keys_[start : start + 100], "ConsistentRead": True}
        }
        while request:
            answer = client.batch_get_item(RequestItems=request)
            yield from answer.get("Responses", {}).get(table.name, [])
            request = answer.get("UnprocessedKeys") or {}


# ---------------------------------------------------------------- decide


def _make_invoice(item: PlannedNotice, as_of: date, policy: Policy) -> Invoice:
    from staycertified.domain import invoicing

    return invoicing.make_invoice(item.certification, item.membership_year, as_of, policy)


def _still_due(item: PlannedNotice, invoice: Invoice) -> bool:
    """R4: re-checked at send time with the invoice as read now."""
    from staycertified.domain import notices

    step = notices.PlannedNotice(
        certificate_number=item.certification.certificate_number,
        membership_year=item.membership_year,
        step=item.step,
        offset_months=0,
        channels=item.channels,
        due_date=item.due_date,
    )
    return notices.still_due(step, invoice)


def _fail(run: _Run, item: PlannedNotice, code: str) -> None:
    run.failures[code] += 1
    for channel in item.channels:
        run.count(item, channel.value, FAILED)


# ---------------------------------------------------------------- invoice


def _create_invoices(table: Any, new_invoices: list[Invoice]) -> int:
    """Writes the new invoices, once each (R3); returns how many this batch created."""
    puts = [invoice_store.create_once_put(invoice) for invoice in new_invoices]
    created = 0
    client = table.meta.client
    for start in range(0, len(puts), TRANSACTION_LIMIT):
        chunk = puts[start : start + TRANSACTION_LIMIT]
        try:
            _transact(table, chunk)
            created += len(chunk)
        except client.exceptions.TransactionCanceledException:
            created += _create_one_by_one(table, chunk)
    return created


def _transact(table: Any, puts: list[dict[str, Any]]) -> None:
    table.meta.client.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": table.name,
                    "Item": put["Item"],
                    "ConditionExpression": put["ConditionExpression"],
                }
            }
            for put in puts
        ]
    )


def _create_one_by_one(table: Any, chunk: list[dict[str, Any]]) -> int:
    """A refused transaction: each put alone; an invoice someone else wrote is theirs."""
    from staycertified.store.table import is_conditional_check_failure

    created = 0
    for put in chunk:
        try:
            table.put_item(**put)
            created += 1
        except Exception as error:
            if not is_conditional_check_failure(error):
                raise
    return created


# ---------------------------------------------------------------- notify


def _notice(
    batch: Batch,
    item: PlannedNotice,
    member: Member,
    invoice: Invoice,
    policy: Policy,
    org: OrganisationProfile,
    unpaid: list[Invoice],
) -> Notice:
    """R4: a certification that also owes older years gets every unpaid invoice and the
    total owed, and no promise that paying this one keeps it active (the templates)."""
    from staycertified.notify.outbox import Notice

    cert = item.certification
    try:
        name = policy.certification_type(cert.type).name
    except DomainError:
        name = cert.type
    return Notice(
        kind=item.step,
        member=member,
        certificate_number=cert.certificate_number,
        period=str(item.membership_year),
        channels=item.channels,
        invoice_id=invoice.invoice_id,
        letter_key=letter_key(cert.certificate_number, item.membership_year, item.step),
        letter_date=_human(batch.as_of),
        context={
            "first_name": member.first_name,
            "certification_name": name,
            "certificate_number": cert.certificate_number,
            "membership_year": str(item.membership_year),
            "invoice_id": invoice.invoice_id,
            "amount": money(invoice.amount),
            "currency": invoice.currency,
            "due_date": _human(invoice.due_date),
            "pay_url": org.pay_link(invoice.invoice_id),
            "older_unpaid": any(i.invoice_id != invoice.invoice_id for i in unpaid),
            "unpaid_invoices": [
                {
                    "invoice_id": i.invoice_id,
                    "membership_year": str(i.membership_year),
                    "amount": money(i.amount),
                    "due_date": _human(i.due_date),
                }
                for i in unpaid
            ],
            "total_owed": money(sum((i.amount for i in unpaid), Decimal(0))),
        },
    )


def _unpaid_invoices(
    table: Any, ready: list[tuple[PlannedNotice, Member, Invoice]]
) -> dict[str, list[Invoice]]:
    """R4: every unpaid invoice (this year's included, oldest first) of each certification
    that may owe older years: `paid_through` short of this year's due date. One Query of
    the certification's invoices (SK begins_with CERT#<n>#INV#) for those only."""
    from boto3.dynamodb.conditions import Key

    from staycertified.domain import invoicing
    from staycertified.domain.model import InvoiceStatus
    from staycertified.store.table import query_all

    owed: dict[str, list[Invoice]] = {}
    for item, _, invoice in ready:
        cert = item.certification
        covered = invoicing.effective_paid_through(cert)
        if covered >= invoicing.due_date(cert, item.membership_year):
            continue  # every earlier year paid (R7: paying Y covers through Y+1's due month)
        found = query_all(
            table,
            KeyConditionExpression=Key("PK").eq(keys.member_pk(cert.member_id))
            & Key("SK").begins_with(f"{keys.cert_prefix(cert.certificate_number)}INV#"),
            ConsistentRead=True,
        )
        others = [
            from_item(Invoice, i)
            for i in found
            if i.get("entity") == INVOICE and i.get("invoice_id") != invoice.invoice_id
        ]
        unpaid = [i for i in others if i.status == InvoiceStatus.OPEN and i.is_renewal]
        owed[cert.certificate_number] = sorted([*unpaid, invoice], key=lambda i: i.membership_year)
    return owed


def _count(
    run: _Run, batch: Batch, item: PlannedNotice, notice: Notice, delivery: Delivery
) -> None:
    from staycertified.notify import outbox

    outcome, entry = delivery.outcome, delivery.entry
    if outcome == outbox.ALREADY_SENT and entry.run_id == batch.run_id:
        # A retried batch: what this run sent before is reported again, never resent.
        outcome = SENT if entry.status == NoticeStatus.SENT else UNDELIVERABLE
    if outcome == outbox.FAILED:
        run.failures[SEND_FAILED] += 1
    if delivery.resent:
        run.resent += 1
    if outcome == SENT and delivery.channel == Channel.MAIL:
        run.letters.append(outbox.manifest_row(notice, entry))
    run.count(item, delivery.channel.value, outcome)


def money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def _human(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# ---------------------------------------------------------------- finish


def _finish(batch: Batch, ports: Ports, run: _Run) -> BatchResult:
    """Writes the batch's part (tallies and letters) and returns its result."""
    key = part_key(batch.run_id, batch.batch_no)
    result = BatchResult(
        run_id=batch.run_id,
        batch_no=batch.batch_no,
        certifications=len(batch.items),
        invoices_created=run.invoices_created,
        tallies=tuple(
            Tally(step=s, channel=c, certification_type=t, outcome=o, count=n)
            for (s, c, t, o), n in sorted(run.tallies.items())
        ),
        failures=dict(sorted(run.failures.items())),
        part_key=key,
        resent_after_interruption=run.resent,
    )
    part = BatchPart(
        run_id=batch.run_id, batch_no=batch.batch_no, letters=tuple(run.letters), result=result
    )
    ports.s3.put_object(
        Bucket=ports.mail_bucket,
        Key=key,
        Body=part.model_dump_json(by_alias=True).encode(),
        ContentType="application/json",
    )
    return result

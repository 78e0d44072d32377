"""Send one batch of renewal notices: invoice once, re-check, ledger, email, letter (R3-R5).

Per batch (at most a few hundred certifications), in this order:

1. **read** in bulk (BatchGetItem, strongly consistent): every member profile,
   every year's invoice and every ledger entry the batch could touch;
2. **decide** per certification, with the domain: the year's invoice
   (`invoicing.make_invoice`, amount from the policy in force on the run's
   date; `FEE_NOT_CONFIGURED` is a failure of that certification, not of the
   batch); whether the step is still due now that the invoice state is read
   again (R4: a paid invoice gets no reminder); per channel, whether a notice
   is to be sent, was sent, or cannot go (no address / no email);
3. **claim** (TransactWriteItems, up to 100 conditional Puts each): the new
   invoices (`attribute_not_exists`, R3) and the ledger entries (`PENDING` or
   `UNDELIVERABLE`, `attribute_not_exists`, R5). If a transaction is refused
   because someone else wrote one of its items in between, its items are
   written one by one and the losers are re-read;
4. **send** every claimed notice: email (HTML + text) through
   `notify.email.send_email`, letter PDF through `notify.mailroom.post_letter`
   under a key that is fixed per notice;
5. **mark** the entries `SENT` (BatchWriteItem) and write the batch's
   manifest part. If step 4 fails part-way, what was sent is marked first and
   the batch fails with `TransientError`, which the state machine retries: the
   retry finds those entries SENT and resends only the PENDING ones.

The exactly-once argument is in `store/notices.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from staycertified.domain.errors import DomainError
from staycertified.domain.model import Channel, Invoice, Member
from staycertified.policy.model import Policy
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
from staycertified.store.members import INVOICE, MEMBER, NOTICE
from staycertified.store.notices import LedgerEntry, NoticeStatus
from staycertified.store.table import from_item

MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND"
SEND_FAILED = "SEND_FAILED"
CLAIMED_ELSEWHERE = "CLAIMED_ELSEWHERE"

# Outcomes counted per (step, channel, type).
SENT = "SENT"
ALREADY_SENT = "ALREADY_SENT"
UNDELIVERABLE = "UNDELIVERABLE"
SKIPPED_PAID = "SKIPPED_PAID"
FAILED = "FAILED"

TRANSACTION_LIMIT = 100
PAY_URL = "https://pay.staycertified.example.org/invoices/"


class TransientError(Exception):
    """A batch stopped part-way on a transient fault; the state machine retries it."""


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


@dataclass
class _Work:
    """One channel of one planned notice, on its way through claim -> send -> mark."""

    item: PlannedNotice
    invoice: Invoice
    member: Member
    entry: LedgerEntry
    action: str  # "send", "resend", "report" (sent by this run before), "record", "skip"
    outcome: str = ""
    manifest: ManifestRow | None = None


@dataclass
class _Run:
    tallies: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    invoices_created: int = 0
    letters: list[ManifestRow] = field(default_factory=list)

    def count(self, item: PlannedNotice, channel: str, outcome: str) -> None:
        self.tallies[(item.step, channel, item.certification.type, outcome)] += 1


def send_batch(batch: Batch, ports: Ports) -> BatchResult:
    run = _Run()
    profiles, invoices, entries = _read(batch, ports.table)
    new_invoices: list[Invoice] = []
    work: list[_Work] = []
    for item in batch.items:
        cert = item.certification
        member = profiles.get(cert.member_id)
        if member is None:
            _fail(run, item, MEMBER_NOT_FOUND)
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
        for channel in item.channels:
            work.append(_plan_channel(batch, item, member, invoice, channel, entries))

    created = _claim(ports.table, new_invoices, work)
    run.invoices_created = created
    sent = _send(batch, work, ports, run)
    ledger.mark_all(ports.table, [w.entry for w in sent])
    for w in work:
        run.count(w.item, w.entry.channel, w.outcome)
        if w.manifest is not None:
            run.letters.append(w.manifest)
    return _finish(batch, ports, run)


# ---------------------------------------------------------------- read


def _read(
    batch: Batch, table: Any
) -> tuple[dict[str, Member], dict[tuple[str, int], Invoice], dict[tuple[str, ...], LedgerEntry]]:
    wanted: dict[tuple[str, str], dict[str, str]] = {}
    for item in batch.items:
        cert = item.certification
        pk = keys.member_pk(cert.member_id)
        wanted[(pk, keys.PROFILE)] = {"PK": pk, "SK": keys.PROFILE}
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
    for found in batch_get(table, list(wanted.values())):
        kind = found.get("entity")
        if kind == MEMBER:
            member = from_item(Member, found)
            profiles[member.member_id] = member
        elif kind == INVOICE:
            invoice = from_item(Invoice, found)
            invoices[(invoice.certificate_number, invoice.membership_year)] = invoice
        elif kind == NOTICE:
            entry = ledger.entry_from_item(found)
            entries[(entry.certificate_number, entry.period, entry.step, entry.channel)] = entry
    return profiles, invoices, entries


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


def _plan_channel(
    batch: Batch,
    item: PlannedNotice,
    member: Member,
    invoice: Invoice,
    channel: Channel,
    entries: dict[tuple[str, ...], LedgerEntry],
) -> _Work:
    cert = item.certification
    period = str(item.membership_year)
    found = entries.get((cert.certificate_number, period, item.step, channel.value))
    if found is not None:
        if found.status == NoticeStatus.PENDING:
            flags = sorted({*found.flags, ledger.RESENT_AFTER_INTERRUPTION})
            entry = found.model_copy(update={"flags": flags, "run_id": batch.run_id})
            return _Work(item, invoice, member, entry, action="resend")
        if found.run_id == batch.run_id:  # a retried batch: report, never resend
            return _Work(item, invoice, member, found, action="report")
        return _Work(item, invoice, member, found, action="skip", outcome=ALREADY_SENT)
    from staycertified.domain.notices import deliveries

    # R4: no postal address -> the email still goes; no email -> the letter still goes.
    # Every entry of the step records what could not go.
    plan = deliveries(member, item.channels)
    flags = sorted({d.note for d in plan if d.note})
    deliverable = next(d.deliver for d in plan if d.channel == channel)
    status = NoticeStatus.PENDING if deliverable else NoticeStatus.UNDELIVERABLE
    entry = LedgerEntry(
        member_id=cert.member_id,
        certificate_number=cert.certificate_number,
        period=period,
        step=item.step,
        channel=channel.value,
        sent_on=batch.as_of.isoformat(),
        status=status,
        run_id=batch.run_id,
        invoice_id=invoice.invoice_id,
        flags=flags,
    )
    action = "send" if status == NoticeStatus.PENDING else "record"
    outcome = "" if action == "send" else UNDELIVERABLE
    return _Work(item, invoice, member, entry, action=action, outcome=outcome)


def _fail(run: _Run, item: PlannedNotice, code: str) -> None:
    run.failures[code] += 1
    for channel in item.channels:
        run.count(item, channel.value, FAILED)


# ---------------------------------------------------------------- claim


def _claim(table: Any, new_invoices: list[Invoice], work: list[_Work]) -> int:
    """Writes new invoices and ledger claims, once each; returns invoices created."""
    puts: list[tuple[str, Any, dict[str, Any]]] = [
        ("invoice", invoice, invoice_store.create_once_put(invoice)) for invoice in new_invoices
    ]
    puts += [
        ("entry", w, ledger.claim_put(w.entry)) for w in work if w.action in ("send", "record")
    ]
    created = 0
    client = table.meta.client
    for start in range(0, len(puts), TRANSACTION_LIMIT):
        chunk = puts[start : start + TRANSACTION_LIMIT]
        try:
            _transact(table, [put for _, _, put in chunk])
            created += sum(1 for kind, _, _ in chunk if kind == "invoice")
        except client.exceptions.TransactionCanceledException:
            created += _claim_one_by_one(table, chunk)
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


def _claim_one_by_one(table: Any, chunk: list[tuple[str, Any, dict[str, Any]]]) -> int:
    """A refused transaction: each put alone; whoever lost a race reads the winner."""
    from staycertified.store.table import is_conditional_check_failure

    created = 0
    for kind, subject, put in chunk:
        try:
            table.put_item(**put)
            created += kind == "invoice"
        except Exception as error:
            if not is_conditional_check_failure(error):
                raise
            if kind == "entry":
                existing = ledger.get_entry(table, subject.entry.key)
                if existing is not None and existing.status == NoticeStatus.PENDING:
                    # Another worker claimed it and is sending it now.
                    subject.action, subject.outcome = "skip", CLAIMED_ELSEWHERE
                elif existing is not None:
                    subject.entry = existing
                    subject.action, subject.outcome = "skip", ALREADY_SENT
    return created


# ---------------------------------------------------------------- send


def _send(batch: Batch, work: list[_Work], ports: Ports, run: _Run) -> list[_Work]:
    """Sends every claimed notice; returns the entries to mark."""
    done: list[_Work] = []
    for w in work:
        if w.action == "report":
            if w.entry.status == NoticeStatus.SENT:
                w.outcome = SENT
                w.manifest = _manifest_row(w) if w.entry.channel == Channel.MAIL.value else None
            else:
                w.outcome = UNDELIVERABLE
            continue
        if w.action not in ("send", "resend"):
            continue
        try:
            update = _deliver(batch, w, ports)
        except Exception as error:
            if _is_transient(error):
                ledger.mark_all(ports.table, [d.entry for d in done])
                raise TransientError(
                    f"batch {batch.batch_no} stopped: {type(error).__name__}"
                ) from error
            # Not transient (e.g. a rejected address): the entry stays PENDING, so a
            # re-run sends it; the run report counts it.
            run.failures[SEND_FAILED] += 1
            w.outcome = FAILED
            if ports.logger is not None:
                ports.logger.warning(
                    "notice not sent",
                    extra={
                        "error": type(error).__name__,
                        "step": w.item.step,
                        "channel": w.entry.channel,
                    },
                )
            continue
        w.entry = w.entry.model_copy(update={"status": NoticeStatus.SENT, **update})
        w.outcome = SENT
        if w.entry.channel == Channel.MAIL.value:
            w.manifest = _manifest_row(w)
        done.append(w)
    return done


def _deliver(batch: Batch, w: _Work, ports: Ports) -> dict[str, Any]:
    values = _values(batch, w, ports.policy)
    if w.entry.channel == Channel.EMAIL.value:
        from staycertified.notify.templates import render

        email = render(w.item.step.lower(), values)
        message_id = ports.send_email(
            to=w.member.email,
            subject=email.subject,
            text=email.text,
            html=email.html,
            kind=w.item.step,
        )
        return {"message_id": message_id}
    from staycertified.notify.letters import LetterContent, render_letter

    assert w.member.address is not None
    letter = render_letter(
        LetterContent(
            kind=w.item.step,
            address_lines=w.member.address.lines(w.member.full_name),
            first_name=w.member.first_name,
            certification_name=values["certification_name"],
            certificate_number=values["certificate_number"],
            membership_year=w.item.membership_year,
            invoice_id=values["invoice_id"],
            amount=values["amount"],
            currency=values["currency"],
            due_date=values["due_date"],
            letter_date=_human(batch.as_of),
            pay_url=values["pay_url"],
        )
    )
    key = letter_key(w.item.certification.certificate_number, w.item.membership_year, w.item.step)
    stored = ports.post_letter(
        address_lines=w.member.address.lines(w.member.full_name),
        kind=w.item.step,
        pdf=letter.pdf,
        key=key,
    )
    return {"letter_key": stored, "pages": letter.pages}


def _values(batch: Batch, w: _Work, policy: Policy) -> dict[str, str]:
    cert = w.item.certification
    try:
        name = policy.certification_type(cert.type).name
    except DomainError:
        name = cert.type
    return {
        "first_name": w.member.first_name,
        "certification_name": name,
        "certificate_number": cert.certificate_number,
        "membership_year": str(w.item.membership_year),
        "invoice_id": w.invoice.invoice_id,
        "amount": money(w.invoice.amount),
        "currency": w.invoice.currency,
        "due_date": _human(w.invoice.due_date),
        "pay_url": PAY_URL + w.invoice.invoice_id,
    }


def money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def _human(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _manifest_row(w: _Work) -> ManifestRow:
    lines = w.member.address.lines(w.member.full_name) if w.member.address else []
    return ManifestRow(
        letter_key=w.entry.letter_key or "",
        address_lines=tuple(lines),
        kind=w.item.step,
        invoice_id=w.invoice.invoice_id,
        pages=w.entry.pages or 1,
    )


_TRANSIENT = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "InternalFailure",
    "ServiceUnavailable",
    "SlowDown",
    "LimitExceededException",
}


def _is_transient(error: Exception) -> bool:
    code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code", "")
    if code in _TRANSIENT:
        return True
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import ReadTimeoutError

    return isinstance(error, BotoConnectionError | ReadTimeoutError)


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

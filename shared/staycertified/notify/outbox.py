"""`Outbox.send(notice)`: the one call that sends a notice, on each of its channels, once.

Per channel: R4's deliverability (`domain.notices.deliveries`), the catalogue
entry (refused loudly if the kind or channel is not in it), the render (before
any claim, so a template error never leaves a claim behind), then the ledger's
claim -> send -> mark (`notify.ledger`). The context every template sees is the
notice's own values plus `org`, the organisation profile (R43).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from staycertified.config import OrganisationProfile
from staycertified.domain.model import Channel, Member
from staycertified.notify.catalogue import notice_kind
from staycertified.notify.channels import ADAPTERS, TransientError, Transport, is_transient
from staycertified.notify.ledger import UNKNOWN, Claim, Ledger
from staycertified.notify.manifest import ManifestRow
from staycertified.store.notices import RESENT_AFTER_INTERRUPTION, LedgerEntry, NoticeStatus

SENT = "SENT"
ALREADY_SENT = "ALREADY_SENT"
UNDELIVERABLE = "UNDELIVERABLE"
CLAIMED_ELSEWHERE = "CLAIMED_ELSEWHERE"
FAILED = "FAILED"


@dataclass(frozen=True)
class Notice:
    """One notice to one member, with its business key (R5: certificate, period, step)."""

    kind: str  # a catalogue kind
    member: Member
    certificate_number: str
    period: str
    context: Mapping[str, Any]
    letter_key: str  # the letter's business key, fixed per notice
    letter_date: str
    step: str = ""  # the ledger's step; the kind when empty
    channels: tuple[Channel, ...] = ()  # the catalogue's channels when empty
    invoice_id: str | None = None

    @property
    def ledger_step(self) -> str:
        return self.step or self.kind


@dataclass
class Delivery:
    """What happened to one channel of a notice."""

    channel: Channel
    outcome: str  # SENT, ALREADY_SENT, UNDELIVERABLE, CLAIMED_ELSEWHERE, FAILED
    entry: LedgerEntry
    notes: list[str] = field(default_factory=list)  # this channel's flags
    resent: bool = False  # RESENT_AFTER_INTERRUPTION
    error: str | None = None


class Outbox:
    """One run's sender. Use as a context manager: the last mark is written on exit."""

    def __init__(
        self,
        table: Any,
        *,
        claimant: str,
        run_id: str,
        sent_on: str,
        transports: Mapping[Channel, Transport] | None = None,
        org: OrganisationProfile | None = None,
        ledger: Ledger | None = None,
        logger: Any = None,
    ) -> None:
        from staycertified import config

        self.ledger = ledger or Ledger(table, claimant)
        self.run_id = run_id
        self.sent_on = sent_on
        self.transports = dict(transports or {})
        self.org = org or config.organisation()
        self.logger = logger
        self.letters: list[ManifestRow] = []  # every letter this outbox sent, for a manifest

    def __enter__(self) -> Outbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.ledger.flush()

    def close(self) -> None:
        self.ledger.flush()

    def send(
        self, notice: Notice, known: Mapping[Channel, LedgerEntry | None] | None = None
    ) -> list[Delivery]:
        """Sends `notice` on each channel once. `known`: ledger entries already read
        (None = known absent); without it the claim goes first."""
        from staycertified.domain.notices import deliveries

        kind = notice_kind(notice.kind)
        channels = notice.channels or kind.channels
        for channel in channels:
            notice_kind(notice.kind, channel)  # NoticeNotConfigured before any claim
        plan = deliveries(notice.member, channels)
        step_notes = sorted({d.note for d in plan if d.note})
        context = {**notice.context, "org": self.org}
        results = []
        for delivery in plan:
            entry = LedgerEntry(
                member_id=notice.member.member_id,
                certificate_number=notice.certificate_number,
                period=notice.period,
                step=notice.ledger_step,
                channel=delivery.channel.value,
                sent_on=self.sent_on,
                status=NoticeStatus.PENDING if delivery.deliver else NoticeStatus.UNDELIVERABLE,
                run_id=self.run_id,
                invoice_id=notice.invoice_id,
                flags=step_notes,
            )
            existing = known.get(delivery.channel) if known is not None else UNKNOWN
            notes = [delivery.note] if delivery.note else []
            if not delivery.deliver:
                claim, stored = self.ledger.record(entry, existing)
                outcome = UNDELIVERABLE if claim == Claim.CLAIMED else ALREADY_SENT
                results.append(Delivery(delivery.channel, outcome, stored, notes))
                continue
            results.append(self._send_one(kind, notice, context, entry, existing, notes))
        return results

    def _send_one(
        self,
        kind: Any,
        notice: Notice,
        context: dict[str, Any],
        entry: LedgerEntry,
        existing: LedgerEntry | None,
        notes: list[str],
    ) -> Delivery:
        channel = Channel(entry.channel)
        if isinstance(existing, LedgerEntry) and existing.status != NoticeStatus.PENDING:
            return Delivery(channel, ALREADY_SENT, existing, notes)
        adapter = ADAPTERS[channel]
        rendered = adapter.render(kind, notice, context)
        claim, claimed = self.ledger.claim(entry, existing)
        if claim == Claim.ALREADY:
            return Delivery(channel, ALREADY_SENT, claimed, notes)
        if claim == Claim.ELSEWHERE:
            return Delivery(channel, CLAIMED_ELSEWHERE, claimed, notes)
        transport = self.transports.get(channel) or adapter.default_transport()
        try:
            stored = adapter.deliver(rendered, notice, transport)
        except Exception as error:
            if is_transient(error):
                raise TransientError(f"{notice.kind} not sent: {type(error).__name__}") from error
            # Not transient (e.g. a rejected address): the claim stays PENDING, so the
            # next run resumes it; the caller counts the failure.
            if self.logger is not None:
                self.logger.warning(
                    "notice not sent",
                    extra={"error": type(error).__name__, "kind": notice.kind, "channel": channel},
                )
            return Delivery(channel, FAILED, claimed, notes, error=type(error).__name__)
        resent = claim == Claim.RESUMED
        final = claimed.model_copy(update={"status": NoticeStatus.SENT, **stored})
        self.ledger.mark(final)
        if channel == Channel.MAIL:
            self.letters.append(manifest_row(notice, final))
        flags = [*notes, RESENT_AFTER_INTERRUPTION] if resent else notes
        return Delivery(channel, SENT, final, flags, resent=resent)


def manifest_row(notice: Notice, entry: LedgerEntry) -> ManifestRow:
    """The print house's row of a letter sent for `notice`."""
    address = notice.member.address
    return ManifestRow(
        letter_key=entry.letter_key or "",
        address_lines=tuple(address.lines(notice.member.full_name) if address else ()),
        kind=notice.kind,
        invoice_id=notice.invoice_id or "",
        pages=entry.pages or 1,
    )

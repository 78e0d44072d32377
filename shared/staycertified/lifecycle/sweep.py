"""The daily lifecycle sweep (R16, R17, R21-R23): one run per body-time day.

How it finds its work, never with a Scan (GSI1 = CYCLEEND#<YYYY-MM> / <end>#<certNo>):

1. **Cycle ends** - cycles whose end is in [today-7, today-1]: a compliant one
   rolls over (`advanced_on` = today, GSI3 ROLLOVER#<year> for the audit pool,
   R16, R25); every ended cycle gets its successor written (the anniversary
   never moves on a lapse, R21), so next time its end is found the same way. A
   mandatory cycle that ended non-compliant is LAPSED from the next day: the
   domain's standing computes that from the record (R21), nothing else to store.
2. **CCP notices** (R17) - for each policy offset N (180, 90, 30, 7), cycles
   whose end is in [today+N-6, today+N]: the month(s) of those ends, one Query
   each. The domain (`notices.ccp_notice_due`) says which step is due; each
   (cycle, step, channel) is sent once through the notice pipeline
   (`notify.outbox`: kind `CCP_NOTICE`, claim, send, mark per message), so a
   re-run, a retry or a catch-up never duplicates.
3. **Fee lapses** (R21) - a fee unpaid after its due date (the last day of the
   anniversary month) and the policy grace lapses the certification the next
   day: on each covered day D, the certifications whose anniversary month ended
   on D - grace - 1 (GSI1 ANNIV#<MM>) are looked at, and each fee that lapsed one
   on a covered day (ACTIVE the day before), still unpaid and the standing LAPSED
   today, is recorded once
   (`store.lapses`) with its CertificationLapsed (FEE_UNPAID) event, in one
   transaction.
4. **Recertification required** (R22) - recorded on the certification
   (`recertification_required_since`) when the standing turns to it:
   cycles that ended 3 years ago (end + 3 years on a covered day, by GSI1) and,
   on the last day of a month, the certifications whose anniversary month it is
   (GSI1 ANNIV#<MM>: their fee of 3 years ago runs out that day), so the
   transition is recorded before the next month's renewal run. Recording it
   marks the R42 work due on the certification (sparse GSI3
   NOTICEDUE#RECERTIFICATION_REQUIRED; the member import marks certifications
   that arrive already required the same way).
5. **R42** - for each marked certification: its OPEN renewal invoices become
   VOID (reason R42), the member gets the recertification-required notice by
   email and mail (once, through the notice outbox), and the mark is removed.

Each run covers the days since the last completed run (a watermark item,
`store.cycles.last_sweep_day`), at most 7 days back: so a candidate is looked at
once, not once a day, and a run that missed days catches up. Every write is
conditional as well, so a day run twice (a retry, a replay) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from staycertified.domain import ccp, compliance, cycles, notices, recording
from staycertified.domain import standing as standing_rules
from staycertified.domain.dates import ONE_DAY, add_years
from staycertified.domain.model import Channel, Cycle, Standing
from staycertified.events import catalog
from staycertified.events.catalog import DomainEvent
from staycertified.store import cycles as cycle_store
from staycertified.store import members as member_store

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.policy import Policy
    from staycertified.notify.outbox import Outbox
    from staycertified.store.members import CertificationRecord, MemberRecord

CATCH_UP_DAYS = 7
CCP_NOTICE = "CCP_NOTICE"  # the catalogue kinds (notify/catalogue.py)
RECERTIFICATION_REQUIRED = "RECERTIFICATION_REQUIRED"
RUN_PREFIX = "lifecycle-"

SendEmail = Callable[..., str]
PostLetter = Callable[..., str]


class SweepReport(BaseModel):
    """What one day's run did (counts only: no personal data)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    day: date
    cycles_ended: int = 0
    rolled_over: int = 0
    lapsed_for_points: int = 0
    lapsed_for_fees: int = 0
    next_cycles_written: int = 0
    recertification_required: int = 0
    notices_sent: dict[str, int] = Field(default_factory=dict)
    notices_undeliverable: int = 0
    notices_already_sent: int = 0
    notices_resent_after_interruption: int = 0
    manifest_key: str | None = None
    invoices_voided: int = 0
    recertification_notices: int = 0


class Sweep:
    """One day's run. Ports (table, email, letters) are parameters, so tests can fake them."""

    def __init__(
        self,
        table: Table,
        today: date,
        policy: Policy,
        *,
        send_email: SendEmail,
        post_letter: PostLetter,
        s3: Any = None,
        mail_bucket: str = "",
    ) -> None:
        self.table = table
        self.s3 = s3
        self.mail_bucket = mail_bucket
        self.today = today
        self.policy = policy
        self.send_email = send_email
        self.post_letter = post_letter
        self.report = SweepReport(day=today)
        self.run_id = f"{RUN_PREFIX}{today.isoformat()}"
        self._records: dict[str, MemberRecord | None] = {}
        self._outbox: Outbox | None = None
        self._notified: list[tuple[str, str]] = []  # R42 marks to remove once marked SENT
        self.since = first_day_to_cover(cycle_store.last_sweep_day(table), today)

    # ------------------------------------------------------------ helpers

    def _record(self, member_id: str) -> MemberRecord | None:
        if member_id not in self._records:
            self._records[member_id] = member_store.load_member(self.table, member_id)
        return self._records[member_id]

    def _forget(self, member_id: str) -> None:
        self._records.pop(member_id, None)

    def _live(
        self, member_id: str, cycle: Cycle
    ) -> tuple[MemberRecord, CertificationRecord, Cycle] | None:
        """The record, the certification, and the stored cycle if it is still one of its cycles."""
        record = self._record(member_id)
        cert = record.certification(cycle.certificate_number) if record else None
        if record is None or cert is None:
            return None
        every = cert.every_cycle(self.today, self.policy)
        same = next((c for c in every if c.start == cycle.start and c.end == cycle.end), None)
        return (record, cert, same) if same is not None else None  # stale after a recertification

    def _compliance(self, cert: CertificationRecord, cycle: Cycle) -> compliance.ComplianceDecision:
        return recording.cycle_compliance_on(cert, cycle, self.today, self.policy)

    def _standing(self, cert: CertificationRecord, day: date | None = None) -> Any:
        from staycertified.domain.standing import evaluate_standing

        return evaluate_standing(cert, day or self.today, self.policy)

    # ------------------------------------------------------------ 1. cycle ends

    def cycle_ends(self) -> None:
        first, last = self.since - ONE_DAY, self.today - ONE_DAY
        for found in list(cycle_store.cycles_ending_between(self.table, first, last)):
            if found.cycle.advanced_on is not None:
                continue
            live = self._live(found.member_id, found.cycle)
            if live is None:
                continue
            _, cert, cycle = live
            if cycle.advanced_on is not None:
                continue
            self.report.cycles_ended += 1
            decision = self._compliance(cert, cycle)
            rollover = compliance.decide_rollover(
                cert.certification, decision, self.today, self.policy
            )
            if rollover is not None:
                if cycle_store.mark_advanced(
                    self.table, found.member_id, cycle, rollover.advanced_on
                ):
                    self.report.rolled_over += 1
                successor = rollover.next_cycle
            events: list[DomainEvent] = []
            if rollover is None:
                index = cycles.cycle_index_on(cert.certification.anchor_date, cycle.end + ONE_DAY)
                successor = cycles.make_cycle(cert.certification, index or 0, self.policy)
                if ccp.is_mandatory(cert.certification) and not decision.points_met:
                    self.report.lapsed_for_points += 1  # R21: standing shows LAPSED from today
                    events.append(
                        catalog.certification_lapsed(
                            member_id=found.member_id,
                            certificate_number=cycle.certificate_number,
                            reason="CCP_POINTS_MISSING",
                            since=cycle.end + ONE_DAY,
                            occurred_on=self.today,
                        )
                    )
            if cycle_store.put_cycle(self.table, found.member_id, successor, events):
                self.report.next_cycles_written += 1
            self._forget(found.member_id)

    # ------------------------------------------------------------ 2. CCP notices (R17)

    def ccp_notices(self) -> None:
        offsets = self.policy.ccp.notice_offsets_days.at(self.today)
        seen: set[tuple[str, str, date]] = set()
        for days in sorted(offsets, reverse=True):
            first, last = self.since + timedelta(days=days), self.today + timedelta(days=days)
            for found in list(cycle_store.cycles_ending_between(self.table, first, last)):
                key = (found.member_id, found.cycle.certificate_number, found.cycle.start)
                if key in seen:
                    continue
                seen.add(key)
                self._notify(found.member_id, found.cycle)

    def _notify(self, member_id: str, stored: Cycle) -> None:
        live = self._live(member_id, stored)
        if live is None:
            return
        record, cert, cycle = live
        mandatory = ccp.is_mandatory(cert.certification)
        if not mandatory:
            return
        decision = self._compliance(cert, cycle)
        # R16/R17: not compliant while points are short OR a fee of the cycle is unpaid.
        if decision.compliant or self._standing(cert).status == Standing.RECERTIFICATION_REQUIRED:
            return
        outstanding = Decimal(0) if decision.points_met else decision.tally.outstanding
        due = notices.ccp_notice_due(
            cycle,
            mandatory,
            decision.compliant,
            outstanding,
            self.today,
            self.policy,
            unpaid_invoices=decision.unpaid_invoices,
        )
        if due is not None:
            self._send(record, cert, cycle, due)

    def _send(
        self, record: MemberRecord, cert: CertificationRecord, cycle: Cycle, due: notices.CcpNotice
    ) -> None:
        from staycertified.notify.outbox import ALREADY_SENT, SENT, UNDELIVERABLE, Notice

        offsets = sorted(self.policy.ccp.notice_offsets_days.at(self.today))
        later = [days for days in offsets if days < due.days_before_end]
        notice = Notice(
            kind=CCP_NOTICE,
            member=record.member,
            certificate_number=cycle.certificate_number,
            period=due.key.period,
            step=due.key.step,
            context={
                "first_name": record.member.first_name,
                "certification_name": self.policy.certification_type(cert.certification.type).name,
                "certificate_number": cycle.certificate_number,
                "cycle_start": cycle.start.isoformat(),
                "cycle_end": cycle.end.isoformat(),
                "points_required": _points(cycle.points_required),
                "points_outstanding": _points(max(Decimal(0), due.points_outstanding)),
                "days_before_end": due.days_before_end,
                "last": not later,
                "next_notice_days": max(later, default=0),
                "unpaid_fees": list(_unpaid_fees(due.unpaid_invoices, cert)),
            },
            letter_key=f"ccp/{cycle.certificate_number}/{cycle.end.isoformat()}/{due.key.step}",
            letter_date=self.today.isoformat(),
        )
        for delivery in self._outbox_().send(notice):
            if delivery.resent:
                self.report.notices_resent_after_interruption += 1
            if delivery.outcome == ALREADY_SENT:
                self.report.notices_already_sent += 1
            elif delivery.outcome == UNDELIVERABLE:
                self.report.notices_undeliverable += 1
            elif delivery.outcome == SENT:
                channel = delivery.channel.value
                self.report.notices_sent[channel] = self.report.notices_sent.get(channel, 0) + 1

    def _outbox_(self) -> Outbox:
        from staycertified.notify.outbox import Outbox

        if self._outbox is None:
            self._outbox = Outbox(
                self.table,
                claimant=self.run_id,
                run_id=self.run_id,
                sent_on=self.today.isoformat(),
                transports={Channel.EMAIL: self.send_email, Channel.MAIL: self.post_letter},
            )
        return self._outbox

    # ------------------------------------------------------------ 3. fee lapses (R21)

    def fee_lapses(self) -> None:
        from staycertified.store import lapses

        grace = self.policy.renewal.grace_days.at(self.today)
        months = {
            (day - timedelta(days=grace + 1)).month
            for day in _days(self.since, self.today)
            if (day - timedelta(days=grace)).day == 1  # the day before was a month end
        }
        for month in sorted(months):
            for found in list(member_store.certifications_by_anniversary_month(self.table, month)):
                record = self._record(found.member_id)
                cert = record.certification(found.certificate_number) if record else None
                if cert is None or self._standing(cert).status != Standing.LAPSED:
                    continue
                for fee in standing_rules.fee_lapses_between(
                    cert,
                    self.since,
                    self.today,
                    self.today,
                    self.policy,
                ):
                    before = self._standing(cert, fee.overdue_from - ONE_DAY).status
                    if before != Standing.ACTIVE:
                        continue  # lapsed already (points, an older fee): no new lapse
                    event = catalog.certification_lapsed(
                        member_id=found.member_id,
                        certificate_number=found.certificate_number,
                        reason="FEE_UNPAID",
                        since=fee.overdue_from,
                        occurred_on=self.today,
                    )
                    if lapses.record_lapse(
                        self.table,
                        found.member_id,
                        found.certificate_number,
                        since=fee.overdue_from,
                        reason="FEE_UNPAID",
                        event=event,
                        invoice_id=fee.invoice_id,
                        membership_year=fee.membership_year,
                    ):
                        self.report.lapsed_for_fees += 1

    # ------------------------------------------------------------ 4. R22 transitions

    def recertification_required(self) -> None:
        candidates: list[tuple[str, str]] = []
        # R22: cycles whose 3 years run out on a covered day (end + 3 years <= today).
        first, last = add_years(self.since, -3) - ONE_DAY, add_years(self.today, -3)
        for found in cycle_store.cycles_ending_between(self.table, first, last):
            candidates.append((found.member_id, found.cycle.certificate_number))
        for last_of_month in _last_days_of_months(self.since, self.today):
            month = last_of_month.month  # its fee of 3 years ago runs out today (R22)
            for certification in member_store.certifications_by_anniversary_month(
                self.table, month
            ):
                candidates.append((certification.member_id, certification.certificate_number))
        for member_id, certificate_number in dict.fromkeys(candidates):
            self._record_recertification_required(member_id, certificate_number)

    def _record_recertification_required(self, member_id: str, certificate_number: str) -> None:
        record = self._record(member_id)
        cert = record.certification(certificate_number) if record else None
        if cert is None or cert.certification.recertification_required_since is not None:
            return
        standing = self._standing(cert)
        if standing.status != Standing.RECERTIFICATION_REQUIRED:
            return
        since = standing.required_since or self.today  # R22: the day the 3 years ran out
        audit = any(r.code == "AUDIT_FAILED" and r.since == since for r in standing.reasons)
        event = catalog.recertification_required(
            member_id=member_id,
            certificate_number=certificate_number,
            reason="AUDIT_FAILED" if audit else "OBLIGATION_UNMET_3_YEARS",
            certified_on=cert.certification.certified_on,
            since=since,
            occurred_on=self.today,
        )
        if cycle_store.record_recertification_required(
            self.table, member_id, certificate_number, since, event=event
        ):
            self.report.recertification_required += 1
            self._forget(member_id)

    # ------------------------------------------------------------ 5. R42

    def recertification_notices(self) -> None:
        for member_id, certificate_number in cycle_store.recertification_notices_due(self.table):
            self._forget(member_id)
            record = self._record(member_id)
            cert = record.certification(certificate_number) if record else None
            if record is None or cert is None:
                continue
            self._enter_recertification_required(record, cert)
            self._notified.append((member_id, certificate_number))
            self._forget(member_id)

    def _enter_recertification_required(
        self, record: MemberRecord, cert: CertificationRecord
    ) -> None:
        """R42: void the open renewal invoices, then tell the member the ways back."""
        from staycertified.domain.invoicing import invoices_to_void, voided_for_recert
        from staycertified.notify.outbox import SENT, UNDELIVERABLE, Notice
        from staycertified.store import invoices as invoice_store

        voided = [
            invoice
            for invoice in invoices_to_void(cert.invoices, self.today)
            if invoice_store.void_invoice(self.table, invoice)
        ]
        self.report.invoices_voided += len(voided)
        void = sorted({i.invoice_id for i in [*cert.invoices, *voided] if voided_for_recert(i)})
        standing = self._standing(cert)
        number = cert.certification.certificate_number
        since = cert.certification.recertification_required_since or self.today
        notice = Notice(
            kind=RECERTIFICATION_REQUIRED,
            member=record.member,
            certificate_number=number,
            period=since.isoformat(),
            context={
                "first_name": record.member.first_name,
                "certification_name": self.policy.certification_type(cert.certification.type).name,
                "certificate_number": number,
                "required_since": since.isoformat(),
                "reasons": [r.message for r in standing.reasons if r.rule in ("R22", "R23")],
                "exam_only": tuple(standing.recertification_routes) == ("EXAM",),
                "voided_invoices": void,
            },
            letter_key=f"recertification/{number}/{since.isoformat()}",
            letter_date=self.today.isoformat(),
        )
        for delivery in self._outbox_().send(notice):
            if delivery.outcome == SENT:
                self.report.recertification_notices += 1
            elif delivery.outcome == UNDELIVERABLE:
                self.report.notices_undeliverable += 1

    # ------------------------------------------------------------ the run

    def run(self) -> SweepReport:
        if self.since > self.today:
            return self.report  # this day is done already
        self.cycle_ends()
        self.fee_lapses()
        self.recertification_required()
        try:
            self.recertification_notices()
            self.ccp_notices()
        finally:
            if self._outbox is not None:
                self._outbox.close()
                self._write_manifest(self._outbox.letters)
        for member_id, certificate_number in self._notified:
            cycle_store.recertification_notice_sent(self.table, member_id, certificate_number)
        cycle_store.record_sweep_day(self.table, self.today)
        return self.report

    def _write_manifest(self, letters: list[Any]) -> None:
        """The day's print-house manifest (`manifests/<day>.csv`): every letter of the day."""
        from staycertified.notify.manifest import add_to_manifest, day_manifest_key

        if letters and self.s3 is not None and self.mail_bucket:
            key = day_manifest_key(self.today.isoformat())
            add_to_manifest(self.s3, self.mail_bucket, key, letters)
            self.report.manifest_key = key


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}"


def first_day_to_cover(last_run: date | None, today: date) -> date:
    """The first day a run on `today` covers: the day after the last completed run,
    at most CATCH_UP_DAYS back (and `today + 1`, nothing, when today is done)."""
    earliest = today - timedelta(days=CATCH_UP_DAYS - 1)
    return earliest if last_run is None else max(earliest, last_run + ONE_DAY)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _last_days_of_months(first: date, last: date) -> list[date]:
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + timedelta(days=n + 1)).day == 1
    ]


def _unpaid_fees(invoice_ids: tuple[str, ...], cert: CertificationRecord) -> tuple[str, ...]:
    """R17: each unpaid fee of the cycle as the member reads it: invoice id and amount."""
    from staycertified.payments.service import money

    amounts = {i.invoice_id: i for i in cert.invoices}
    return tuple(
        f"{number} ({money(amounts[number].amount)} {amounts[number].currency})"
        if number in amounts
        else number
        for number in invoice_ids
    )


def run_sweep(table: Table, today: date, policy: Policy, **ports: Any) -> SweepReport:
    """One day's run; `ports`: send_email, post_letter, and s3 + mail_bucket for the manifest."""
    return Sweep(table, today, policy, **ports).run()

"""Renewal notices (R3-R5) and CCP compliance notices (R17).

Run month M: a cadence step with offset k (months from the due month) applies to
the membership year whose due month is M - k. The anniversary month is fixed, so
(M - k) must be the anniversary month; December anniversaries cross the year
boundary (the -1 notice for December 2026 goes in November 2026; the +1 notice
in January 2027); a 29 February anniversary is due in February every year (R39).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from staycertified.domain.dates import shift_month
from staycertified.domain.decisions import Frozen
from staycertified.domain.invoicing import due_date, first_membership_year
from staycertified.domain.model import (
    Certification,
    Channel,
    Cycle,
    Invoice,
    InvoiceStatus,
    Member,
    NoticeKey,
)
from staycertified.domain.policy import Policy, RenewalStep

POSTAL_ADDRESS_MISSING = "POSTAL_ADDRESS_MISSING"  # R4
EMAIL_ADDRESS_MISSING = "EMAIL_ADDRESS_MISSING"  # R4


class PlannedNotice(Frozen):
    """One renewal step for one membership year, on its channels (R4, R5)."""

    certificate_number: str
    membership_year: int
    step: str
    offset_months: int
    channels: tuple[Channel, ...]
    due_date: date
    rules: tuple[str, ...] = ("R3", "R4", "R5")

    def keys(self) -> list[NoticeKey]:
        """R5: one notice per (certification, membership year, step, channel)."""
        return [
            NoticeKey(
                certificate_number=self.certificate_number,
                period=str(self.membership_year),
                step=self.step,
                channel=channel,
            )
            for channel in self.channels
        ]


def renewal_steps_due(
    certification: Certification, year: int, month: int, policy: Policy
) -> list[PlannedNotice]:
    """R4: the cadence steps that fall in run month (year, month) for this certification.

    Policy: the cadence in force on the first day of the run month.
    """
    cadence = policy.renewal.cadence.at(date(year, month, 1))
    planned = []
    for step in cadence:
        due_year, due_month = shift_month(year, month, -step.offset_months)
        if due_month != certification.anniversary_month:
            continue
        if due_year < first_membership_year(certification):
            continue
        planned.append(_plan(certification, due_year, step))
    return planned


def _plan(certification: Certification, membership_year: int, step: RenewalStep) -> PlannedNotice:
    return PlannedNotice(
        certificate_number=certification.certificate_number,
        membership_year=membership_year,
        step=step.step,
        offset_months=step.offset_months,
        channels=step.channels,
        due_date=due_date(certification, membership_year),
    )


def still_due(step: PlannedNotice, invoice: Invoice | None) -> bool:
    """R4: a step is skipped when the year's invoice is paid (or void) at send time.
    Call again right before sending, not only when planning."""
    if invoice is None:
        return True
    same_year = invoice.membership_year == step.membership_year
    return not (same_year and invoice.status in (InvoiceStatus.PAID, InvoiceStatus.VOID))


class ChannelDelivery(Frozen):
    """R4: whether a channel can be delivered, and the note recorded when it cannot."""

    channel: Channel
    deliver: bool
    note: str | None = None


def deliveries(member: Member, channels: Iterable[Channel]) -> list[ChannelDelivery]:
    """R4: no postal address -> email still goes, the mail notice records
    POSTAL_ADDRESS_MISSING; no email -> mail still goes."""
    result = []
    for channel in channels:
        if channel == Channel.MAIL and member.address is None:
            result.append(
                ChannelDelivery(channel=channel, deliver=False, note=POSTAL_ADDRESS_MISSING)
            )
        elif channel == Channel.EMAIL and not member.email:
            result.append(
                ChannelDelivery(channel=channel, deliver=False, note=EMAIL_ADDRESS_MISSING)
            )
        else:
            result.append(ChannelDelivery(channel=channel, deliver=True))
    return result


class CcpNotice(Frozen):
    """R17: a compliance notice for a mandatory, non-compliant cycle: the points still
    outstanding (never below 0), the fees of the cycle still unpaid, and whether it is
    the last notice of the cycle."""

    key: NoticeKey
    days_before_end: int
    send_on: date
    cycle_end: date
    points_outstanding: Decimal
    unpaid_invoices: tuple[str, ...] = ()
    last: bool = False
    rules: tuple[str, ...] = ("R17", "R5")


def ccp_notice_due(
    cycle: Cycle,
    mandatory: bool,
    compliant: bool,
    points_outstanding: Decimal,
    today: date,
    policy: Policy,
    channel: Channel = Channel.EMAIL,
    unpaid_invoices: tuple[str, ...] = (),
) -> CcpNotice | None:
    """R17: the latest offset step whose send date (end - N days) is on or before
    `today`, while `today` is inside the cycle. A run that missed a day still
    sends the step once (the key makes a replay a no-op); none once compliant
    (R16: points met AND every fee due in the cycle paid, so a cycle short only
    of a fee still gets its notices, with `unpaid_invoices`). The smallest
    offset is the last notice. Offsets: the policy version in force on `today`."""
    if not mandatory or compliant or today > cycle.end:
        return None
    offsets = sorted(policy.ccp.notice_offsets_days.at(today))
    for days in offsets:
        send_on = cycle.end - timedelta(days=days)
        if send_on <= today:
            key = NoticeKey(
                certificate_number=cycle.certificate_number,
                period=cycle.end.isoformat(),
                step=f"CCP_{days}",
                channel=channel,
            )
            return CcpNotice(
                key=key,
                days_before_end=days,
                send_on=send_on,
                cycle_end=cycle.end,
                points_outstanding=max(Decimal(0), points_outstanding),
                unpaid_invoices=tuple(unpaid_invoices),
                last=days == offsets[0],
            )
    return None

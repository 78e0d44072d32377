"""Small builders for domain tests (Given ...)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from staycertified.domain.history import CertificationHistory
from staycertified.domain.model import (
    Activity,
    Attestation,
    AuditCase,
    Category,
    Certification,
    Cycle,
    Invoice,
    InvoiceStatus,
    Qualifies,
    Unit,
)
from staycertified.policy import load_policy

POLICY = load_policy()


def cert(
    certified_on: date,
    recertified_on: date | None = None,
    type_: str = "RMA",
    number: str = "C-1",
    paid_through: date | None = None,
) -> Certification:
    return Certification(
        member_id="M-1",
        certificate_number=number,
        type=type_,
        certified_on=certified_on,
        recertified_on=recertified_on,
        paid_through=paid_through,
    )


def activity(
    completed_on: date,
    points: int | str = 30,
    category: Category = Category.PROFESSIONAL_EDUCATION,
    recorded_on: date | None = None,
    activity_id: str | None = None,
    number: str = "C-1",
) -> Activity:
    return Activity(
        activity_id=activity_id or f"A-{completed_on}-{points}",
        certificate_number=number,
        category=category,
        title="course",
        completed_on=completed_on,
        quantity=Decimal(points),
        unit=Unit.CONTACT_HOUR,
        qualifies=Qualifies.JOB_PERFORMANCE,
        points=Decimal(points),
        recorded_on=recorded_on,
    )


def invoice(
    year: int,
    due: date,
    paid_at: date | None = None,
    number: str = "C-1",
    amount: str = "50",
    status: InvoiceStatus | None = None,
) -> Invoice:
    paid = paid_at is not None
    return Invoice(
        invoice_id=f"INV-{number}-{year}",
        member_id="M-1",
        certificate_number=number,
        certification_type="RMA",
        membership_year=year,
        amount=Decimal(amount),
        due_date=due,
        status=status or (InvoiceStatus.PAID if paid else InvoiceStatus.OPEN),
        paid_at=paid_at,
        payment_id=f"PAY-{year}" if paid else None,
    )


def attestation(cycle_start: date, signed_on: date, points: int = 30) -> Attestation:
    return Attestation(
        certificate_number="C-1",
        cycle_start=cycle_start,
        points_by_category={Category.PROFESSIONAL_EDUCATION: Decimal(points)},
        signed_by="Member",
        signed_on=signed_on,
    )


def history(
    certification: Certification,
    cycles: Iterable[Cycle] = (),
    activities: Iterable[Activity] = (),
    attestations: Iterable[Attestation] = (),
    invoices: Iterable[Invoice] = (),
    *,
    audit_cases: Iterable[AuditCase] = (),
    audit_failed_on: date | None = None,
) -> CertificationHistory:
    """The certification and its history, as the store reads them (R22.3: `audit_failed_on`
    is recorded on the certification)."""
    if audit_failed_on is not None:
        certification = certification.model_copy(update={"audit_failed_on": audit_failed_on})
    return CertificationHistory(
        certification=certification,
        cycles=tuple(cycles),
        activities=tuple(activities),
        attestations=tuple(attestations),
        invoices=tuple(invoices),
        audit_cases=tuple(audit_cases),
    )

"""The entities of the rule book (DOMAIN.md), as immutable pydantic values.

Everything here is pure data: no I/O, no clock. The store maps these to DynamoDB
items; the rules in the sibling modules take them (and "today") and return
decisions that name the rules they applied (R24).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Standing(StrEnum):
    """Status of a certification for a date (R20-R22)."""

    ACTIVE = "ACTIVE"
    LAPSED = "LAPSED"
    RECERTIFICATION_REQUIRED = "RECERTIFICATION_REQUIRED"


class CcpDuty(StrEnum):
    """R8."""

    MANDATORY = "MANDATORY"
    VOLUNTARY = "VOLUNTARY"


class Category(StrEnum):
    """R10."""

    PROFESSIONAL_EDUCATION = "PROFESSIONAL_EDUCATION"
    FORMAL_EDUCATION = "FORMAL_EDUCATION"
    EMPLOYMENT = "EMPLOYMENT"
    AUTHORSHIP = "AUTHORSHIP"
    INSTRUCTIONAL_PRESENTATION = "INSTRUCTIONAL_PRESENTATION"
    ORGANIZATIONAL_PARTICIPATION = "ORGANIZATIONAL_PARTICIPATION"


class Unit(StrEnum):
    CONTACT_HOUR = "CONTACT_HOUR"
    CEU = "CEU"
    SEMESTER_CREDIT = "SEMESTER_CREDIT"
    QUARTER_CREDIT = "QUARTER_CREDIT"
    YEAR = "YEAR"
    ITEM = "ITEM"
    HOUR = "HOUR"


class Qualifies(StrEnum):
    """R10: the reason the member affirms an activity qualifies."""

    JOB_PERFORMANCE = "JOB_PERFORMANCE"
    HEALTHCARE_KNOWLEDGE = "HEALTHCARE_KNOWLEDGE"
    ADVANCEMENT_PREPARATION = "ADVANCEMENT_PREPARATION"


class ActivitySource(StrEnum):
    MEMBER = "MEMBER"
    PROVIDER = "PROVIDER"  # the body's own online CE, already verified (R13)
    STAFF = "STAFF"


class InvoiceStatus(StrEnum):
    OPEN = "OPEN"
    PAID = "PAID"
    VOID = "VOID"


class PaymentMethod(StrEnum):
    PROVIDER = "PROVIDER"
    CARD = "CARD"
    CHECK = "CHECK"
    MONEY_ORDER = "MONEY_ORDER"
    OTHER = "OTHER"


class Channel(StrEnum):
    """R4: notices go by email and postal mail."""

    EMAIL = "EMAIL"
    MAIL = "MAIL"


class PostalAddress(Frozen):
    line1: str
    line2: str = ""
    city: str
    state: str
    postal_code: str
    country: str = "US"

    def lines(self, name: str) -> list[str]:
        """The address block of a letter, name first."""
        city_line = f"{self.city}, {self.state} {self.postal_code}".strip()
        lines = [name, self.line1, self.line2, city_line]
        if self.country and self.country.upper() not in ("US", "USA"):
            lines.append(self.country)
        return [line for line in lines if line]


class Member(Frozen):
    member_id: str
    first_name: str
    last_name: str
    email: str | None = None
    address: PostalAddress | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Certification(Frozen):
    """One certification of a member. The anniversary follows the latest
    recertification when there is one (R3, R33)."""

    member_id: str
    certificate_number: str
    type: str
    certified_on: date
    recertified_on: date | None = None
    paid_through: date | None = None
    # Set by the lifecycle when it has recorded these transitions (R22, R27).
    recertification_required_since: date | None = None
    audit_failed_on: date | None = None

    @property
    def anchor_date(self) -> date:
        """The date cycles and the anniversary are counted from."""
        return self.recertified_on or self.certified_on

    @property
    def anniversary_month(self) -> int:
        return self.anchor_date.month


class Cycle(Frozen):
    """A 3-year CCP cycle (R9). `advanced_on` is set when it rolled over (R16)."""

    certificate_number: str
    start: date
    end: date
    points_required: Decimal
    advanced_on: date | None = None
    # The day this system took the cycle's points as met from records kept elsewhere
    # (the member import, for cycles that ended before it): met by the cycle's end.
    points_settled_on: date | None = None

    def points_settled(self, as_of: date) -> bool:
        return self.points_settled_on is not None and self.points_settled_on <= as_of


class Activity(Frozen):
    """A recorded CCP activity with the points it earned (R10-R14)."""

    activity_id: str
    certificate_number: str
    category: Category
    title: str
    provider: str = ""
    completed_on: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    quantity: Decimal
    unit: Unit
    qualifies: Qualifies
    source: ActivitySource = ActivitySource.MEMBER
    verified: bool = False
    points: Decimal = Decimal(0)
    recorded_on: date | None = None

    @property
    def effective_date(self) -> date:
        """The date the activity counts on: completion, or the end of its period."""
        day = self.completed_on or self.period_end
        if day is None:
            raise ValueError("activity has neither completedOn nor periodEnd")
        return day


class Attestation(Frozen):
    """R18: points claimed per category for a cycle, signed."""

    certificate_number: str
    cycle_start: date
    points_by_category: dict[Category, Decimal]
    signed_by: str
    signed_on: date
    # R18/R21: filed after the cycle's end to cure the lapse of an ended non-compliant cycle.
    cures: bool = False

    @property
    def total_points(self) -> Decimal:
        return sum(self.points_by_category.values(), Decimal(0))


class Invoice(Frozen):
    """One per certification per membership year (R3)."""

    invoice_id: str
    member_id: str
    certificate_number: str
    certification_type: str
    membership_year: int
    amount: Decimal
    currency: str = "USD"
    due_date: date
    status: InvoiceStatus = InvoiceStatus.OPEN
    paid_at: date | None = None
    payment_id: str | None = None
    # VOID only: why and when ("R42": voided when the certification had to recertify).
    void_reason: str | None = None
    voided_on: date | None = None
    # R29: the fee of a recertification application (not a membership year's renewal
    # fee: it never moves paid_through, and R42's voiding never touches it).
    application_id: str | None = None

    @property
    def is_paid(self) -> bool:
        return self.status == InvoiceStatus.PAID

    @property
    def is_renewal(self) -> bool:
        """An annual renewal fee (R3); a recertification application's fee carries
        `application_id` (H12) and is never voided by R42."""
        return self.application_id is None


class Payment(Frozen):
    payment_id: str
    invoice_id: str
    amount: Decimal
    currency: str = "USD"
    method: PaymentMethod
    reference: str = ""
    received_on: date


class NoticeKey(Frozen):
    """R5: exactly one notice per (certification, membership year, step, channel)."""

    certificate_number: str
    period: str = Field(description="membership year ('2026') or cycle end ('2027-04-30')")
    step: str
    channel: Channel


def invoice_id_for(certificate_number: str, membership_year: int) -> str:
    """Deterministic, so creating the year's invoice twice is the same invoice (R3, R5)."""
    return f"INV-{certificate_number}-{membership_year}"


class AuditStatus(StrEnum):
    """R27: OPEN (waiting for the member), SUBMITTED (waiting for staff), PASSED, FAILED."""

    OPEN = "OPEN"
    SUBMITTED = "SUBMITTED"
    PASSED = "PASSED"
    FAILED = "FAILED"


class ItemDecision(Frozen):
    """R27: staff's decision on one item of an audit case, who and when."""

    decision: str = Field(description="VERIFIED or REJECTED")
    points: Decimal = Decimal(0)
    reason: str = ""
    decided_by: str
    decided_at: str


class AuditCase(Frozen):
    """R25-R27: one selected certification's audit of the cycle that just ended."""

    case_id: str
    certificate_number: str
    audit_year: int
    cycle_start: date
    cycle_end: date
    opened_on: date
    respond_by: date
    reminder_on: date
    status: AuditStatus = AuditStatus.OPEN
    decided_on: date | None = None
    member_id: str | None = None
    submitted_on: date | None = None
    submissions: int = 0
    extended_to: date | None = None
    extension_reason: str | None = None
    extended_by: str | None = None
    extended_at: str | None = None
    decisions: dict[str, ItemDecision] = Field(default_factory=dict)
    outcome_reason: str | None = None
    decided_by: str | None = None
    revision: int = 0

    @property
    def is_open(self) -> bool:
        """Not decided yet: waiting for the member or for staff."""
        return self.status in (AuditStatus.OPEN, AuditStatus.SUBMITTED)

    @property
    def deadline(self) -> date:
        """R27: the response deadline, or the extended one."""
        return self.extended_to or self.respond_by


class ApplicationActivity(Frozen):
    """R29: one activity claimed in a recertification application, with its proof."""

    category: Category
    completed_on: date
    points: Decimal
    proof_document_id: str | None = None
    employment_verification_form_id: str | None = None


class RecertificationApplication(Frozen):
    """R28-R32: an application to recertify, by CCP or by exam."""

    application_id: str
    certificate_number: str
    route: str = Field(description="CCP or EXAM (R28)")
    certification_type: str | None = None
    submitted_on: date
    felony_answer: bool | None = None
    activities: tuple[ApplicationActivity, ...] = ()
    attestation_signed_on: date | None = None
    attestation_signed_by: str | None = None
    fee_paid: bool = False

"""Request and response models of the HTTP API: camelCase on the wire, dates
YYYY-MM-DD, money as strings with two decimals, points as numbers.

Fields that a rule checks (category, unit, qualifies, dates) are deliberately
loose here so that the domain can report EVERY broken rule at once (R10-R14)
instead of the first type error; their allowed values are still documented in
the OpenAPI document.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel

from staycertified.domain.model import Category, Qualifies, Unit
from staycertified.text import LINE

Money = Annotated[str, StringConstraints(pattern=r"^-?\d+\.\d{2}$")]
# free text: normalised (staycertified.text), then bounded
Text = Annotated[str, StringConstraints(min_length=1, max_length=300), LINE]
CertificateNumber = Annotated[str, StringConstraints(min_length=1, max_length=40)]


def money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def points(value: Decimal) -> float:
    return float(value)


class Camel(BaseModel):
    """Responses: built from field names in code, written in camelCase."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        defer_build=True,
    )


class CamelIn(BaseModel):
    """Requests: camelCase only, nothing the OpenAPI document does not allow."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=False,
        extra="forbid",
        frozen=True,
        defer_build=True,
    )


def _iso_date_text(value: object) -> object:
    """Dates on the wire are YYYY-MM-DD strings only (pydantic alone would take
    timestamps and datetimes, which the OpenAPI document does not allow)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is a string YYYY-MM-DD")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WireDate = Annotated[date, BeforeValidator(_iso_date_text)]


# ---------------------------------------------------------------- errors


class ErrorItem(Camel):
    rule: str
    code: str
    message: str


class ErrorBody(Camel):
    code: str
    message: str
    errors: list[ErrorItem] = Field(default_factory=list)


# ---------------------------------------------------------------- status (R37)


class Reason(Camel):
    rule: str
    code: str
    message: str
    since: date | None = None


class NextInvoice(Camel):
    invoice_id: str
    membership_year: int
    amount: Money
    currency: str
    due_date: date
    status: str


class CycleOut(Camel):
    start: date
    end: date
    points_required: float
    points_counted: float = Field(description="Points recorded (activities) in the cycle.")
    points_attested: float | None = Field(
        default=None,
        description="Points a filed CCP attestation claims for the cycle (R18); null if none.",
    )
    points_outstanding: float
    days_left: int
    compliant: bool


class AuditOut(Camel):
    """R26: the open audit case, the cycle it covers and its response deadline."""

    case_id: str
    audit_year: int
    cycle_start: date
    cycle_end: date
    status: Literal["OPEN", "SUBMITTED", "PASSED", "FAILED"]
    respond_by: date
    href: str | None = None
    next_action: str | None = None
    points_required: float | None = None
    points_verified: float | None = None


class RecertificationOut(Camel):
    """R24/R37: the ways back, and the open application with what it still needs."""

    routes: list[Literal["CCP", "EXAM"]]
    required_since: date | None = None
    application_id: str | None = None
    application_status: str | None = None
    application_valid_until: date | None = None
    missing: list[ErrorItem] = Field(default_factory=list)


class NextAction(Camel):
    action: Literal[
        "PAY_INVOICE",
        "RECORD_POINTS",
        "RECERTIFY",
        "UPLOAD_AUDIT_DOCUMENTS",
        "SUBMIT_AUDIT_CASE",
        "PAY_APPLICATION_FEE",
        "UPLOAD_RECERTIFICATION_DOCUMENTS",
        "SUBMIT_APPLICATION",
        "WAIT_FOR_REVIEW",
        "SCHEDULE_EXAM",
    ]
    rule: str = ""
    message: str = ""
    invoice_id: str | None = None
    amount: Money | None = None
    points: float | None = None
    due_by: date | None = None
    routes: list[Literal["CCP", "EXAM"]] | None = None
    case_id: str | None = None
    application_id: str | None = None


class BadgeOut(Camel):
    """R36, R37: the certification's Credly badge (NONE before one is issued)."""

    state: Literal["ISSUED", "REVOKED", "NONE"]
    expires_at: date | None = None
    url: str | None = None


class CertificationStatus(Camel):
    certificate_number: str
    type: str
    status: Literal["ACTIVE", "LAPSED", "RECERTIFICATION_REQUIRED"]
    ccp: Literal["MANDATORY", "VOLUNTARY"]
    reasons: list[Reason]
    paid_through: date | None
    next_invoice: NextInvoice | None
    cycle: CycleOut
    audit: AuditOut | None = None
    recertification: RecertificationOut | None = None
    next_actions: list[NextAction]
    badge: BadgeOut = BadgeOut(state="NONE")


class MemberStatus(Camel):
    member_id: str
    as_of: date
    certifications: list[CertificationStatus]


# ---------------------------------------------------------------- activities (R10-R15, R19)


class ActivityIn(CamelIn):
    """A CCP activity the member records. `completedOn` or `periodStart`/`periodEnd`
    (employment, offices held)."""

    category: Annotated[
        str, Field(max_length=64, json_schema_extra={"enum": [c.value for c in Category]})
    ]
    title: Text
    provider: Annotated[str, StringConstraints(max_length=300), LINE] = ""
    completed_on: WireDate | None = None
    period_start: WireDate | None = None
    period_end: WireDate | None = None
    quantity: Annotated[Decimal, Field(gt=0, le=10000, max_digits=12, decimal_places=4)]
    unit: Annotated[str, Field(max_length=32, json_schema_extra={"enum": [u.value for u in Unit]})]
    qualifies: Annotated[
        str, Field(max_length=64, json_schema_extra={"enum": [q.value for q in Qualifies]})
    ]
    certificate_number: CertificateNumber | None = None
    first_delivery: StrictBool | None = None


class ActivityOut(Camel):
    activity_id: str
    certificate_number: str
    category: str
    title: str
    provider: str
    completed_on: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    quantity: float
    unit: str
    qualifies: str
    source: str
    verified: bool
    points: float
    points_counted: float
    capped: bool
    cycle_start: date | None = None
    cycle_end: date | None = None
    flags: list[str] = Field(default_factory=list)
    warnings: list[Reason] = Field(
        default_factory=list,
        description=(
            "Recorded, but the member should know: QUANTITY_ROUNDED_DOWN (R11), "
            "EMPLOYMENT_CUT (R14), ACTIVITY_POSSIBLE_DUPLICATE (R13: the same "
            "activity looks recorded already; send an Idempotency-Key so that a "
            "retry is recorded once). Only in the answer to the recording request."
        ),
    )


class ActivityList(Camel):
    member_id: str
    cycle: Literal["current", "all"]
    activities: list[ActivityOut]


# ---------------------------------------------------------------- attestations (R18)


class AttestationIn(CamelIn):
    certificate_number: CertificateNumber | None = None
    points_by_category: Annotated[
        dict[str, Annotated[Decimal, Field(ge=0, le=1000, max_digits=10, decimal_places=2)]],
        Field(min_length=1, max_length=6),
    ]
    signed_by: Text
    affirmed: StrictBool = Field(
        description="The member affirms the attestation is true and complete."
    )


class AttestationOut(Camel):
    certificate_number: str
    cycle_start: date
    cycle_end: date
    points_claimed: float
    signed_on: date


# ---------------------------------------------------------------- invoices, payments (R6, R7)


class InvoiceOut(Camel):
    invoice_id: str
    certificate_number: str
    membership_year: int
    amount: Money
    currency: str
    due_date: date
    status: str
    paid_at: date | None = None


class InvoiceList(Camel):
    invoices: list[InvoiceOut]


class StaffPaymentIn(CamelIn):
    """A payment staff received (card, check...). Refunds are refused (R6, FEE_NOT_REFUNDABLE)."""

    amount: Annotated[Decimal, Field(max_digits=12, decimal_places=2)]
    method: Annotated[
        str,
        Field(max_length=32, json_schema_extra={"enum": ["CARD", "CHECK", "MONEY_ORDER", "OTHER"]}),
    ]
    reference: Annotated[str, StringConstraints(max_length=200), LINE] = ""


class PaymentOut(Camel):
    payment_id: str
    invoice_id: str
    status: str
    amount: Money
    currency: str
    paid_at: date | None = None
    paid_through: date


# ---------------------------------------------------------------- verification (R38)


class VerificationOut(Camel):
    name: str
    type: str
    status: Literal["Active", "Not active"]
    original_certification_date: date
    valid_through: date | None


# ---------------------------------------------------------------- contact details


_EMAIL = r"^[^@\s]{1,64}@[^@\s]{1,190}\.[A-Za-z]{2,24}$"


class AddressIn(CamelIn):
    line1: Annotated[str, StringConstraints(min_length=1, max_length=120), LINE]
    line2: Annotated[str, StringConstraints(max_length=120), LINE] = ""
    city: Annotated[str, StringConstraints(min_length=1, max_length=80), LINE]
    state: Annotated[str, StringConstraints(min_length=1, max_length=40), LINE]
    postal_code: Annotated[
        str,
        StringConstraints(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9 -]+$"),
        LINE,
    ]
    country: Annotated[
        str, StringConstraints(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")
    ] = "US"

    @model_validator(mode="after")
    def _us_address(self) -> AddressIn:
        if self.country.upper() == "US":
            if not re.fullmatch(r"\d{5}(-\d{4})?", self.postal_code):
                raise ValueError("postalCode: a US ZIP code is 5 digits (or ZIP+4)")
            if not re.fullmatch(r"[A-Za-z]{2}", self.state):
                raise ValueError("state: a US state is its 2-letter code")
        return self


class ContactIn(CamelIn):
    """The member's corrected contact details; a field left out is kept as it is."""

    email: Annotated[str, StringConstraints(max_length=254, pattern=_EMAIL), LINE] | None = None
    address: AddressIn | None = None

    @model_validator(mode="after")
    def _something(self) -> ContactIn:
        if self.email is None and self.address is None:
            raise ValueError("give email, address or both")
        return self


class AddressOut(Camel):
    line1: str
    line2: str = ""
    city: str
    state: str
    postal_code: str
    country: str


class ContactOut(Camel):
    member_id: str
    first_name: str
    last_name: str
    email: str | None
    address: AddressOut | None
    changed: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------- CCP categories (R10, R11)


class CategoryOut(Camel):
    category: str
    units: dict[str, float]
    dated_by: Literal["COMPLETED_ON", "PERIOD"]
    cap_per_cycle: float | None = None
    first_delivery_only: bool = False


class CategoryList(Camel):
    as_of: date
    categories: list[CategoryOut]
    qualifies: list[str]


# ---------------------------------------------------------------- staff console


class MemberSummary(Camel):
    member_id: str
    first_name: str
    last_name: str
    email: str | None
    certificates: list[str] = Field(default_factory=list)


class MemberSearch(Camel):
    query: str
    members: list[MemberSummary]


class NoticeOut(Camel):
    certificate_number: str
    period: str
    step: str
    channel: str
    sent_on: str
    flags: list[str] = Field(default_factory=list)
    status: str | None = Field(default=None, description="PENDING, SENT or UNDELIVERABLE.")


class ContactChangeOut(Camel):
    changed_at: str
    changed_by: str
    fields: list[str]


class StaffMemberRecord(Camel):
    contact: ContactOut
    status: MemberStatus
    activities: list[ActivityOut]
    invoices: list[InvoiceOut]
    notices: list[NoticeOut]
    contact_changes: list[ContactChangeOut]


class Dashboard(Camel):
    """The staff dashboards: stored monthly snapshots and the renewal runs' reports."""

    snapshots: list[dict[str, Any]]
    renewal_runs: list[dict[str, Any]]

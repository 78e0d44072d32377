"""Wire models of the audit case routes (R27): the member's case, staff's decisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from staycertified.api.schemas import Camel, CamelIn
from staycertified.text import PARAGRAPHS

Reason = Annotated[str, StringConstraints(min_length=1, max_length=500), PARAGRAPHS]


class CycleSpan(Camel):
    start: date
    end: date


class AuditItemOut(Camel):
    item_id: str
    title: str
    category: str | None = None
    points: float
    source: Literal["PROVIDER", "MEMBER", "ATTESTATION"]
    verification: Literal["VERIFIED", "NEEDS_PROOF", "PROOF_RECEIVED", "REJECTED"]
    points_verified: float
    reason: str | None = None
    documents: list[str]


class AuditCaseOut(Camel):
    case_id: str
    audit_year: int
    certificate_number: str
    cycle: CycleSpan
    status: Literal["OPEN", "SUBMITTED", "PASSED", "FAILED"]
    respond_by: date = Field(description="The response deadline, the extended one if extended.")
    reminder_on: date
    extended_to: date | None = None
    extension_reason: str | None = None
    submitted_on: date | None = None
    decided_on: date | None = None
    outcome_reason: str | None = None
    points_required: float
    points_verified: float
    items: list[AuditItemOut]
    next_action: str | None = None


class AuditCaseSummary(Camel):
    case_id: str
    member_id: str | None
    certificate_number: str
    audit_year: int
    status: str
    opened_on: date
    respond_by: date
    submitted_on: date | None = None


class AuditCaseList(Camel):
    cases: list[AuditCaseSummary]
    next: str | None = None


class ItemDecisionIn(CamelIn):
    decision: Literal["VERIFIED", "REJECTED"]
    points: Annotated[Decimal, Field(ge=0, le=1000, max_digits=7, decimal_places=2)] | None = None
    reason: Annotated[str, StringConstraints(max_length=500), PARAGRAPHS] = ""


class ExtensionIn(CamelIn):
    days: Annotated[int, Field(ge=1, le=365)]
    reason: Reason


class CaseDecisionIn(CamelIn):
    outcome: Literal["FAILED"]
    reason: Reason

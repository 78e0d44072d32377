"""Values shared by decisions: every decision names the rules it applied (R24)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Reason(Frozen):
    """Why: `Reason(rule="R21", code="FEE_UNPAID", message="...", since=date)`."""

    rule: str
    code: str
    message: str
    since: date | None = None


class ActionKind(StrEnum):
    PAY_INVOICE = "PAY_INVOICE"
    RECORD_POINTS = "RECORD_POINTS"
    RECERTIFY = "RECERTIFY"
    UPLOAD_AUDIT_DOCUMENTS = "UPLOAD_AUDIT_DOCUMENTS"


class NextAction(Frozen):
    """R24: what the member can do next (pay invoice X, record N points by D, recertify)."""

    kind: ActionKind
    rule: str
    message: str
    invoice_id: str | None = None
    amount: Decimal | None = None
    points: Decimal | None = None
    by: date | None = None
    routes: tuple[str, ...] = ()
    case_id: str | None = None

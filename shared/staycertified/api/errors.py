"""Error answers: one shape for every 4xx, `{"code", "message", "errors": [...]}`.

- `RuleViolations` / `DomainError` (something the caller can fix) → 422, every
  failed rule listed with its id and stable code (STYLE §4).
- request validation (wrong types, missing fields) → 400 `VALIDATION_FAILED`; free
  text refused for one reason only → 400 `TEXT_NOT_PRINTABLE` / `TEXT_BLANK`.
- a body that is not plain, bounded JSON → 400 `BODY_NOT_UTF8`, `BODY_TOO_DEEP`,
  `NUMBER_TOO_LONG`, or `VALIDATION_FAILED` with item `BODY_NOT_JSON` when it is
  simply malformed (`staycertified.body`), on every route.
- a member the caller may not read answers exactly like an unknown one → 404
  `NOT_FOUND` (R37, R38): same status, same body.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from staycertified import body, refusals, text
from staycertified.domain.errors import DomainError, RuleViolations

NOT_FOUND = refusals.NOT_FOUND
VALIDATION_FAILED = "VALIDATION_FAILED"
UNAUTHORIZED = "UNAUTHORIZED"
FORBIDDEN = "FORBIDDEN"
CONFLICT = refusals.IDEMPOTENCY_KEY_REUSED
NOT_IMPLEMENTED = "NOT_IMPLEMENTED"


# The HTTP status of each stable code the use-cases refuse with outside `DomainError`
# (`staycertified.refusals.Refused`, the payments' refusals included); a code not
# listed here answers 422.
STATUS_BY_CODE = {
    VALIDATION_FAILED: 400,
    NOT_FOUND: 404,
    CONFLICT: 409,
    refusals.ATTESTATION_ALREADY_FILED: 409,
    # a body that is not plain, bounded JSON
    **{code: 400 for code in body.CODES},
    # free text that cannot be shown as it was meant (staycertified.text)
    **{code: 400 for code in text.CODES},
    "INVOICE_NOT_FOUND": 404,
    "CERTIFICATION_NOT_FOUND": 404,
    "INVOICE_ALREADY_PAID": 409,
    "INVOICE_VOID": 409,
    "PAYMENT_ID_REUSED": 409,
    "WRONG_AMOUNT": 422,
    "FEE_NOT_REFUNDABLE": 422,
    "PAID_AT_IMPLAUSIBLE": 422,
    # recertification applications (staycertified.recertification.applications)
    "APPLICATION_ALREADY_OPEN": 409,
    "APPLICATION_NOT_SUBMITTABLE": 409,
    "NO_DECISION_PENDING": 409,
    # the exam vendor's results (staycertified.recertification.exam)
    "AUTHORIZATION_NOT_FOUND": 404,
    "NOT_AWAITING_EXAM_RESULT": 409,
    "ATTEMPT_ID_REUSED": 409,
    "ATTEMPT_OUTSIDE_AUTHORIZATION": 422,
}


def status_of(code: str) -> int:
    return STATUS_BY_CODE.get(code, 422)


class ApiError(Exception):
    """An answer other than 2xx, raised from a route and rendered by the resolver."""

    def __init__(
        self, status: int, code: str, message: str, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "errors": self.errors}

    def json(self) -> str:
        return json.dumps(self.body())


def not_found(what: str = "member") -> ApiError:
    """The one answer for "unknown" and "not yours" (no oracle for ids, R37/R38)."""
    return ApiError(404, NOT_FOUND, f"No such {what}.")


def from_refusal(refusal: refusals.Refused) -> ApiError:
    """A use-case's refusal: the status its code maps to, every reason listed."""
    items = [{"rule": r.rule, "code": r.code, "message": r.message} for r in refusal.reasons]
    return ApiError(status_of(refusal.code), refusal.code, refusal.message, items)


@contextlib.contextmanager
def answered() -> Iterator[None]:
    """A use-case's refusal raised inside as its HTTP answer (`from_refusal`)."""
    try:
        yield
    except refusals.Refused as refusal:
        raise from_refusal(refusal) from None


def from_domain(error: DomainError) -> ApiError:
    items = error.errors if isinstance(error, RuleViolations) else (error,)
    return ApiError(
        422,
        error.code,
        "; ".join(e.message for e in items),
        [{"rule": e.rule, "code": e.code, "message": e.message} for e in items],
    )


def from_validation(errors: list[dict[str, Any]]) -> ApiError:
    """Pydantic/Powertools validation errors, without echoing the input back."""
    items = []
    for error in errors:
        loc = ".".join(str(part) for part in error.get("loc", ()))
        code = str(error.get("type", "invalid")).upper()
        items.append({"rule": "", "code": code, "message": f"{loc}: {error.get('msg', 'invalid')}"})
    # free text refused for one reason only: that reason is the answer's code
    codes = {item["code"] for item in items}
    code = codes.pop() if len(codes) == 1 and codes <= set(text.CODES) else VALIDATION_FAILED
    return ApiError(400, code, "The request is not valid.", items)

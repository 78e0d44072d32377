"""Domain errors with stable codes (STYLE.md §4).

A `DomainError` is something the member (or staff) can fix; the API maps it to a
4xx answer carrying `code`. `RuleViolations` carries several at once, so one
answer lists EVERY failed code rather than the first (R10-R14, R29).
"""

from __future__ import annotations

from collections.abc import Iterable

# Stable codes. Other capabilities match on these strings; never rename one.
ACTIVITY_BEFORE_CYCLE_START = "ACTIVITY_BEFORE_CYCLE_START"  # R12
ACTIVITY_AFTER_CYCLE_END = "ACTIVITY_AFTER_CYCLE_END"  # R12 (recording into a past cycle)
ACTIVITY_IN_FUTURE = "ACTIVITY_IN_FUTURE"  # R12
ACTIVITY_DATE_MISSING = "ACTIVITY_DATE_MISSING"  # R12
ACTIVITY_PERIOD_INVALID = "ACTIVITY_PERIOD_INVALID"  # R14
INVALID_CATEGORY = "INVALID_CATEGORY"  # R10
INVALID_UNIT = "INVALID_UNIT"  # R11
INVALID_QUANTITY = "INVALID_QUANTITY"  # R11
NOT_FIRST_DELIVERY = "NOT_FIRST_DELIVERY"  # R11
QUALIFICATION_NOT_AFFIRMED = "QUALIFICATION_NOT_AFFIRMED"  # R10
UNKNOWN_CERTIFICATION = "UNKNOWN_CERTIFICATION"  # R1
FEE_NOT_CONFIGURED = "FEE_NOT_CONFIGURED"  # R1
FEE_NOT_REFUNDABLE = "FEE_NOT_REFUNDABLE"  # R6
EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020 = "EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020"  # R14
ATTESTATION_AFTER_CYCLE_END = "ATTESTATION_AFTER_CYCLE_END"  # R18
ATTESTATION_BEFORE_CYCLE_START = "ATTESTATION_BEFORE_CYCLE_START"  # R18
EXAM_NOT_VALID_FOR_CCP = "EXAM_NOT_VALID_FOR_CCP"  # R19
DOCUMENT_UPLOAD_NOT_ALLOWED = "DOCUMENT_UPLOAD_NOT_ALLOWED"  # R15
DOCUMENT_DEADLINE_PASSED = "DOCUMENT_DEADLINE_PASSED"  # R15, R27
DOCUMENT_ITEM_UNKNOWN = "DOCUMENT_ITEM_UNKNOWN"  # R15, R27
DOCUMENT_TYPE_NOT_ACCEPTED = "DOCUMENT_TYPE_NOT_ACCEPTED"  # R15
DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE"  # R15
DOCUMENT_EMPTY = "DOCUMENT_EMPTY"  # R15
DOCUMENT_REJECTED = "DOCUMENT_REJECTED"  # R15
DOCUMENT_GRANT_EXPIRED = "DOCUMENT_GRANT_EXPIRED"  # R15
RECERT_BY_EXAM_REQUIRED = "RECERT_BY_EXAM_REQUIRED"  # R23
WRONG_AMOUNT = "WRONG_AMOUNT"  # R6/R7
INVOICE_ALREADY_PAID = "INVOICE_ALREADY_PAID"  # R7
INVOICE_VOID = "INVOICE_VOID"  # R7
NOT_AN_INVOICE_MONTH = "NOT_AN_INVOICE_MONTH"  # R3
POLICY_NOT_IN_FORCE = "POLICY_NOT_IN_FORCE"  # R2
# Warnings: the request succeeded, and the answer says what the member should know.
ACTIVITY_POSSIBLE_DUPLICATE = "ACTIVITY_POSSIBLE_DUPLICATE"  # R13 (recorded anyway)
QUANTITY_ROUNDED_DOWN = "QUANTITY_ROUNDED_DOWN"  # R11 (recorded as rounded)


class DomainError(Exception):
    """One broken rule, with a stable `code`, a human message and the rule id."""

    def __init__(self, code: str, message: str, rule: str) -> None:
        super().__init__(f"{code} ({rule}): {message}")
        self.code = code
        self.message = message
        self.rule = rule

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "rule": self.rule}


class RuleViolations(DomainError):
    """Several broken rules at once; `code` is the first, `errors` lists them all."""

    def __init__(self, errors: Iterable[DomainError]) -> None:
        self.errors: tuple[DomainError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("RuleViolations needs at least one error")
        first = self.errors[0]
        super().__init__(first.code, "; ".join(e.message for e in self.errors), first.rule)

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]


def raise_all(errors: Iterable[DomainError]) -> None:
    """Raise `RuleViolations` when `errors` is not empty."""
    collected = list(errors)
    if collected:
        raise RuleViolations(collected)

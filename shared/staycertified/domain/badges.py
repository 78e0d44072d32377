"""Credly badge decisions (R36); the Credly calls themselves belong to the badges adapter."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from staycertified.domain.decisions import Frozen
from staycertified.domain.model import Certification, Cycle


class BadgeEvent(StrEnum):
    ACTIVATED = "ACTIVATED"  # initial certification or recertification (R33)
    PAYMENT = "PAYMENT"
    ROLLOVER = "ROLLOVER"
    RECERTIFICATION_REQUIRED = "RECERTIFICATION_REQUIRED"


class BadgeAction(StrEnum):
    ISSUE = "ISSUE"
    REPLACE = "REPLACE"
    REVOKE = "REVOKE"


class BadgeDecision(Frozen):
    """What to ask Credly, keyed for idempotency on (certification, event)."""

    certificate_number: str
    event: BadgeEvent
    action: BadgeAction
    idempotency_key: str
    expires_on: date | None = None
    reason: str | None = None
    rules: tuple[str, ...] = ("R36",)


def badge_expiry(paid_through: date, current_cycle: Cycle) -> date:
    """R36: the earlier of paid_through and the current cycle's end."""
    return min(paid_through, current_cycle.end)


def badge_decision(
    certification: Certification,
    event: BadgeEvent,
    event_id: str,
    paid_through: date,
    current_cycle: Cycle,
    reason: str | None = None,
) -> BadgeDecision:
    """R36: issue on activation, replace on payment or rollover, revoke on
    RECERTIFICATION_REQUIRED. `event_id` distinguishes events of the same kind
    (the payment id, the cycle end, the recertification date)."""
    key = f"{certification.certificate_number}:{event}:{event_id}"
    if event == BadgeEvent.RECERTIFICATION_REQUIRED:
        return BadgeDecision(
            certificate_number=certification.certificate_number,
            event=event,
            action=BadgeAction.REVOKE,
            idempotency_key=key,
            reason=reason or "recertification required",
        )
    action = BadgeAction.ISSUE if event == BadgeEvent.ACTIVATED else BadgeAction.REPLACE
    return BadgeDecision(
        certificate_number=certification.certificate_number,
        event=event,
        action=action,
        idempotency_key=key,
        expires_on=badge_expiry(paid_through, current_cycle),
        reason=reason,
    )

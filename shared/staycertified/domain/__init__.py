"""Pure rules of DOMAIN.md: no boto3, no I/O, no clock ("today" is an argument, R40).

Importing this package is cheap: the entry points below load their module on first
use (PEP 562), so a Lambda that needs only `model` does not pay for the rest.

    from staycertified.domain import evaluate_standing, DomainError
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "DomainError": "errors",
    "RuleViolations": "errors",
    "Reason": "decisions",
    "NextAction": "decisions",
    "ccp_duty": "ccp",
    "cycle_bounds": "cycles",
    "cycle_containing": "cycles",
    "current_cycle": "cycles",
    "cycles_ended_in_month": "cycles",
    "ActivityDraft": "activities",
    "assess_activity": "activities",
    "record_activity": "activities",
    "tally_points": "compliance",
    "cycle_compliance": "compliance",
    "decide_rollover": "compliance",
    "check_attestation": "compliance",
    "evaluate_standing": "standing",
    "StandingDecision": "standing",
    "public_verification": "standing",
    "renewal_steps_due": "notices",
    "still_due": "notices",
    "ccp_notice_due": "notices",
    "make_invoice": "invoicing",
    "apply_payment": "invoicing",
    "fee_years": "invoicing",
    "membership_year_due_in": "invoicing",
    "audit_pool": "audit",
    "draw_sample": "audit",
    "open_case": "audit",
    "check_ccp_application": "recertification",
    "apply_recertification": "recertification",
    "check_upload_allowed": "recertification",
    "evaluate_eligibility": "eligibility",
    "badge_decision": "badges",
}

__all__ = [
    "ActivityDraft",
    "DomainError",
    "NextAction",
    "Reason",
    "RuleViolations",
    "StandingDecision",
    "apply_payment",
    "apply_recertification",
    "assess_activity",
    "audit_pool",
    "badge_decision",
    "ccp_duty",
    "ccp_notice_due",
    "check_attestation",
    "check_ccp_application",
    "check_upload_allowed",
    "current_cycle",
    "cycle_bounds",
    "cycle_compliance",
    "cycle_containing",
    "cycles_ended_in_month",
    "decide_rollover",
    "draw_sample",
    "evaluate_eligibility",
    "evaluate_standing",
    "fee_years",
    "make_invoice",
    "membership_year_due_in",
    "open_case",
    "public_verification",
    "record_activity",
    "renewal_steps_due",
    "still_due",
    "tally_points",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.activities import ActivityDraft, assess_activity, record_activity
    from staycertified.domain.audit import audit_pool, draw_sample, open_case
    from staycertified.domain.badges import badge_decision
    from staycertified.domain.ccp import ccp_duty
    from staycertified.domain.compliance import (
        check_attestation,
        cycle_compliance,
        decide_rollover,
        tally_points,
    )
    from staycertified.domain.cycles import (
        current_cycle,
        cycle_bounds,
        cycle_containing,
        cycles_ended_in_month,
    )
    from staycertified.domain.decisions import NextAction, Reason
    from staycertified.domain.eligibility import evaluate_eligibility
    from staycertified.domain.errors import DomainError, RuleViolations
    from staycertified.domain.invoicing import (
        apply_payment,
        fee_years,
        make_invoice,
        membership_year_due_in,
    )
    from staycertified.domain.notices import ccp_notice_due, renewal_steps_due, still_due
    from staycertified.domain.recertification import (
        apply_recertification,
        check_ccp_application,
        check_upload_allowed,
    )
    from staycertified.domain.standing import (
        StandingDecision,
        evaluate_standing,
        public_verification,
    )

"""Who must do CCP (R8)."""

from __future__ import annotations

from datetime import date

from staycertified.domain.model import CcpDuty, Certification

MANDATORY_IF_CERTIFIED_FROM = date(2006, 1, 1)  # R8
MANDATORY_IF_RECERTIFIED_FROM = date(2014, 4, 1)  # R8


def ccp_duty(certification: Certification) -> CcpDuty:
    """R8: mandatory when first certified on/after 2006-01-01 or recertified on/after
    2014-04-01; otherwise voluntary (points tracked, never lapse)."""
    if certification.certified_on >= MANDATORY_IF_CERTIFIED_FROM:
        return CcpDuty.MANDATORY
    recertified = certification.recertified_on
    if recertified is not None and recertified >= MANDATORY_IF_RECERTIFIED_FROM:
        return CcpDuty.MANDATORY
    return CcpDuty.VOLUNTARY


def is_mandatory(certification: Certification) -> bool:
    return ccp_duty(certification) == CcpDuty.MANDATORY

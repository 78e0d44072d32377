"""R8: who must do CCP."""

from __future__ import annotations

from datetime import date

import pytest

from staycertified.domain.ccp import ccp_duty, is_mandatory
from staycertified.domain.model import CcpDuty

from .builders import cert

D = date


@pytest.mark.parametrize(
    ("certified_on", "recertified_on", "duty"),
    [
        (D(2005, 12, 31), None, CcpDuty.VOLUNTARY),
        (D(2006, 1, 1), None, CcpDuty.MANDATORY),
        (D(2005, 12, 31), D(2014, 3, 31), CcpDuty.VOLUNTARY),
        (D(2005, 12, 31), D(2014, 4, 1), CcpDuty.MANDATORY),
        (D(2006, 1, 1), D(2010, 1, 1), CcpDuty.MANDATORY),
    ],
)
def test_r8_ccp_duty_at_the_2006_and_2014_boundaries(certified_on, recertified_on, duty) -> None:
    c = cert(certified_on, recertified_on=recertified_on)
    assert ccp_duty(c) == duty
    assert is_mandatory(c) is (duty == CcpDuty.MANDATORY)

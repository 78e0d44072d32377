"""The entities' small helpers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from staycertified.domain.model import Category, Member, PostalAddress

from .builders import activity, attestation


def test_postal_address_lines_for_a_letter() -> None:
    us = PostalAddress(line1="1 Main St", city="Chicago", state="IL", postal_code="60601")
    assert us.lines("Ana Lopez") == ["Ana Lopez", "1 Main St", "Chicago, IL 60601"]
    abroad = PostalAddress(
        line1="2 Rue", line2="Apt 3", city="Paris", state="", postal_code="75001", country="FR"
    )
    assert abroad.lines("Ana") == ["Ana", "2 Rue", "Apt 3", "Paris,  75001", "FR"]
    assert Member(member_id="M", first_name="Ana", last_name="Lopez").full_name == "Ana Lopez"


def test_activity_effective_date_needs_a_date() -> None:
    undated = activity(date(2020, 1, 1)).model_copy(update={"completed_on": None})
    with pytest.raises(ValueError):
        _ = undated.effective_date


def test_attestation_total_points() -> None:
    signed = attestation(date(2020, 1, 1), date(2020, 2, 1), points=12)
    both = signed.model_copy(
        update={
            "points_by_category": {**signed.points_by_category, Category.AUTHORSHIP: Decimal(5)}
        }
    )
    assert both.total_points == 17

"""The domain events' catalog against docs/events.md, and their stable ids."""

from __future__ import annotations

from datetime import date

import pytest
from events_doc import documented_events

from staycertified.events import catalog

COMMON, DOCUMENTED = documented_events()


def test_every_detail_type_is_documented_and_nothing_else_is() -> None:
    assert set(DOCUMENTED) == {t.value for t in catalog.DetailType}


@pytest.mark.parametrize("detail_type", list(catalog.DetailType), ids=str)
def test_documented_fields_are_exactly_the_schema(detail_type: catalog.DetailType) -> None:
    schema = catalog.SCHEMAS[detail_type]
    aliases = {f.alias or name for name, f in schema.model_fields.items()}
    assert DOCUMENTED[detail_type.value].fields == aliases


@pytest.mark.parametrize("detail_type", list(catalog.DetailType), ids=str)
def test_each_documented_example_is_a_valid_event(detail_type: catalog.DetailType) -> None:
    [example] = DOCUMENTED[detail_type.value].examples
    assert example["source"] == catalog.SOURCE
    assert example["detail-type"] == detail_type.value
    catalog.parse_detail(example["detail-type"], example["detail"])


def test_a_detail_with_an_undocumented_field_is_refused() -> None:
    [example] = DOCUMENTED["FeePaid"].examples
    with pytest.raises(ValueError):
        catalog.parse_detail("FeePaid", {**example["detail"], "email": "x@example.org"})


def test_the_same_change_always_has_the_same_event_id_and_another_change_another() -> None:
    def paid(payment_id: str) -> catalog.DomainEvent:
        return catalog.fee_paid(
            member_id="M1",
            certificate_number="RMA-1",
            payment_id=payment_id,
            invoice_id="INV-RMA-1-2026",
            membership_year=2026,
            paid_through=date(2027, 2, 28),
            occurred_on=date(2026, 2, 1),
        )

    assert paid("pay_1").event_id == paid("pay_1").event_id
    assert paid("pay_1").event_id != paid("pay_2").event_id


def test_r22_events_name_the_clause_from_the_initial_certification_date() -> None:
    def required(certified_on: date, reason: catalog.RecertificationReason) -> str:
        event = catalog.recertification_required(
            member_id="M1",
            certificate_number="RMA-1",
            reason=reason,
            certified_on=certified_on,
            since=date(2026, 4, 1),
            occurred_on=date(2026, 4, 1),
        )
        return event.detail_json()["rule"]

    assert required(date(2006, 1, 1), "OBLIGATION_UNMET_3_YEARS") == "R22.1"
    assert required(date(2005, 12, 31), "OBLIGATION_UNMET_3_YEARS") == "R22.2"
    assert required(date(2010, 5, 1), "AUDIT_FAILED") == "R22.3"

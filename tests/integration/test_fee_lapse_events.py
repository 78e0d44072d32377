"""R21 fee lapses are domain events: the daily sweep records a certification lapsed
for an unpaid fee once, with its CertificationLapsed (FEE_UNPAID) event in the same
transaction (docs/events.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key
from events_doc import documented_events

from staycertified.events import catalog
from staycertified_sandbox import Sandbox

from .renewal_support import invoke, row, webhook

pytestmark = pytest.mark.slow

UNPAID, PAID, LATE = "FL1", "FL2", "FL3"


def _row(member_id: str) -> dict[str, str]:
    return row(member_id, f"RMA-{member_id}", "RMA", "2024-03-15")


@pytest.fixture(scope="module")
def spring() -> Iterator[Sandbox]:
    """Three RMA certifications due 2026-03-31: FL1 never pays, FL2 pays in March,
    FL3 pays on 2026-04-03, after it lapsed."""
    with Sandbox(start=date(2026, 1, 1)) as sb:
        assert not sb.load_members([_row(UNPAID), _row(PAID), _row(LATE)]).errors
        sb.advance_to(date(2026, 3, 10))
        assert webhook(sb, _payment(PAID))[0] == 200
        sb.advance_to(date(2026, 4, 2))
        assert webhook(sb, _payment(LATE))[0] == 200
        sb.advance_to(date(2026, 4, 20))
        assert not sb.failures, [(f.function, f.error_message) for f in sb.failures]
        yield sb


def _payment(member_id: str) -> dict[str, str]:
    return {
        "type": "payment.succeeded",
        "paymentId": f"pay_{member_id}_2026",
        "invoiceId": f"INV-RMA-{member_id}-2026",
        "amount": "50.00",
        "currency": "USD",
    }


def _lapses(sb: Sandbox) -> list[dict[str, Any]]:
    return [
        e["detail"]
        for e in sb.domain_events
        if e["detail-type"] == "CertificationLapsed" and e["detail"]["reason"] == "FEE_UNPAID"
    ]


def test_r21_a_fee_unpaid_after_its_due_month_publishes_certification_lapsed_once(
    spring: Sandbox,
) -> None:
    lapsed = {e["certificateNumber"]: e for e in _lapses(spring)}
    assert len(_lapses(spring)) == len(lapsed)  # once each, over 20 daily sweeps
    assert lapsed[f"RMA-{UNPAID}"]["since"] == "2026-04-01"
    assert lapsed[f"RMA-{UNPAID}"]["memberId"] == UNPAID


def test_r21_a_fee_paid_in_its_due_month_lapses_nothing(spring: Sandbox) -> None:
    assert f"RMA-{PAID}" not in {e["certificateNumber"] for e in _lapses(spring)}


def test_r21_a_fee_paid_after_it_lapsed_keeps_the_lapse_it_caused(spring: Sandbox) -> None:
    [late] = [e for e in _lapses(spring) if e["certificateNumber"] == f"RMA-{LATE}"]
    assert late["since"] == "2026-04-01"


def test_r21_the_lapse_is_recorded_with_its_event(spring: Sandbox) -> None:
    items = spring.table.query(
        KeyConditionExpression=Key("PK").eq(f"MEMBER#{UNPAID}")
        & Key("SK").begins_with(f"CERT#RMA-{UNPAID}#LAPSE#")
    )["Items"]
    [event] = [e for e in _lapses(spring) if e["certificateNumber"] == f"RMA-{UNPAID}"]
    assert [(i["since"], i["reason"], i["event_id"]) for i in items] == [
        ("2026-04-01", "FEE_UNPAID", event["eventId"])
    ]
    assert items[0]["invoice_id"] == f"INV-RMA-{UNPAID}-2026"


def test_r21_a_rerun_of_the_lapse_day_records_and_publishes_nothing_more(
    spring: Sandbox,
) -> None:
    """Given the sweep's watermark removed (as if the day's run died before recording it),
    when the lapse day runs again, then its conditional writes change nothing."""
    watermark = {"PK": "LIFECYCLE", "SK": "LAST_SWEEP"}
    saved = spring.table.get_item(Key=watermark)["Item"]
    outbox_before = spring.outbox_table.scan(Select="COUNT")["Count"]
    spring.table.delete_item(Key=watermark)
    try:
        report = invoke(spring, "LifecycleSweepFunction", {"scheduledTime": "2026-04-01T13:00:00Z"})
    finally:
        spring.table.put_item(Item=saved)
    assert report["day"] == "2026-04-01" and report["lapsed_for_fees"] == 0
    assert spring.outbox_table.scan(Select="COUNT")["Count"] == outbox_before


def test_every_event_published_here_matches_docs_events_md(spring: Sandbox) -> None:
    sb = spring
    _, documented = documented_events()
    assert sb.domain_events
    for event in sb.domain_events:
        assert event["detail-type"] in documented
        assert set(event["detail"]) <= documented[event["detail-type"]].fields
        catalog.parse_detail(event["detail-type"], event["detail"])

"""Domain events in the sandbox: published with the change, once, documented
(docs/events.md; R7, R16, R21, R22, R36).

One year of a few members, the events read from the domain bus as EventBridge
delivered them (`Sandbox.domain_events`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from events_doc import documented_events

from staycertified.events import catalog
from staycertified_sandbox import Sandbox

from .renewal_support import row, webhook

pytestmark = pytest.mark.slow


def _row(member_id: str, number: str, certified_on: str, **overrides: str) -> dict[str, str]:
    return {**row(member_id, number, "RMA", certified_on), **overrides}


@pytest.fixture(scope="module")
def year() -> Iterator[Sandbox]:
    """2026 for: E1 compliant (rolls over 2026-02-10), E2 without points (lapses for
    points 2026-02-10), E3 owing fees since 2023 (R22 on 2026-06-01), E4 imported
    without activation events; E1 pays its 2026 fee in February."""
    with Sandbox(start=date(2026, 1, 1)) as sb:
        report = sb.load_members(
            [
                _row("E1", "RMA-E1", "2023-02-10"),
                _row("E2", "RMA-E2", "2023-02-10", cycle_points=""),
                _row("E3", "RMA-E3", "2019-05-10", paid_through="2023-05-31", cycle_points=""),
            ]
        )
        assert not report.errors
        assert not sb.load_members(
            [_row("E4", "RMA-E4", "2024-07-01")], activation_events=False
        ).errors
        sb.advance_to(date(2026, 2, 12))
        payment = {
            "type": "payment.succeeded",
            "paymentId": "pay_E1_2026",
            "invoiceId": "INV-RMA-E1-2026",
            "amount": "50.00",
            "currency": "USD",
        }
        assert webhook(sb, payment)[0] == 200
        assert webhook(sb, payment)[0] == 200  # the same payment again (R7): no second event
        sb.advance_to(date(2026, 6, 2))
        assert not sb.failures, [(f.function, f.error_message) for f in sb.failures]
        yield sb


def _of(sb: Sandbox, detail_type: str) -> list[dict[str, Any]]:
    return [e["detail"] for e in sb.domain_events if e["detail-type"] == detail_type]


def test_every_published_event_matches_docs_events_md(year: Sandbox) -> None:
    _, documented = documented_events()
    assert year.domain_events
    for event in year.domain_events:
        assert event["source"] == catalog.SOURCE
        assert event["detail-type"] in documented
        assert set(event["detail"]) <= documented[event["detail-type"]].fields
        catalog.parse_detail(event["detail-type"], event["detail"])


def test_each_change_is_published_once(year: Sandbox) -> None:
    ids = Counter(e["detail"]["eventId"] for e in year.domain_events)
    assert ids and max(ids.values()) == 1


def test_r36_the_importer_publishes_an_activation_for_each_active_certification_only(
    year: Sandbox,
) -> None:
    activated = {e["certificateNumber"]: e for e in _of(year, "CertificationActivated")}
    assert set(activated) == {"RMA-E1", "RMA-E2"}  # E3 owes fees; E4 imported with events off
    assert activated["RMA-E1"]["reason"] == "IMPORTED"
    assert activated["RMA-E1"]["activatedOn"] == "2023-02-10"


def test_r7_a_payment_publishes_fee_paid_once_with_the_new_paid_through(year: Sandbox) -> None:
    [paid] = _of(year, "FeePaid")
    assert (paid["certificateNumber"], paid["paymentId"]) == ("RMA-E1", "pay_E1_2026")
    assert paid["paidThrough"] == "2027-02-28"


def test_r16_a_compliant_cycle_end_publishes_cycle_rolled_over(year: Sandbox) -> None:
    [rolled] = _of(year, "CycleRolledOver")
    assert rolled["certificateNumber"] == "RMA-E1"
    assert (rolled["cycleStart"], rolled["cycleEnd"]) == ("2023-02-10", "2026-02-09")
    assert rolled["advancedOn"] == "2026-02-10"


def test_r21_a_mandatory_cycle_ended_without_points_publishes_a_lapse(year: Sandbox) -> None:
    [lapsed] = _of(year, "CertificationLapsed")
    assert (lapsed["certificateNumber"], lapsed["reason"]) == ("RMA-E2", "CCP_POINTS_MISSING")
    assert lapsed["since"] == "2026-02-10"


def test_r22_recertification_required_is_published_with_its_clause(year: Sandbox) -> None:
    [required] = _of(year, "RecertificationRequired")
    assert required["certificateNumber"] == "RMA-E3"
    assert (required["reason"], required["rule"]) == ("OBLIGATION_UNMET_3_YEARS", "R22.1")


def test_nothing_stays_pending_in_the_outbox(year: Sandbox) -> None:
    pending = year.outbox_table.query(
        IndexName="Pending",
        KeyConditionExpression="#p = :p",
        ExpressionAttributeNames={"#p": "pending"},
        ExpressionAttributeValues={":p": "PENDING"},
    )["Items"]
    assert pending == []

"""A certification first granted (the intake of the body's new certifications) is
written once, in one transaction with its CertificationActivated (INITIAL) event,
and gets its Credly badge (R36, docs/events.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from events_doc import documented_events

from staycertified.events import catalog
from staycertified_sandbox import Sandbox

from .renewal_support import row

pytestmark = pytest.mark.slow


def _new(member_id: str, number: str, kind: str = "RMA", **overrides: str) -> dict[str, str]:
    return {**row(member_id, number, kind, "2026-01-04"), "cycle_points": "", **overrides}


INTAKE = [
    _new("N1", "RMA-N1"),
    # an existing member's second certification, the intake file's email out of date
    _new("OLD1", "RPT-OLD1", "RPT", email="stale@example.com"),
    _new("N2", "RMA-N2", paid_through="2027-01-31"),  # not a new certification
]


@pytest.fixture(scope="module")
def granted() -> Iterator[tuple[Sandbox, Any, Any]]:
    with Sandbox(start=date(2026, 1, 5)) as sb:
        assert not sb.load_members([row("OLD1", "RMA-OLD1", "RMA", "2023-02-10")]).errors
        first = sb.load_members(INTAKE, new_certifications=True)
        again = sb.load_members(INTAKE, new_certifications=True)
        sb.advance_to(date(2026, 1, 6))
        assert not sb.failures, [(f.function, f.error_message) for f in sb.failures]
        yield sb, first, again


def _initial(sb: Sandbox) -> list[dict[str, Any]]:
    return [
        e["detail"]
        for e in sb.domain_events
        if e["detail-type"] == "CertificationActivated" and e["detail"]["reason"] == "INITIAL"
    ]


def test_r36_a_new_certification_publishes_certification_activated_initial_once(
    granted: tuple[Sandbox, Any, Any],
) -> None:
    sb, first, _ = granted
    assert (first.imported, first.activations) == (2, 2)
    events = {e["certificateNumber"]: e for e in _initial(sb)}
    assert len(_initial(sb)) == len(events) == 2
    assert events["RMA-N1"]["activatedOn"] == "2026-01-04"
    assert events["RPT-OLD1"]["memberId"] == "OLD1"


def test_r36_a_new_certification_gets_its_badge(granted: tuple[Sandbox, Any, Any]) -> None:
    sb, _, _ = granted
    [badge] = [b for b in sb.badges if b.certificate_number == "RMA-N1"]
    assert badge.state == "ISSUED"
    assert badge.recipient_email == "n1@example.com"
    assert badge.expires_at == date(2027, 1, 31)  # R36: the first due date, before the cycle end


def test_rerunning_the_intake_changes_nothing(granted: tuple[Sandbox, Any, Any]) -> None:
    sb, _, again = granted
    assert again.imported == again.activations == 0
    assert {w.code for w in again.warnings} == {"CERTIFICATION_EXISTS"}
    assert len([b for b in sb.badges if b.certificate_number == "RMA-N1"]) == 1


def test_a_row_that_is_not_a_new_certification_is_refused(
    granted: tuple[Sandbox, Any, Any],
) -> None:
    sb, first, _ = granted
    assert [(e.line, e.code) for e in first.errors] == [(4, "NOT_A_NEW_CERTIFICATION")]
    assert sb.table.get_item(Key={"PK": "MEMBER#N2", "SK": "CERT#RMA-N2"}).get("Item") is None


def test_an_existing_members_profile_is_kept(granted: tuple[Sandbox, Any, Any]) -> None:
    sb, _, _ = granted
    status, body = sb.api("GET", "/members/OLD1/status", as_member="OLD1")
    assert status == 200
    assert {c["certificateNumber"] for c in body["certifications"]} == {"RMA-OLD1", "RPT-OLD1"}
    status, contact = sb.api("GET", "/members/OLD1/contact", as_member="OLD1")
    assert (status, contact["email"]) == (200, "old1@example.com")


def test_every_event_published_here_matches_docs_events_md(
    granted: tuple[Sandbox, Any, Any],
) -> None:
    sb = granted[0]
    _, documented = documented_events()
    assert sb.domain_events
    for event in sb.domain_events:
        assert event["detail-type"] in documented
        assert set(event["detail"]) <= documented[event["detail-type"]].fields
        catalog.parse_detail(event["detail-type"], event["detail"])

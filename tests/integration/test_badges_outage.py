"""Credly answering 500 for a while: every badge call lands exactly once after it
recovers (R36); the failed calls are visible to staff meanwhile (`GET /staff/badge-calls`)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from staycertified.store import badges as badge_store
from staycertified_sandbox import Sandbox

from .renewal_support import row

pytestmark = pytest.mark.slow

ATTEMPTS = 4  # CredlySettings.attempts


def test_a_credly_outage_is_ridden_out_and_every_call_lands_once() -> None:
    with Sandbox(start=date(2026, 1, 1)) as sb:
        assert sb.credly is not None
        sb.credly.fail_next(3 * ATTEMPTS, status=500)  # every attempt of the 3 issues
        rows = [row(f"O{n}", f"RMA-O{n}", "RMA", "2024-06-01") for n in range(3)]
        assert not sb.load_members(rows).errors
        assert sb.badges == []
        failed = badge_store.open_calls(sb.table)
        assert [(c.state.value, c.error) for c in failed] == [("FAILED", "CREDLY_500")] * 3
        assert Counter(f.error_type for f in sb.failures) == {"BadgeCallFailed": 3}
        status, listed = sb.api("GET", "/staff/badge-calls", as_staff="alice")
        assert status == 200 and listed["more"] is False
        assert sorted(
            (c["certificateNumber"], c["state"], c["error"]) for c in listed["calls"]
        ) == [(f"RMA-O{n}", "FAILED", "CREDLY_500") for n in range(3)]
        assert {c["eventType"] for c in listed["calls"]} == {"CertificationActivated"}
        assert sb.api("GET", "/staff/badge-calls", as_member="O0")[0] == 403

        sb.credly.fail_next(2, status=429)  # still shaky at the retry: absorbed by backoff
        sb.advance_to(date(2026, 1, 2))  # the daily retry (03:00)
        assert Counter(b.certificate_number for b in sb.badges if b.state == "ISSUED") == {
            f"RMA-O{n}": 1 for n in range(3)
        }
        assert len(sb.badges) == 3
        assert badge_store.open_calls(sb.table) == []
        assert sb.api("GET", "/staff/badge-calls", as_staff="alice") == (
            200,
            {"calls": [], "more": False},
        )
        issued = [call for call in sb.credly.calls if call[2] == 201]
        assert len(issued) == 3

        sb.advance_to(date(2026, 1, 4))  # later retries find nothing to do
        assert len([call for call in sb.credly.calls if call[2] == 201]) == 3


def test_r36_a_member_without_email_gets_a_failed_call_staff_see_with_its_reason() -> None:
    """Not "Credly unreachable": the call cannot be made until the member has an email;
    staff see RECIPIENT_EMAIL_MISSING, and a badge is issued once the email is given."""
    with Sandbox(start=date(2026, 1, 1)) as sb:
        assert not sb.load_members(
            [row("NOMAIL", "RMA-NOMAIL", "RMA", "2024-06-01", email=False)]
        ).errors
        status, listed = sb.api("GET", "/staff/badge-calls", as_staff="alice")
        assert status == 200
        assert [(c["certificateNumber"], c["error"]) for c in listed["calls"]] == [
            ("RMA-NOMAIL", "RECIPIENT_EMAIL_MISSING")
        ]
        assert sb.credly is not None and sb.credly.calls == []  # Credly was never asked
        # nor did the event's handler fail: a retried invocation cannot find an email,
        # and a failed one ends in the dead-letter queue and pages the on-call
        assert not sb.failures, [(f.function, f.error_message) for f in sb.failures]
        patched = sb.api(
            "PATCH", "/members/NOMAIL/contact", {"email": "found@example.com"}, as_staff="alice"
        )
        assert patched[0] == 200, patched
        sb.advance_to(date(2026, 1, 2))  # the daily retry
        assert [(b.certificate_number, b.state) for b in sb.badges] == [("RMA-NOMAIL", "ISSUED")]
        assert badge_store.open_calls(sb.table) == []

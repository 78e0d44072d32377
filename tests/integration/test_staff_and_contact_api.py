"""Routes the web front needs: contact details (validated, audited), the staff
search and member record, the CCP categories the activity form offers (R10, R11)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from staycertified.policy import load_policy
from staycertified_sandbox import Sandbox

ROWS = [
    {
        "member_id": "C1",
        "first_name": "Nora",
        "last_name": "Lindqvist",
        "email": "nora@example.com",
        "address_line1": "1 Main St",
        "address_line2": "",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
        "country": "US",
        "certification_type": "RMA",
        "certificate_number": "RMA-C1",
        "certified_on": "2022-05-17",
        "recertified_on": "",
        "paid_through": "2025-05-31",
        "cycle_points": "",
    },
    {
        "member_id": "C2",
        "first_name": "Nils",
        "last_name": "Lindgren",
        "email": "",
        "address_line1": "2 Main St",
        "address_line2": "",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
        "country": "US",
        "certification_type": "MT",
        "certificate_number": "MT-C2",
        "certified_on": "2021-03-01",
        "recertified_on": "",
        "paid_through": "",
        "cycle_points": "",
    },
]


@pytest.fixture(scope="module")
def sb(sandbox: Sandbox) -> Sandbox:
    assert not sandbox.load_members(ROWS).errors
    return sandbox


def _members(answer: tuple[int, Any]) -> list[str]:
    status, body = answer
    assert status == 200, body
    return [m["memberId"] for m in body["members"]]


def test_staff_search_finds_by_last_name_prefix_full_name_email_member_id_and_certificate(
    sb: Sandbox,
) -> None:
    def search(query: str) -> list[str]:
        return _members(sb.api("GET", "/staff/members", query={"query": query}, as_staff="a"))

    assert set(search("lind")) == {"C1", "C2"}
    assert search("Lindqvist nora") == ["C1"]
    assert search("NORA@example.com") == ["C1"]
    assert search("C2") == ["C2"]
    assert search("mt-c2") == ["C2"]
    assert search("nobody") == []


def test_staff_routes_refuse_members_and_anonymous_callers(sb: Sandbox) -> None:
    assert sb.api("GET", "/staff/members", query={"query": "lind"}, as_member="C1")[0] == 403
    assert sb.api("GET", "/staff/members/C1", as_member="C1")[0] == 403
    assert sb.api("GET", "/staff/members", query={"query": "lind"})[0] == 401


def test_staff_member_record_has_standing_invoices_and_notices(sb: Sandbox) -> None:
    status, record = sb.api("GET", "/staff/members/C1", as_staff="a")
    assert status == 200, record
    assert record["contact"]["lastName"] == "Lindqvist"
    assert record["status"]["certifications"][0]["status"] == "LAPSED"
    assert [i["membershipYear"] for i in record["invoices"]] == [2025]
    assert record["notices"] == [] and record["contactChanges"] == []
    assert sb.api("GET", "/staff/members/NOPE", as_staff="a")[0] == 404


def test_contact_change_is_validated_field_by_field(sb: Sandbox) -> None:
    bad = {
        "email": "not-an-email",
        "address": {"line1": "", "city": "X", "state": "Texas", "postalCode": "787"},
    }
    status, body = sb.api("PATCH", "/members/C2/contact", bad, as_member="C2")
    assert status == 400 and body["code"] == "VALIDATION_FAILED"
    messages = " ".join(e["message"] for e in body["errors"])
    assert "body.email" in messages and "body.address.line1" in messages
    _, unchanged = sb.api("GET", "/members/C2/contact", as_member="C2")
    assert unchanged["email"] is None


def test_contact_change_is_written_with_its_audit_record_and_reindexed(sb: Sandbox) -> None:
    change = {
        "email": "nils@example.com",
        "address": {"line1": "9 New Rd", "city": "Dallas", "state": "TX", "postalCode": "75201"},
    }
    status, body = sb.api("PATCH", "/members/C2/contact", change, as_member="C2")
    assert status == 200, body
    assert body["changed"] == ["address", "email"]
    assert body["address"]["city"] == "Dallas"
    _, record = sb.api("GET", "/staff/members/C2", as_staff="a")
    assert record["contactChanges"] == [
        {"changedAt": sb.now.isoformat(), "changedBy": "MEMBER", "fields": ["address", "email"]}
    ]
    assert _members(
        sb.api("GET", "/staff/members", query={"query": "nils@example.com"}, as_staff="a")
    ) == ["C2"]
    # the same body again changes nothing and writes no second audit record
    assert sb.api("PATCH", "/members/C2/contact", change, as_member="C2")[1]["changed"] == []
    assert len(sb.api("GET", "/staff/members/C2", as_staff="a")[1]["contactChanges"]) == 1


def test_r37_a_member_cannot_read_or_change_another_members_contact(sb: Sandbox) -> None:
    assert sb.api("GET", "/members/C1/contact", as_member="C2")[0] == 404
    status, _ = sb.api("PATCH", "/members/C1/contact", {"email": "x@example.com"}, as_member="C2")
    assert status == 404
    assert sb.api("GET", "/members/C1/contact", as_member="C1")[1]["email"] == "nora@example.com"


def test_r11_ccp_categories_offer_every_policy_category_with_its_rates(sb: Sandbox) -> None:
    status, body = sb.api("GET", "/ccp/categories", as_member="C1")
    assert status == 200, body
    policy = load_policy()
    for category in body["categories"]:
        from staycertified.domain.model import Category

        rule = policy.category_rule(Category(category["category"]))
        assert category["units"] == {u.value: float(r) for u, r in rule.rates.at(sb.today).items()}
    assert len(body["categories"]) == len(policy.ccp.categories)
    assert sb.api("GET", "/ccp/categories")[0] == 401


def test_dashboard_reads_the_stored_monthly_snapshot_and_the_renewal_run_reports(
    sb: Sandbox,
) -> None:
    assert sb.api("GET", "/staff/dashboard", as_member="C1")[0] == 403
    sb.advance_to(date(2026, 2, 1))  # the renewal runs and the snapshots of Jan 1 and Feb 1
    status, body = sb.api("GET", "/staff/dashboard", as_staff="a")
    assert status == 200, body
    assert [s["asOf"] for s in body["snapshots"]] == ["2026-01-01", "2026-02-01"]
    last = body["snapshots"][-1]
    assert sum(last["standing"].values()) >= 2 and last["standing"]["LAPSED"] >= 1
    assert last["invoicesByDueMonth"]["2025-05"]["OPEN"] >= 1  # C1's unpaid 2025 fee
    assert [r["runId"] for r in body["renewalRuns"]] == ["renewals-2026-01", "renewals-2026-02"]
    reads = [c for c in sb.invocations if c.function == "ApiFunction"][-1]
    assert reads.error_type is None

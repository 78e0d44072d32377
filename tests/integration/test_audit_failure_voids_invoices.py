"""R42 after an audit failure (R22.3, R27): the daily sweep voids the member's open
renewal invoices and tells them the ways back; nobody else's invoice is touched.

A pool of 3 certified 2022-03-10 (cycle rolled over 2025-03-10: the 2026 audit
pool, R25; 5 %, at least one -> one case, opened 2026-01-02, respond by 2026-03-03). February's
renewal run issues each one's 2026 invoice (due 2026-03-31, R3). The drawn member
never answers: the case fails on 2026-03-04 (`audits.review.apply_outcome` ->
`store.cycles.record_recertification_required`, which marks the R42 work due), and
the next daily sweep voids the open invoice. Everyone else keeps an OPEN invoice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

from .renewal_support import RENEWAL_KINDS
from .scenario_support import row

POOL = [f"AV{i:03d}" for i in range(3)]


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 1), parameters={"LogLevel": "ERROR"}) as sandbox:
        assert sandbox.load_members([row(m, "2022-03-10") for m in POOL]).errors == []
        sandbox.advance_to(date(2026, 3, 3))
        sandbox.seen = {"drawn": drawn(sandbox)}  # type: ignore[attr-defined]
        sandbox.seen["before"] = invoices(sandbox, drawn(sandbox))  # type: ignore[attr-defined]
        sandbox.advance_to(date(2026, 3, 6))
        yield sandbox


def drawn(sb: Sandbox) -> str:
    key = "audits/2026/selected.json"
    body = sb.client("s3").get_object(Bucket=sb.env("MAIL_BUCKET"), Key=key)["Body"].read()
    [selected] = json.loads(body)
    return str(selected["memberId"])


def invoices(sb: Sandbox, member: str) -> dict[int, dict[str, Any]]:
    status, body = sb.api("GET", f"/members/{member}/invoices", as_member=member)
    assert status == 200, body
    return {i["membershipYear"]: i for i in body["invoices"]}


def emails_to(sb: Sandbox, member: str) -> list[str]:
    address = f"{member.lower()}.zq@members.example.org"
    return [e.kind or "" for e in sb.emails if address in e.to]


def test_r42_an_audit_failure_voids_the_open_renewal_invoices(sb: Sandbox) -> None:
    member = sb.seen["drawn"]  # type: ignore[attr-defined]
    assert sb.seen["before"][2026]["status"] == "OPEN"  # type: ignore[attr-defined]
    status, body = sb.api("GET", f"/members/{member}/status", as_member=member)
    assert status == 200, body
    [cert] = body["certifications"]
    assert cert["status"] == "RECERTIFICATION_REQUIRED"
    assert ("R22", "AUDIT_FAILED") in {(r["rule"], r["code"]) for r in cert["reasons"]}
    assert {y: i["status"] for y, i in invoices(sb, member).items()} == {2026: "VOID"}


def test_r42_after_an_audit_failure_no_renewal_notice_and_the_ways_back(sb: Sandbox) -> None:
    member = sb.seen["drawn"]  # type: ignore[attr-defined]
    kinds = emails_to(sb, member)
    assert "AUDIT_FAILED" in kinds
    assert kinds.count("RECERTIFICATION_REQUIRED") == 1
    letters = [letter for letter in sb.letters if f"Quixote{member}" in " ".join(letter.address)]
    kinds_by_mail = [letter.kind for letter in letters]
    assert "RECERTIFICATION_REQUIRED" in kinds_by_mail
    assert [k for k in kinds_by_mail if k in RENEWAL_KINDS] == ["RENEWAL_NOTICE"]  # February's


def test_r42_the_audit_failure_voids_nobody_elses_invoice(sb: Sandbox) -> None:
    member = sb.seen["drawn"]  # type: ignore[attr-defined]
    others = [m for m in POOL if m != member]
    assert [invoices(sb, m)[2026]["status"] for m in others] == ["OPEN", "OPEN"]
    assert sb.failures == []

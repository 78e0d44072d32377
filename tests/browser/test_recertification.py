"""Recertification in a real browser (R15, R23, R28-R33): the member starts an
application, drops a proof on each activity, pays the fee through the checkout and
submits; staff open the proofs inline and approve it; the member is ACTIVE again.
A member lapsed 10+ years is offered the exam only (R23); nobody else sees it."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Site, axe_violations, dump, sign_in
from .test_audit import _drop, _pdf

MEMBER = "W1004"  # RECERTIFICATION_REQUIRED: the 2021 fee unpaid 3 years (R22)
TEN_YEARS = "W1005"  # lapsed since 2010: exam only (R23)


def _application(site: Site) -> dict[str, Any]:
    """The member's application (the latest), as the member's API answers it."""
    from staycertified.store.members import load_member

    record = load_member(site.sb.table, MEMBER)
    assert record is not None
    found = [a for c in record.certifications for a in c.applications]
    assert found, "no application"
    latest = max(found, key=lambda a: (a.created_on, a.application_id))
    path = f"/members/{MEMBER}/recertifications/{latest.application_id}"
    answer: dict[str, Any] = site.sb.api("GET", path, as_member=MEMBER)[1]
    return answer


def test_r28_r29_member_applies_attaches_proofs_pays_and_submits(page: Any, site: Site) -> None:
    sign_in(page, site, member=MEMBER)
    card = page.locator("article.certification")
    card.locator(".standing", has_text="Recertification required").wait_for()
    card.locator("[data-action=RECERTIFY]").first.click()
    form = page.locator("form", has_text="Apply to recertify")
    form.wait_for()
    assert form.get_by_label("By CCP application", exact=False).is_enabled()
    # two activities of the last 3 years (R29): 20 + 12 contact hours
    page.get_by_label("Title (activity 1)").fill("Phlebotomy update")
    page.get_by_label("Completed on (activity 1)").fill("2025-06-01")
    page.get_by_label("Quantity (activity 1)").fill("20")
    page.get_by_role("button", name="Add another activity").click()
    page.get_by_label("Title (activity 2)").fill("Infection control")
    page.get_by_label("Completed on (activity 2)").fill("2025-09-01")
    page.get_by_label("Quantity (activity 2)").fill("12")
    page.get_by_role("group", name="felony").get_by_label("No").check()
    page.get_by_label("Signed by (your full name)").fill("Ines Moreau")
    page.get_by_label("Signed on").fill("2026-01-20")
    assert axe_violations(page) == [], dump(axe_violations(page))
    page.get_by_role("button", name="Start the application").click()

    # the application: DRAFT, a drop zone per activity (R15 upload grants)
    section = page.locator("section[data-application]")
    section.locator("[data-status=DRAFT]").wait_for()
    for title in ("Phlebotomy update", "Infection control"):
        row = section.locator("tr[data-activity]", has_text=title)
        activity_id = row.get_attribute("data-activity")
        _drop(
            page,
            f"tr[data-activity='{activity_id}'] .dropzone",
            "cert.pdf",
            _pdf(),
            "application/pdf",
        )
        row.get_by_text("Proof: Received").wait_for()
    assert axe_violations(page) == [], dump(axe_violations(page))

    # the fee through the hosted checkout, back on the application
    section.locator("[data-pay]").click()
    page.wait_for_url("**/_sandbox/checkout/**")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/portal.html#/recertification/**")
    section = page.locator("section[data-application]")
    section.get_by_text("Paid", exact=False).first.wait_for()
    section.locator("[data-submit]").click()
    page.get_by_role("status").filter(has_text="Submitted").wait_for()
    section.locator("[data-status=AWAITING_STAFF_REVIEW]").wait_for()
    application = _application(site)
    assert application["status"] == "AWAITING_STAFF_REVIEW", application
    assert application["missing"] == [] and application["fee"]["status"] == "PAID"
    assert page.console_errors == []


def test_r32_r33_staff_view_the_proofs_inline_and_approve(page: Any, site: Site) -> None:
    application = _application(site)
    if application["status"] != "AWAITING_STAFF_REVIEW":
        pytest.fail(f"the member's test did not submit the application: {application['status']}")
    sign_in(page, site, staff="alice")
    page.goto(site.url("/staff.html#/recertifications"))
    page.get_by_role("link", name=application["applicationId"]).click()
    first = page.locator("section[data-activity]").first
    first.get_by_role("button", name="View proof").click()
    viewer = first.locator("iframe.viewer")
    viewer.wait_for()
    assert viewer.get_attribute("src").startswith("blob:")
    assert axe_violations(page) == [], dump(axe_violations(page))
    # the reviewer reads the proof, closes it, then decides: Chromium's PDF viewer, while
    # it loads, swallowed a click on Approve below it (nothing was sent)
    first.get_by_role("button", name="Hide proof").click()
    viewer.wait_for(state="detached")
    page.get_by_role("button", name="Approve").click()
    page.locator("[data-status=RECERTIFIED]").wait_for()
    _, status = site.sb.api("GET", f"/members/{MEMBER}/status", as_member=MEMBER)
    cert = status["certifications"][0]
    assert cert["status"] == "ACTIVE" and cert["certificateNumber"] == "RMA-900004", cert
    assert cert["cycle"]["start"] == site.sb.today.isoformat()  # a new cycle (R33)


def test_r23_lapsed_ten_years_is_offered_the_exam_route_only(page: Any, site: Site) -> None:
    sign_in(page, site, member=TEN_YEARS)
    page.goto(site.url("/portal.html#/recertification"))
    page.reload()
    form = page.locator("form", has_text="Apply to recertify")
    form.wait_for()
    assert form.get_by_label("By CCP application", exact=False).is_disabled()
    assert "R23" in form.locator("#route-ccp-hint").inner_text()
    assert form.get_by_label("By exam", exact=False).is_checked()
    # the exam route asks the Eligibility Assistant's questions (R31, current criteria)
    page.get_by_label("Months worked as a medical assistant within the last 84 months").wait_for()
    assert axe_violations(page) == [], dump(axe_violations(page))


def test_r37_another_member_never_sees_the_application(page: Any, site: Site) -> None:
    application = _application(site)
    sign_in(page, site, member="W1002")
    page.goto(site.url(f"/portal.html#/recertification/{application['applicationId']}"))
    page.reload()
    page.get_by_role("alert").wait_for()
    text = page.locator("main").inner_text()
    assert "RMA-900004" not in text and "Phlebotomy" not in text

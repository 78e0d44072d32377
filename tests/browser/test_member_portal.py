"""The member portal in a real browser (R6, R7, R10-R14, R20, R21, R24, R37)."""

from __future__ import annotations

from typing import Any

from .conftest import Site, axe_violations, dump, sign_in


def test_r21_lapsed_member_sees_reasons_pays_through_checkout_and_is_active(
    page: Any, site: Site
) -> None:
    # Given Lena, whose 2025 fee is unpaid since June 2025 (R21)
    sign_in(page, site, member="W1001")
    card = page.locator("article.certification")
    # Then her status says LAPSED, with the rule and the date
    card.locator(".standing", has_text="Lapsed").wait_for()
    reasons = card.locator(".reasons").inner_text()
    assert "R21" in reasons and "2025" in reasons, reasons
    # When she pays from the status page's next action, through the hosted checkout
    card.locator("[data-action=PAY_INVOICE]").first.click()
    page.wait_for_url("**/_sandbox/checkout/**")
    page.get_by_role("button", name="Pay").click()
    # Then she is back on her status, ACTIVE, and the invoice is paid with a receipt
    page.wait_for_url("**/portal.html#/status")
    page.locator("article.certification .standing", has_text="Active").wait_for()
    page.goto(site.url("/portal.html#/invoices"))
    paid = page.locator("tr", has_text="Paid").first
    paid.get_by_role("button", name="Receipt").click()
    assert "Amount paid" in page.locator(".receipt").inner_text()
    assert page.console_errors == []


def test_r12_activity_with_an_error_shows_it_beside_its_field_then_a_valid_one_records(
    page: Any, site: Site
) -> None:
    sign_in(page, site, member="W1002")
    page.goto(site.url("/portal.html#/ce"))
    page.get_by_label("Title").fill("Infection control update")
    page.get_by_label("Quantity").fill("3")
    # When the date is in the future (today is 2026-01-01, R12)
    page.get_by_label("Completed on").fill("2026-03-15")
    page.get_by_label("It advances my health-care knowledge").check()
    page.get_by_role("button", name="Record activity").click()
    # Then the rule's message is shown next to the date field
    error = page.locator("#completedOn-error")
    error.wait_for()
    assert "R12" in error.inner_text(), error.inner_text()
    assert page.get_by_label("Completed on").get_attribute("aria-invalid") == "true"
    # When the date is corrected, the activity is recorded and listed in its cycle
    page.get_by_label("Completed on").fill("2025-11-20")
    page.get_by_role("button", name="Record activity").click()
    page.get_by_role("status").filter(has_text="Recorded").wait_for()
    assert page.locator("#completedOn-error").count() == 0
    page.locator("table", has_text="Infection control update").wait_for()
    assert [e for e in page.console_errors if "(Unprocessable Entity)" not in e] == []


def test_r11_r13_the_form_sends_an_idempotency_key_and_shows_the_warnings(
    page: Any, site: Site
) -> None:
    sign_in(page, site, member="W1003")
    page.goto(site.url("/portal.html#/ce"))
    for _ in range(2):  # the same course twice: two submissions, two keys
        page.get_by_label("Title").fill("Lab safety refresher")
        page.get_by_label("Quantity").fill("2.3")
        page.get_by_label("Completed on").fill("2025-12-02")
        page.get_by_label("It advances my health-care knowledge").check()
        page.get_by_role("button", name="Record activity").click()
        page.get_by_role("status").filter(has_text="Recorded").wait_for()
    status = page.get_by_role("status").filter(has_text="Recorded")
    status.filter(has_text="counted as 2.25").wait_for()  # R11, said in the answer
    assert "R13" in status.inner_text(), status.inner_text()  # the second looks like the first
    sent = [
        call.event["headers"].get("idempotency-key")
        for call in site.sb.invocations
        if call.event.get("requestContext", {}).get("http", {}).get("method") == "POST"
        and call.event.get("rawPath") == "/members/W1003/activities"
    ]
    assert len(sent) == 2 and all(sent) and sent[0] != sent[1], sent


def test_contact_details_are_validated_beside_the_field_then_saved(page: Any, site: Site) -> None:
    sign_in(page, site, member="W1003")
    page.goto(site.url("/portal.html#/contact"))
    page.get_by_label("ZIP / postal code").fill("33")
    page.get_by_role("button", name="Save").click()
    page.locator("#postalCode-error").wait_for()
    page.get_by_label("ZIP / postal code").fill("33606")
    page.get_by_label("Email").fill("grace.new@example.com")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    _, contact = site.sb.api("GET", "/members/W1003/contact", as_member="W1003")
    assert contact["email"] == "grace.new@example.com"
    assert contact["address"]["postalCode"] == "33606"


def test_r37_a_member_never_sees_another_members_pages(page: Any, site: Site) -> None:
    # Given Omar signed in, when he edits the address bar to Lena's member id
    sign_in(page, site, member="W1002")
    page.goto(site.url("/portal.html#/status"))
    page.locator("article.certification").wait_for()
    page.evaluate(
        "() => { const s = JSON.parse(sessionStorage.getItem('staycertified.session'));"
        " s.memberId = 'W1001'; sessionStorage.setItem('staycertified.session', JSON.stringify(s)); }"
    )
    for route in ("status", "invoices", "contact"):
        page.goto(site.url(f"/portal.html#/{route}"))
        page.reload()
        # Then the API refuses with the same answer as for an unknown member
        page.get_by_role("alert").wait_for()
        text = page.locator("main").inner_text()
        assert "No such member" in text, text
        assert "Lena" not in text and "RMA-900001" not in text


def test_portal_pages_have_no_serious_accessibility_violation(page: Any, site: Site) -> None:
    sign_in(page, site, member="W1002")
    for route, ready in (
        ("status", "article.certification"),
        ("invoices", "main h1"),
        ("ce", "#record-h"),
        ("contact", "#email"),
    ):
        page.goto(site.url(f"/portal.html#/{route}"))
        page.locator(ready).first.wait_for()
        assert axe_violations(page) == [], dump({route: axe_violations(page)})


# The first render of a page is committed before its effects run: the hash changed in
# between (here the moment the main element appears) fires a hashchange no one hears yet.
CHANGE_HASH_ON_FIRST_RENDER = """
new MutationObserver((_, observer) => {
  if (location.pathname.endsWith("/portal.html") && document.getElementById("main")) {
    observer.disconnect();
    location.hash = "#/contact";
  }
}).observe(document, { childList: true, subtree: true });
"""


def test_a_page_asked_for_while_the_portal_is_still_loading_is_the_one_shown(
    page: Any, site: Site
) -> None:
    sign_in(page, site, member="W1003")
    page.add_init_script(CHANGE_HASH_ON_FIRST_RENDER)
    page.reload()  # a whole load of the portal, on its status page
    page.wait_for_function("location.hash === '#/contact'")
    page.get_by_label("ZIP / postal code").wait_for()
    assert page.locator("article.certification").count() == 0

"""The site as a whole: CSP, sign-out, employer verification (R38), staff console."""

from __future__ import annotations

from typing import Any

from staycertified_sandbox.web import CONTENT_SECURITY_POLICY

from .conftest import Site, axe_violations, dump, sign_in


def test_every_page_is_served_with_a_csp_without_unsafe_inline(page: Any, site: Site) -> None:
    response = page.goto(site.url("/portal.html"))
    csp = response.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_the_browser_blocks_inline_script(page: Any, site: Site) -> None:
    page.goto(site.url("/verify.html"))
    violations = []
    page.on("console", lambda m: violations.append(m.text))
    # An attacker's inline script and inline event handler, injected into the page
    page.evaluate(
        """() => {
          const s = document.createElement('script');
          s.textContent = 'window.__pwned = true';
          document.body.appendChild(s);
          const d = document.createElement('div');
          d.innerHTML = '<img src="x" onerror="window.__pwned2 = true">';
          document.body.appendChild(d);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned === undefined && window.__pwned2 === undefined")
    assert any("Content Security Policy" in v for v in violations), violations


def test_r38_employer_verifies_and_sees_the_five_fields_only(page: Any, site: Site) -> None:
    page.goto(site.url("/verify.html"))
    page.get_by_label("Certificate number").fill("MT-900003")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_role("button", name="Verify").click()
    result = page.locator(".verification")
    result.wait_for()
    labels = result.locator("dt").all_inner_texts()
    assert labels == ["Name", "Certification", "Status", "Originally certified", "Valid through"]
    text = result.inner_text()
    assert "Grace Okafor" in text and "Active" in text
    assert "@" not in page.locator("main").inner_text()
    # A wrong last name answers like an unknown number
    page.get_by_label("Last name").fill("Smith")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("alert").filter(has_text="No certification matches").wait_for()
    assert axe_violations(page) == [], dump(axe_violations(page))


def test_sign_out_ends_the_session(page: Any, site: Site) -> None:
    sign_in(page, site, member="W1002")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin.html?signedOut=1")
    page.goto(site.url("/portal.html#/status"))
    page.wait_for_url("**/signin.html?next=**")


def test_staff_find_the_member_read_the_record_and_record_a_payment(page: Any, site: Site) -> None:
    sign_in(page, site, staff="alice")
    page.get_by_label("Last name, ").fill("reyes")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="W1002").click()
    page.get_by_role("heading", name="Omar Reyes").wait_for()
    text = page.locator("main").inner_text()
    assert "RMA-900002" in text and "Notices sent" in text
    assert axe_violations(page) == [], dump(axe_violations(page))


def test_a_member_token_cannot_use_the_staff_console(page: Any, site: Site) -> None:
    sign_in(page, site, member="W1002")
    page.goto(site.url("/staff.html#/member/W1001"))
    page.wait_for_url("**/signin.html?next=**")


def test_r34_the_eligibility_assistant_answers_from_its_generated_form(
    page: Any, site: Site
) -> None:
    page.goto(site.url("/eligibility.html?type=RMA"))
    # The form is generated from GET /eligibility/RMA: one field per question
    _, questions = site.sb.api("GET", "/eligibility/RMA")
    for question in questions["questions"]:
        page.get_by_text(question["label"], exact=True).first.wait_for()
    # Route C, work: 72 months, 12 as instructor, both duties, a diploma
    page.get_by_label("Months worked as a medical assistant within the last 84 months").fill("72")
    page.get_by_label("Of those months, how many as an instructor").fill("12")
    for group in ("include clinical duties", "include administrative duties", "high-school"):
        page.get_by_role("group", name=group).get_by_label("Yes").check()
    page.get_by_role("group", name="felony").get_by_label("Yes").check()
    page.get_by_role("button", name="Check my eligibility").click()
    answer = page.locator("#answer-h").locator("..")
    answer.wait_for()
    assert "Met" in answer.locator("[data-route=C]").inner_text()
    assert "Not met" in answer.locator("[data-route=A]").inner_text()
    assert "review" in answer.inner_text()
    assert axe_violations(page) == [], dump(axe_violations(page))


def test_dashboards_chart_the_stored_figures_with_a_table_beside_each_chart(
    page: Any, site: Site
) -> None:
    sign_in(page, site, staff="alice")
    page.goto(site.url("/staff.html#/dashboard"))
    page.get_by_role("heading", name="Standing of the member base").wait_for()
    charts = page.locator("canvas[role=img]")
    assert charts.count() == 5
    # Chart.js drew on every canvas (a blank canvas has no painted pixel)
    painted = page.evaluate(
        """() => [...document.querySelectorAll('canvas')].map(c => {
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             return d.some(v => v !== 0); })"""
    )
    assert all(painted), painted
    # The figures are the snapshot's: 5 certifications, 1 lapsed (W1001), 2 required to
    # recertify (W1004, W1005: the recertification tests)
    standing = page.locator("#chart-standing-h").locator("..")
    standing.locator("summary").click()
    row = standing.locator("tbody tr").last.inner_text()
    assert row.split("\t")[1:] == ["2", "1", "2"], row
    assert axe_violations(page) == [], dump(axe_violations(page))

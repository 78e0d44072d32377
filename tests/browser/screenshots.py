"""`make screenshots`: a PNG of each main page of the web front, into a folder a
person can open (default ./screenshots), on the browser tests' member base."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from staycertified_sandbox import Sandbox
from staycertified_sandbox.server import serve

from .conftest import CHROMIUM, CHROMIUM_ARGS, MEMBERS, START, TODAY, Site, sign_in

MEMBER = "W1001"  # lapsed: status with reasons and a next action to pay
STAFF = "alice"


def main(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    with Sandbox(start=START) as sb:
        sb.load_members(MEMBERS)
        sb.advance_to(TODAY)
        server = serve(sb, 0, MEMBERS)
        site = Site(sb, f"http://127.0.0.1:{server.server_address[1]}")
        audited = next((m for m in ("W1002", "W1003") if _audit_case(sb, m) is not None), MEMBER)
        shots: list[tuple[str, str | None, str, str]] = [
            # name, who, path, what to wait for
            ("member-status", MEMBER, "/portal.html#/status", "article.certification"),
            ("member-invoices", MEMBER, "/portal.html#/invoices", "table"),
            ("member-ce", MEMBER, "/portal.html#/ce", "#record-h"),
            ("member-contact", MEMBER, "/portal.html#/contact", "#email"),
            ("member-audit-case", audited, "/portal.html#/audit", "main h1"),
            ("member-recertification", "W1004", "/portal.html#/recertification", "form"),
            ("staff-member-search", None, "/staff.html#/search?q=park", "table"),
            ("staff-member-record", None, f"/staff.html#/member/{MEMBER}", "#inv-h"),
            ("staff-audit-queue", None, "/staff.html#/audits?status=OPEN", "main h1"),
            ("staff-recertification-queue", None, "/staff.html#/recertifications", "main h1"),
            ("staff-dashboard", None, "/staff.html#/dashboard", "canvas"),
            ("public-verify", "", "/verify.html", "form"),
            ("public-eligibility", "", "/eligibility.html?type=RMA", "form"),
        ]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for width, suffix in ((1200, ""), (390, "-phone")):
                for name, who, path, ready in shots:
                    context = browser.new_context(viewport={"width": width, "height": 900})
                    page = context.new_page()
                    if who:
                        sign_in(page, site, member=who)
                    elif who is None:
                        sign_in(page, site, staff=STAFF)
                    page.goto(site.url(path))
                    page.reload()  # a hash change alone keeps the page's earlier state
                    page.locator(ready).first.wait_for()
                    page.wait_for_timeout(300)
                    target = folder / f"{name}{suffix}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                    context.close()
            browser.close()
        server.shutdown()
    return 0


def _audit_case(sb: Sandbox, member_id: str) -> str | None:
    _, status = sb.api("GET", f"/members/{member_id}/status", as_member=member_id)
    for cert in status.get("certifications", []):
        if cert.get("audit"):
            return str(cert["audit"]["caseId"])
    return None


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))

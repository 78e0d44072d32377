"""Browser tests: Playwright (PyPI) driving Debian's Chromium headless against
`staycertified serve` (the same server, on a free port of 127.0.0.1) with a
small member base of its own (`members.csv`).

Chromium: /usr/bin/chromium from Debian's `chromium` package (`make browser`
installs it with apt when missing; Playwright's own download is not used). A
test that fails leaves a full-page screenshot in test-artifacts/browser/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from staycertified_sandbox import Sandbox
from staycertified_sandbox.server import serve

HERE = Path(__file__).parent
MEMBERS = HERE / "members.csv"
AXE = HERE / "vendor" / "axe.min.js"
ARTIFACTS = HERE.parents[1] / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START = date(2026, 1, 1)
# After the January renewal run, the monthly dashboard snapshot and the audit draw (R25)
TODAY = date(2026, 1, 20)


class Site:
    """The running server and its sandbox."""

    def __init__(self, sb: Sandbox, base: str) -> None:
        self.sb = sb
        self.base = base

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="package")
def site() -> Iterator[Site]:
    with Sandbox(start=START) as sb:
        report = sb.load_members(MEMBERS)
        assert not report.errors, report.errors
        sb.advance_to(TODAY)
        assert not sb.failures, sb.failures
        server = serve(sb, 0, MEMBERS)
        try:
            yield Site(sb, f"http://127.0.0.1:{server.server_address[1]}")
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make browser`"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (its own session storage); console errors collected
    in `page.console_errors`; a screenshot when the test fails."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    # Generous: a step waits only as long as it needs, and a 2-core machine busy with
    # the rest of the suite has taken more than 8 s to render a form.
    context.set_default_timeout(20000)
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def sign_in(page: Any, site: Site, *, member: str | None = None, staff: str | None = None) -> None:
    """Through the development sign-in page, as a person does."""
    page.goto(site.url("/signin.html"))
    if member is not None:
        page.fill("#memberId", member)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url("**/portal.html**")
    else:
        page.locator(f"[data-staff='{staff}']").click()
        page.wait_for_url("**/staff.html**")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the page as it is now."""
    # evaluate() runs through the DevTools protocol, which the page's CSP does not
    # govern (a <script> tag with axe's text would be refused, as it should be).
    page.evaluate(AXE.read_text())
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def dump(value: Any) -> str:
    return json.dumps(value, indent=1)

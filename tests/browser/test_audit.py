"""The audit case in a real browser (R15, R25-R27): the member drops a document on
the item, it goes straight to the bucket through the upload grant, the member
submits; staff open it inline and verify the item; nobody else can see it."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from pypdf import PdfWriter

from .conftest import Site, axe_violations, dump, sign_in


@pytest.fixture(scope="module")
def audited(site: Site) -> tuple[str, str]:
    """The member the January audit drew (R25: one of the base's 2025 rollovers)."""
    for member_id in ("W1003", "W1002"):
        _, status = site.sb.api("GET", f"/members/{member_id}/status", as_member=member_id)
        for cert in status["certifications"]:
            if cert.get("audit"):
                return member_id, cert["audit"]["caseId"]
    raise AssertionError("the January audit drew no one")


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=300, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _drop(page: Any, selector: str, name: str, data: bytes, mime: str) -> None:
    """A file dragged from the desktop and dropped on `selector`."""
    transfer = page.evaluate_handle(
        """([name, b64, mime]) => {
             const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
             const dt = new DataTransfer();
             dt.items.add(new File([bytes], name, { type: mime }));
             return dt; }""",
        [name, base64.b64encode(data).decode(), mime],
    )
    page.dispatch_event(selector, "dragover", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_r27_member_drops_a_document_on_the_item_and_submits(
    page: Any, site: Site, audited: tuple[str, str]
) -> None:
    member, case_id = audited
    sign_in(page, site, member=member)
    page.locator("[data-action=UPLOAD_AUDIT_DOCUMENTS]").click()
    row = page.locator("tr[data-item]", has_text="Needs proof").first
    row.wait_for()
    item_id = row.get_attribute("data-item")
    row = page.locator(f"tr[data-item='{item_id}']")
    assert axe_violations(page) == [], dump(axe_violations(page))
    _drop(
        page, f"tr[data-item='{item_id}'] .dropzone", "certificates.pdf", _pdf(), "application/pdf"
    )
    row.get_by_text("Proof received").wait_for()
    assert "certificates.pdf" in row.inner_text()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted on").wait_for()
    _, case = site.sb.api("GET", f"/members/{member}/audits/{case_id}", as_member=member)
    assert case["status"] == "SUBMITTED", case
    assert all(i["documents"] for i in case["items"] if i["verification"] != "VERIFIED")


def test_r27_staff_view_the_document_inline_and_verify_the_item(
    page: Any, site: Site, audited: tuple[str, str]
) -> None:
    member, case_id = audited
    sign_in(page, site, staff="alice")
    page.goto(site.url("/staff.html#/audits"))
    page.get_by_role("link", name=case_id).click()
    item = page.locator("section[data-item]", has_text="Proof received").first
    item.get_by_role("button", name="View document").first.click()
    viewer = item.locator("iframe.viewer")
    viewer.wait_for()
    assert viewer.get_attribute("src").startswith("blob:")
    item.get_by_role("button", name="Verify").click()
    page.locator(".panel-head .standing", has_text="Verified").first.wait_for()
    _, case = site.sb.api("GET", f"/members/{member}/audits/{case_id}", as_staff="alice")
    assert all(i["verification"] == "VERIFIED" for i in case["items"]), case["items"]
    assert case["status"] == "PASSED"  # every claimed point verified (R27)


def test_r15_another_member_never_reaches_the_case_or_its_documents(
    page: Any, site: Site, audited: tuple[str, str]
) -> None:
    member, case_id = audited
    sign_in(page, site, member="W1001")
    page.evaluate(
        "() => { const s = JSON.parse(sessionStorage.getItem('staycertified.session'));"
        f" s.memberId = '{member}';"
        " sessionStorage.setItem('staycertified.session', JSON.stringify(s)); }"
    )
    page.goto(site.url("/portal.html#/audit"))
    page.reload()
    page.get_by_role("alert").wait_for()
    assert case_id not in page.locator("main").inner_text()
    # and the API behind the pages refuses the case, its documents and a grant for it
    token = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem('staycertified.session')).idToken"
    )
    for method, path, body in (
        ("GET", f"/members/{member}/audits/{case_id}", None),
        ("GET", f"/members/{member}/documents?caseId={case_id}", None),
        (
            "POST",
            f"/members/{member}/uploads",
            {
                "purpose": "AUDIT",
                "caseId": case_id,
                "kind": "PROOF",
                "fileName": "x.pdf",
                "contentType": "application/pdf",
                "size": 10,
            },
        ),
    ):
        answer = page.request.fetch(
            site.url(path),
            method=method,
            headers={"Authorization": f"Bearer {token}"},
            data=body,
        )
        assert answer.status == 404, (path, answer.status)
    _, listed = site.sb.api(
        "GET", f"/members/{member}/documents", query={"caseId": case_id}, as_member=member
    )
    for document in listed["documents"]:
        answer = page.request.get(
            site.url(f"/staff/documents/{document['documentId']}"),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status == 403

"""Email templates (HTML + text) and PDF letters of the renewal steps (R4)."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest

from staycertified import config
from staycertified.notify import letters
from staycertified.notify.catalogue import notice_kind
from staycertified.notify.render import (
    MissingTemplateValue,
    render_email,
    render_letter_body,
)

VALUES = {
    "first_name": "Ann <b>",
    "certification_name": "Registered Medical Assistant",
    "certificate_number": "RMA-1",
    "membership_year": "2026",
    "invoice_id": "INV-RMA-1-2026",
    "amount": "50.00",
    "currency": "USD",
    "due_date": "February 28, 2026",
    "pay_url": "https://pay.example/INV-RMA-1-2026",
}


def render(step: str, values: dict[str, str]) -> object:
    return render_email(
        notice_kind(step), {**values, "older_unpaid": False, "org": config.organisation()}
    )


def cadence_steps() -> list[str]:
    from staycertified.policy import load_policy

    policy = load_policy()
    return sorted({step.step for version in policy.renewal.cadence.root for step in version.value})


@pytest.mark.parametrize("step", cadence_steps())
def test_r4_every_cadence_step_has_an_email_with_invoice_amount_and_due_date(step: str) -> None:
    email: Any = render(step, VALUES)
    for part in (email.text, email.html):
        assert "INV-RMA-1-2026" in part
        assert "50.00 USD" in part
        assert "February 28, 2026" in part
    assert email.subject and "\n" not in email.subject
    assert "Ann <b>" in email.text
    assert "Ann &lt;b&gt;" in email.html  # values are escaped in HTML


def test_a_template_placeholder_without_a_value_fails_loudly() -> None:
    with pytest.raises(KeyError):
        render("REMINDER", {k: v for k, v in VALUES.items() if k != "amount"})
    assert issubclass(MissingTemplateValue, KeyError)


def letter(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": "RENEWAL_NOTICE",
        "address_lines": ["Zoë Ångström", "1 Main St", "Apt 2", "Springfield, IL 62701"],
        "first_name": "Zoë",
        "certification_name": "Registered Medical Assistant",
        "certificate_number": "RMA-1",
        "membership_year": 2026,
        "invoice_id": "INV-RMA-1-2026",
        "amount": "50.00",
        "currency": "USD",
        "due_date": "February 28, 2026",
        "letter_date": "January 1, 2026",
        "pay_url": "https://pay.example/INV-RMA-1-2026",
    }
    values.update(overrides)
    return values


def render_letter(values: dict[str, object]) -> letters.RenderedLetter:
    """A renewal letter the way the notify pipeline renders it (LetterAdapter)."""
    org = config.organisation()
    body = render_letter_body(
        notice_kind(str(values["kind"])), {**values, "older_unpaid": False, "org": org}
    )
    return letters.render_letter(
        title=body.title,
        address_lines=list(values["address_lines"]),  # type: ignore[call-overload]
        letter_date=str(values["letter_date"]),
        blocks=body.blocks,
        return_address=org.postal_lines,
        creator=org.name,
    )


def test_r4_a_letter_is_a_one_page_us_letter_pdf_with_address_invoice_amount_and_how_to_pay() -> (
    None
):
    rendered = render_letter(letter())
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    assert rendered.pages == len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (612.0, 792.0)
    text = page.extract_text()
    for expected in (
        "Zoë Ångström",
        "Springfield, IL 62701",
        "INV-RMA-1-2026",
        "50.00 USD",
        "How to pay",
    ):
        assert expected in text


def test_the_address_block_sits_in_the_window_of_a_number_10_envelope() -> None:
    rendered = render_letter(letter())
    page = pypdf.PdfReader(io.BytesIO(rendered.pdf)).pages[0]
    positions: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: object, tm: list[float], font: object, size: object) -> None:
        if text.strip():
            positions.setdefault(text.strip(), (tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    x, y = positions["1 Main St"]
    inch = 72.0
    from_top = 792.0 - y
    # Window: 7/8 in from the left, 4.5 in wide; 2 to 3.125 in from the top once folded.
    assert 0.875 * inch <= x <= 1.0 * inch
    assert 2.0 * inch <= from_top <= 3.125 * inch


def test_characters_outside_latin_1_do_not_break_a_letter() -> None:
    rendered = render_letter(letter(address_lines=["Łukasz Żółw 王", "1 Main St"]))
    text = pypdf.PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()
    assert "1 Main St" in text

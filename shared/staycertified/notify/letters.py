"""Postal renewal letters as PDF (R4), laid out for a standard #10 window envelope.

Layout (US Letter, 8.5 x 11 in, tri-folded into a #10 double-window envelope):

- return address: 0.5 in from the left, 0.5 in from the top (upper window);
- recipient block: 0.875 in from the left, 2.125 in from the top, at most
  4 in wide and 1 in high (5 lines of 10 pt), which shows through the
  standard recipient window (4.5 x 1.125 in, 7/8 in from the left and 1/2 in
  from the bottom of the envelope) when the top third is folded in;
- the letter body starts below the first fold (3.67 in).

fpdf2 costs ~0.7 s to import, so it is imported inside `render_letter` only:
a handler module that imports this one stays cheap to load.
Core fonts only (Helvetica), no images, and paragraphs wrapped here at a fixed
width rather than by fpdf's `multi_cell` (which measures every word): a letter
renders in about 2 ms.
Core fonts are Latin-1: other characters are transliterated (`_latin1`).
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass

INCH = 72.0  # points
RETURN_ADDRESS = (
    "Stay Certified - Renewals",
    "PO Box 1000",
    "Chicago, IL 60601",
)
RECIPIENT_LEFT = 0.875 * INCH
RECIPIENT_TOP = 2.125 * INCH
RECIPIENT_WIDTH = 4.0 * INCH
RECIPIENT_LINE = 12.0  # 10 pt type
RECIPIENT_MAX_LINES = 5
BODY_TOP = 3.85 * INCH
# 6.75 in of 10.5 pt Helvetica hold ~100 average characters; 88 leaves room for wide ones.
WRAP_CHARACTERS = 88

TITLES = {
    "RENEWAL_NOTICE": "Renewal notice",
    "REMINDER": "Renewal reminder",
    "PAST_DUE": "Past due notice",
}


@dataclass(frozen=True)
class LetterContent:
    """What a renewal letter says. `address_lines` is the recipient block, name first."""

    kind: str
    address_lines: list[str]
    first_name: str
    certification_name: str
    certificate_number: str
    membership_year: int
    invoice_id: str
    amount: str
    currency: str
    due_date: str
    letter_date: str
    pay_url: str


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    pages: int


def _latin1(text: str) -> str:
    """Core PDF fonts are Latin-1: keep what fits, transliterate the rest."""
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        decomposed = unicodedata.normalize("NFKD", text)
        kept = "".join(c for c in decomposed if not unicodedata.combining(c))
        return kept.encode("latin-1", "replace").decode("latin-1")


def _body(letter: LetterContent) -> list[str]:
    if letter.kind == "PAST_DUE":
        opening = (
            f"Our records show that invoice {letter.invoice_id} for the "
            f"{letter.membership_year} membership year of your {letter.certification_name} "
            f"(certificate {letter.certificate_number}) was due on {letter.due_date} and is "
            "still unpaid. While the fee is unpaid your certification is lapsed; paying the "
            "invoice cures the lapse, no recertification is needed."
        )
    else:
        opening = (
            f"It is time to renew your {letter.certification_name} (certificate "
            f"{letter.certificate_number}) for the {letter.membership_year} membership year. "
            f"Please pay the invoice below by {letter.due_date}."
        )
    return [
        f"Dear {letter.first_name},",
        opening,
        "If you have already paid, thank you: please disregard this letter.",
    ]


def _paragraph(pdf: object, text: str) -> None:
    for line in textwrap.wrap(_latin1(text), WRAP_CHARACTERS) or [""]:
        pdf.cell(w=0, h=14, text=line, new_x="LMARGIN", new_y="NEXT")  # type: ignore[attr-defined]


def render_letter(letter: LetterContent) -> RenderedLetter:
    """One letter as PDF bytes, with its page count."""
    from fpdf import FPDF  # lazy: ~0.7 s import, paid only by the functions that print

    pdf = FPDF(orientation="portrait", unit="pt", format="letter")
    pdf.set_auto_page_break(auto=True, margin=0.75 * INCH)
    pdf.set_margins(left=0.875 * INCH, top=0.5 * INCH, right=0.875 * INCH)
    pdf.set_creator("Stay Certified")
    pdf.set_title(_latin1(TITLES.get(letter.kind, "Renewal notice")))
    pdf.add_page()

    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(0.5 * INCH, 0.5 * INCH)
    for line in RETURN_ADDRESS:
        pdf.cell(w=3 * INCH, h=10, text=_latin1(line), new_x="LEFT", new_y="NEXT")

    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(RECIPIENT_LEFT, RECIPIENT_TOP)
    for line in letter.address_lines[:RECIPIENT_MAX_LINES]:
        pdf.cell(
            w=RECIPIENT_WIDTH, h=RECIPIENT_LINE, text=_latin1(line), new_x="LEFT", new_y="NEXT"
        )

    pdf.set_xy(5.5 * INCH, RECIPIENT_TOP)
    pdf.cell(w=2.125 * INCH, h=RECIPIENT_LINE, text=_latin1(letter.letter_date), align="R")

    pdf.set_xy(0.875 * INCH, BODY_TOP)
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(
        w=0,
        h=18,
        text=_latin1(TITLES.get(letter.kind, "Renewal notice")),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    pdf.set_font("Helvetica", size=10.5)
    for paragraph in _body(letter):
        _paragraph(pdf, paragraph)
        pdf.ln(6)

    pdf.set_font("Helvetica", style="B", size=10.5)
    rows = (
        ("Invoice number", letter.invoice_id),
        ("Amount due", f"{letter.amount} {letter.currency}"),
        ("Due date", letter.due_date),
        ("Certificate", letter.certificate_number),
    )
    for label, value in rows:
        pdf.set_font("Helvetica", style="B", size=10.5)
        pdf.cell(w=1.6 * INCH, h=16, text=_latin1(label))
        pdf.set_font("Helvetica", size=10.5)
        pdf.cell(w=0, h=16, text=_latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)

    pdf.set_font("Helvetica", style="B", size=10.5)
    pdf.cell(w=0, h=16, text="How to pay", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10.5)
    for line in (
        f"Online: {letter.pay_url}",
        "By check or money order, payable to Stay Certified, with the invoice number "
        f"{letter.invoice_id} written on it, mailed to: {', '.join(RETURN_ADDRESS[1:])}.",
    ):
        _paragraph(pdf, line)
    pdf.ln(12)
    _paragraph(pdf, "The Stay Certified team")

    return RenderedLetter(pdf=bytes(pdf.output()), pages=pdf.pages_count)


def render_titled_letter(
    *,
    title: str,
    address_lines: list[str],
    letter_date: str,
    paragraphs: list[str],
    return_address: tuple[str, ...] = RETURN_ADDRESS,
) -> RenderedLetter:
    """A letter with the renewal letters' layout (return address, recipient block in
    the #10 window, date, title) and a body of plain paragraphs: for any notice
    that needs no invoice table (e.g. the audit notice, R26)."""
    from fpdf import FPDF  # lazy: ~0.7 s import, paid only by the functions that print

    pdf = FPDF(orientation="portrait", unit="pt", format="letter")
    pdf.set_auto_page_break(auto=True, margin=0.75 * INCH)
    pdf.set_margins(left=0.875 * INCH, top=0.5 * INCH, right=0.875 * INCH)
    pdf.set_creator("Stay Certified")
    pdf.set_title(_latin1(title))
    pdf.add_page()

    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(0.5 * INCH, 0.5 * INCH)
    for line in return_address:
        pdf.cell(w=3 * INCH, h=10, text=_latin1(line), new_x="LEFT", new_y="NEXT")

    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(RECIPIENT_LEFT, RECIPIENT_TOP)
    for line in address_lines[:RECIPIENT_MAX_LINES]:
        pdf.cell(
            w=RECIPIENT_WIDTH, h=RECIPIENT_LINE, text=_latin1(line), new_x="LEFT", new_y="NEXT"
        )
    pdf.set_xy(5.5 * INCH, RECIPIENT_TOP)
    pdf.cell(w=2.125 * INCH, h=RECIPIENT_LINE, text=_latin1(letter_date), align="R")

    pdf.set_xy(0.875 * INCH, BODY_TOP)
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(w=0, h=18, text=_latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", size=10.5)
    for paragraph in paragraphs:
        _paragraph(pdf, paragraph)
        pdf.ln(6)
    return RenderedLetter(pdf=bytes(pdf.output()), pages=pdf.pages_count)

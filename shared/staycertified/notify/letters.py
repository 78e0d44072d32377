"""Postal letters as PDF, laid out for a standard #10 window envelope: one layout for every notice.

Layout (US Letter, 8.5 x 11 in, tri-folded into a #10 double-window envelope):

- return address (the organisation profile's postal lines, R43): 0.5 in from
  the left, 0.5 in from the top (upper window);
- recipient block: 0.875 in from the left, 2.125 in from the top, at most
  4 in wide and 1 in high (5 lines of 10 pt), which shows through the
  standard recipient window (4.5 x 1.125 in, 7/8 in from the left and 1/2 in
  from the bottom of the envelope) when the top third is folded in;
- the letter body starts below the first fold (3.67 in): title, then the
  blocks the notice's `letter.txt` template rendered (`notify.render`):
  paragraphs, headings, tables of (label, value).

fpdf2 costs ~0.7 s to import, so it is imported inside `render_letter` only:
a handler module that imports this one stays cheap to load.
Paragraphs are wrapped here at a fixed width rather than by fpdf's
`multi_cell` (which measures every word), never inside a word or at a hyphen
(an invoice number stays on one line): a letter renders in about 2 ms.
Core fonts are Latin-1: other characters are transliterated (`_latin1`).
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from staycertified.notify.render import LetterBlock

INCH = 72.0  # points
RECIPIENT_LEFT = 0.875 * INCH
RECIPIENT_TOP = 2.125 * INCH
RECIPIENT_WIDTH = 4.0 * INCH
RECIPIENT_LINE = 12.0  # 10 pt type
RECIPIENT_MAX_LINES = 5
BODY_TOP = 3.85 * INCH
# 6.75 in of 10.5 pt Helvetica hold ~100 average characters; 88 leaves room for wide ones.
WRAP_CHARACTERS = 88


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


def _paragraph(pdf: object, text: str) -> None:
    lines = textwrap.wrap(
        _latin1(text), WRAP_CHARACTERS, break_long_words=False, break_on_hyphens=False
    )
    for line in lines or [""]:
        pdf.cell(w=0, h=14, text=line, new_x="LMARGIN", new_y="NEXT")  # type: ignore[attr-defined]


def _block(pdf: object, block: LetterBlock) -> None:
    cell = pdf.cell  # type: ignore[attr-defined]
    font = pdf.set_font  # type: ignore[attr-defined]
    if block.kind == "heading":
        font("Helvetica", style="B", size=10.5)
        cell(w=0, h=16, text=_latin1(block.text), new_x="LMARGIN", new_y="NEXT")
        font("Helvetica", size=10.5)
        return
    if block.kind == "table":
        for label, value in block.rows:
            font("Helvetica", style="B", size=10.5)
            cell(w=1.6 * INCH, h=16, text=_latin1(label))
            font("Helvetica", size=10.5)
            cell(w=0, h=16, text=_latin1(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)  # type: ignore[attr-defined]
        return
    _paragraph(pdf, block.text)
    pdf.ln(6)  # type: ignore[attr-defined]


def render_letter(
    *,
    title: str,
    address_lines: Sequence[str],
    letter_date: str,
    blocks: Sequence[LetterBlock],
    return_address: Sequence[str],
    creator: str,
) -> RenderedLetter:
    """One letter as PDF bytes, with its page count."""
    from fpdf import FPDF  # lazy: ~0.7 s import, paid only by the functions that print

    pdf = FPDF(orientation="portrait", unit="pt", format="letter")
    pdf.set_auto_page_break(auto=True, margin=0.75 * INCH)
    pdf.set_margins(left=0.875 * INCH, top=0.5 * INCH, right=0.875 * INCH)
    pdf.set_creator(_latin1(creator))
    pdf.set_title(_latin1(title))
    pdf.add_page()

    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(0.5 * INCH, 0.5 * INCH)
    for line in return_address:
        pdf.cell(w=3 * INCH, h=10, text=_latin1(line), new_x="LEFT", new_y="NEXT")

    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(RECIPIENT_LEFT, RECIPIENT_TOP)
    for line in list(address_lines)[:RECIPIENT_MAX_LINES]:
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
    for block in blocks:
        _block(pdf, block)
    return RenderedLetter(pdf=bytes(pdf.output()), pages=pdf.pages_count)

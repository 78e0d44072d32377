"""The words of a CCP compliance notice (R17), by email and as a PDF letter.

Laid out like the renewal letters (`notify.letters`: return address, recipient
block in the #10 window); fpdf2 is imported only when a letter is rendered.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

from staycertified.notify.letters import (
    BODY_TOP,
    INCH,
    RECIPIENT_LEFT,
    RECIPIENT_LINE,
    RECIPIENT_MAX_LINES,
    RECIPIENT_TOP,
    RECIPIENT_WIDTH,
    RETURN_ADDRESS,
    _latin1,
)

KIND = "CCP_NOTICE"
TITLE = "CCP compliance notice"


@dataclass(frozen=True)
class CcpNoticeContent:
    first_name: str
    certification_name: str
    certificate_number: str
    cycle_start: str
    cycle_end: str
    points_required: Decimal
    points_outstanding: Decimal
    days_before_end: int
    letter_date: str


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}"


def paragraphs(notice: CcpNoticeContent) -> list[str]:
    return [
        f"Dear {notice.first_name},",
        (
            f"Your {notice.certification_name} (certificate {notice.certificate_number}) "
            f"CCP cycle runs from {notice.cycle_start} to {notice.cycle_end}. You still need "
            f"{_points(notice.points_outstanding)} of {_points(notice.points_required)} CCP "
            f"points, dated on or before {notice.cycle_end}."
        ),
        (
            "Record your activities (or file a CCP attestation) in your online account. "
            "If the points are not recorded by the end of the cycle, your certification "
            "lapses until they are."
        ),
        "If you have already recorded them, thank you: please disregard this notice.",
    ]


def email_parts(notice: CcpNoticeContent) -> tuple[str, str, str]:
    """(subject, text, html)."""
    subject = f"CCP: {_points(notice.points_outstanding)} points outstanding by {notice.cycle_end}"
    body = paragraphs(notice)
    text = "\n\n".join([*body, "The Stay Certified team"]) + "\n"
    markup = "".join(f"<p>{html.escape(p)}</p>" for p in [*body, "The Stay Certified team"])
    return subject, text, f"<html><body>{markup}</body></html>"


def render_pdf(notice: CcpNoticeContent, address_lines: list[str]) -> bytes:
    from fpdf import FPDF  # lazy: ~0.7 s import

    pdf = FPDF(orientation="portrait", unit="pt", format="letter")
    pdf.set_margins(left=0.875 * INCH, top=0.5 * INCH, right=0.875 * INCH)
    pdf.set_creator("Stay Certified")
    pdf.set_title(TITLE)
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(0.5 * INCH, 0.5 * INCH)
    for line in RETURN_ADDRESS:
        pdf.cell(w=3 * INCH, h=10, text=_latin1(line), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(RECIPIENT_LEFT, RECIPIENT_TOP)
    for line in address_lines[:RECIPIENT_MAX_LINES]:
        pdf.cell(
            w=RECIPIENT_WIDTH, h=RECIPIENT_LINE, text=_latin1(line), new_x="LEFT", new_y="NEXT"
        )
    pdf.set_xy(5.5 * INCH, RECIPIENT_TOP)
    pdf.cell(w=2.125 * INCH, h=RECIPIENT_LINE, text=notice.letter_date, align="R")
    pdf.set_xy(0.875 * INCH, BODY_TOP)
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(w=0, h=18, text=TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", size=10.5)
    for paragraph in paragraphs(notice):
        pdf.multi_cell(w=0, h=14, text=_latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    return bytes(pdf.output())

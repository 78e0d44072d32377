"""The words of a CCP compliance notice (R17), by email and as a PDF letter.

Laid out like every other letter (`notify.letters.render_titled_letter`: return
address, recipient block in the #10 window); fpdf2 is imported only when a letter
is rendered.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

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
    """The letter, in the layout every notice shares (`notify.letters`)."""
    from staycertified.notify.letters import render_titled_letter

    rendered = render_titled_letter(
        title=TITLE,
        address_lines=address_lines,
        letter_date=notice.letter_date,
        paragraphs=paragraphs(notice),
    )
    return rendered.pdf

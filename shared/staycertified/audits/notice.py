"""The words of the audit notice (R26, R27), by email and as a PDF letter.

The letter is laid out like every other letter (`notify.letters.render_titled_letter`);
fpdf2 is imported only when a letter is rendered.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

KIND = "AUDIT_NOTICE"
STEP = "AUDIT_NOTICE"
TITLE = "CCP audit notice"
RETURN_ADDRESS = ("Stay Certified - CCP Audit", "PO Box 1000", "Chicago, IL 60601")


@dataclass(frozen=True)
class AuditNoticeContent:
    first_name: str
    member_id: str
    certification_name: str
    certificate_number: str
    case_id: str
    audit_year: int
    cycle_start: str
    cycle_end: str
    points_required: Decimal
    respond_by: str
    reminder_on: str
    letter_date: str

    @property
    def upload_prefix(self) -> str:
        return f"uploads/{self.member_id}/{self.case_id}/"


def paragraphs(notice: AuditNoticeContent) -> list[str]:
    points = f"{notice.points_required.normalize():f}"
    return [
        f"Dear {notice.first_name},",
        (
            f"Your {notice.certification_name} (certificate {notice.certificate_number}) has "
            f"been selected for the {notice.audit_year} CCP audit, a random sample of the "
            f"certifications whose CCP cycle rolled over in {notice.audit_year - 1}. The audit "
            f"(case {notice.case_id}) covers your CCP cycle from {notice.cycle_start} to "
            f"{notice.cycle_end}, which required {points} points."
        ),
        (
            "What to upload: proof of each activity you recorded or attested for that cycle "
            "(certificate of completion, transcript, or similar). For employment, the "
            "completed employment verification form. Courses taken through our own online CE "
            "are already verified: nothing to upload for them."
        ),
        (
            f"Where: sign in to your online account and upload the documents to audit case "
            f"{notice.case_id} (they are filed under {notice.upload_prefix})."
        ),
        (
            f"Deadline: {notice.respond_by}. We will remind you on {notice.reminder_on}. If the "
            "proof is not received by the deadline, or the verified points fall short of the "
            "requirement, the audit fails and the certification must be recertified."
        ),
    ]


def email_parts(notice: AuditNoticeContent) -> tuple[str, str, str]:
    """(subject, text, html)."""
    subject = f"CCP audit {notice.audit_year}: please upload your proof by {notice.respond_by}"
    body = [*paragraphs(notice), "The Stay Certified team"]
    text = "\n\n".join(body) + "\n"
    markup = "".join(f"<p>{html.escape(p)}</p>" for p in body)
    return subject, text, f"<html><body>{markup}</body></html>"


def render_pdf(notice: AuditNoticeContent, address_lines: list[str]) -> tuple[bytes, int]:
    """(pdf, pages)."""
    from staycertified.notify.letters import render_titled_letter

    rendered = render_titled_letter(
        title=TITLE,
        address_lines=address_lines,
        letter_date=notice.letter_date,
        paragraphs=[*paragraphs(notice), "The Stay Certified team"],
        return_address=RETURN_ADDRESS,
    )
    return rendered.pdf, rendered.pages

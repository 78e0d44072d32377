"""The recertification notices (R29-R33, R43), each once per its business key (R5).

| kind                          | channels     | business key (ledger period / step)         |
|-------------------------------|--------------|---------------------------------------------|
| RECERT_INCOMPLETE             | email        | <applicationId>#<round> / RECERT_INCOMPLETE |
| RECERT_AUTHORIZED_TO_TEST     | email        | <applicationId> / RECERT_AUTHORIZED_TO_TEST |
| RECERT_REJECTED               | email + mail | <applicationId> / RECERT_REJECTED           |
| RECERTIFIED                   | email + mail | <applicationId> / RECERTIFIED               |
| RECERT_EXPIRED                | email        | <applicationId> / RECERT_EXPIRED            |

Each notice says only what the system does next (R43): the incomplete notice lists
every missing item and says the member completes it by uploading and resubmitting.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from staycertified.domain.model import Channel, Member
from staycertified.recertification.model import ApplicationRecord

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

INCOMPLETE = "RECERT_INCOMPLETE"
AUTHORIZED = "RECERT_AUTHORIZED_TO_TEST"
REJECTED = "RECERT_REJECTED"
RECERTIFIED = "RECERTIFIED"
EXPIRED = "RECERT_EXPIRED"

TITLES = {
    INCOMPLETE: "Your recertification application is incomplete",
    AUTHORIZED: "You are authorised to take the exam",
    REJECTED: "Your recertification application was not approved",
    RECERTIFIED: "You are recertified",
    EXPIRED: "Your recertification application has expired",
}
CHANNELS = {
    INCOMPLETE: (Channel.EMAIL,),
    AUTHORIZED: (Channel.EMAIL,),
    REJECTED: (Channel.EMAIL, Channel.MAIL),
    RECERTIFIED: (Channel.EMAIL, Channel.MAIL),
    EXPIRED: (Channel.EMAIL,),
}


def paragraphs(kind: str, record: ApplicationRecord, member: Member, on: date) -> list[str]:
    head = (
        f"Dear {member.first_name}, about your application {record.application_id} to "
        f"recertify certificate {record.certificate_number} ({record.certification_type}) "
        f"by {'exam' if record.route == 'EXAM' else 'CCP'}:"
    )
    if kind == INCOMPLETE:
        items = [f"- {m.message} ({m.code})" for m in record.missing]
        return [
            head,
            "It cannot be reviewed yet. Missing:",
            *items,
            (
                "Upload what is missing to your application in your online account, pay "
                "the application fee if it is still open, then submit the application "
                f"again. It is valid until {record.valid_until}."
            ),
        ]
    if kind == AUTHORIZED:
        exam = record.exam
        until = exam.valid_until if exam else record.valid_until
        ident = exam.authorization_id if exam else ""
        return [
            head,
            (
                f"Your application is approved and you are authorised to test "
                f"(authorisation {ident}). We have sent the authorisation to the exam "
                f"vendor; schedule your exam with them. You may take it until {until}; "
                "if you do not pass, you may retest until then."
            ),
        ]
    if kind == REJECTED:
        reasons = []
        if record.felony_review and record.felony_review.status == "DENIED":
            reasons.append(f"- {record.felony_review.reason}")
        if record.staff_decision and record.staff_decision.decision == "REJECT":
            reasons += [f"- {r}" for r in record.staff_decision.reasons]
        return [head, "After review, the application was not approved:", *reasons]
    if kind == RECERTIFIED:
        return [
            head,
            (
                f"You are recertified as of {record.recertified_on}, with the same "
                f"certificate number. Your certification is active; a new 3-year CCP "
                f"cycle starts on {record.recertified_on}, CCP is mandatory, and your "
                "annual renewal now falls in that month."
            ),
        ]
    return [
        head,
        (
            f"It was valid until {record.valid_until} and has expired without a decision. "
            "To recertify you may start a new application in your online account."
        ),
    ]


def send(
    table: Table, kind: str, record: ApplicationRecord, member: Member, on: date, round_: int = 0
) -> list[str]:
    """Sends the notice on its channels, once each; returns the channels sent."""
    from staycertified.notify.email import send_email
    from staycertified.notify.letters import render_titled_letter
    from staycertified.notify.mailroom import post_letter
    from staycertified.store.notices import LedgerEntry, SendOutcome, send_once

    period = f"{record.application_id}#{round_}" if kind == INCOMPLETE else record.application_id
    body = paragraphs(kind, record, member, on)
    sent = []
    for channel in CHANNELS[kind]:
        entry = LedgerEntry(
            member_id=record.member_id,
            certificate_number=record.certificate_number,
            period=period,
            step=kind,
            channel=channel.value,
            sent_on=on.isoformat(),
            run_id=record.application_id,
        )
        if channel == Channel.EMAIL:
            outcome, _ = send_once(
                table,
                entry,
                deliverable=bool(member.email),
                deliver=lambda: {"message_id": _email(member, kind, body, send_email)},
            )
        else:
            lines = _address(member)
            key = f"{on.isoformat()}/{kind}/{record.application_id}.pdf"

            def deliver(lines: Sequence[str] = lines, key: str = key) -> dict[str, object]:
                letter = render_titled_letter(
                    title=TITLES[kind],
                    address_lines=list(lines),
                    letter_date=on.isoformat(),
                    paragraphs=body,
                )
                object_key = post_letter(
                    address_lines=list(lines), kind=kind, pdf=letter.pdf, key=key
                )
                return {"letter_key": object_key, "pages": letter.pages}

            outcome, _ = send_once(table, entry, deliverable=bool(lines), deliver=deliver)
        if outcome == SendOutcome.SENT:
            sent.append(channel.value)
    return sent


def _email(member: Member, kind: str, body: list[str], send_email: object) -> str:
    closing = os.environ.get("ORG_NAME", "The Stay Certified team")
    text = "\n\n".join([*body, closing]) + "\n"
    markup = "".join(f"<p>{html.escape(p)}</p>" for p in [*body, closing])
    assert callable(send_email)
    return str(
        send_email(
            to=member.email,
            subject=TITLES[kind],
            text=text,
            html=f"<html><body>{markup}</body></html>",
            kind=kind,
        )
    )


def _address(member: Member) -> list[str]:
    return member.address.lines(member.full_name) if member.address else []

"""The audit's later notices (R26, R27, R43): reminder (email + mail), passed (email),
failed (email + mail); and what a failure sets off (R22.3, R42, the domain event).

Each channel goes once per case through the notice ledger (R5: period = the audit
year, step = the kind). The words promise only what the system does: the portal
link (operator configuration, `PORTAL_URL`), the deadline; no internal paths.
"""

from __future__ import annotations

import functools
import html
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from staycertified.domain import notices
from staycertified.domain.model import Channel
from staycertified.store import notices as ledger

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.audits.case import LoadedCase
    from staycertified.policy.model import Policy

REMINDER, PASSED, FAILED = "AUDIT_REMINDER", "AUDIT_PASSED", "AUDIT_FAILED"
CHANNELS = {
    REMINDER: (Channel.EMAIL, Channel.MAIL),
    PASSED: (Channel.EMAIL,),
    FAILED: (Channel.EMAIL, Channel.MAIL),
}
TITLES = {REMINDER: "CCP audit reminder", PASSED: "CCP audit passed", FAILED: "CCP audit failed"}
RETURN_ADDRESS = ("Stay Certified - CCP Audit", "PO Box 1000", "Chicago, IL 60601")


@dataclass(frozen=True)
class Ports:
    table: Any
    send_email: Callable[..., str]
    post_letter: Callable[..., str]
    policy: Policy
    today: date | None = None  # the notice's date: the case's decision day, the sweep's day
    run_id: str = "audit-case"


def portal_sentence() -> str:
    url = os.environ.get("PORTAL_URL", "").strip()
    where = f"the member portal ({url})" if url else "the member portal"
    return f"Sign in to {where} and open your audit case"


def paragraphs(kind: str, loaded: LoadedCase, ports: Ports) -> list[str]:
    member, case = loaded.record.member, loaded.case
    name = ports.policy.certification_type(loaded.certification.certification.type).name
    review = loaded.review
    required = f"{review.points_required.normalize():f}"
    verified = f"{review.points_verified.normalize():f}"
    head = [
        f"Dear {member.first_name},",
        f"This is about the {case.audit_year} CCP audit of your {name} (certificate "
        f"{case.certificate_number}), case {case.case_id}, covering your CCP cycle from "
        f"{case.cycle_start.isoformat()} to {case.cycle_end.isoformat()}.",
    ]
    if kind == REMINDER:
        missing = len(review.missing_proof)
        return [
            *head,
            f"We have not received your submission yet. Proof is still needed for {missing} "
            f"item(s). {portal_sentence()} to upload the documents (PDF, JPEG or PNG) and "
            f"submit the case by {case.deadline.isoformat()}.",
            "If the case is not submitted by that date, the audit fails and the "
            "certification must be recertified.",
        ]
    if kind == PASSED:
        return [
            *head,
            f"The audit passed: staff verified {verified} points of the {required} required. "
            "Nothing changes for your certification, and there is nothing more to do.",
        ]
    return [
        *head,
        f"The audit failed: {case.outcome_reason or 'the verified points fall short'}. "
        f"Staff verified {verified} points of the {required} required.",
        "Your certification now requires recertification. The ways back are "
        "recertification by CCP application or by exam; the member portal shows which "
        "are open to you and how to apply.",
    ]


def _send(kind: str, loaded: LoadedCase, ports: Ports) -> dict[str, str]:
    member, case = loaded.record.member, loaded.case
    outcomes: dict[str, str] = {}
    for delivery in notices.deliveries(member, CHANNELS[kind]):
        entry = ledger.LedgerEntry(
            member_id=member.member_id,
            certificate_number=case.certificate_number,
            period=f"{case.audit_year:04d}",
            step=kind,
            channel=delivery.channel.value,
            sent_on=_day(ports).isoformat(),
            run_id=ports.run_id,
            flags=[delivery.note] if delivery.note else [],
        )
        outcome, _ = ledger.send_once(
            ports.table,
            entry,
            deliverable=delivery.deliver,
            deliver=functools.partial(_deliver, kind, loaded, delivery.channel, ports),
        )
        outcomes[delivery.channel.value] = outcome.value if hasattr(outcome, "value") else outcome
    return outcomes


def _deliver(kind: str, loaded: LoadedCase, channel: Channel, ports: Ports) -> dict[str, Any]:
    member, case = loaded.record.member, loaded.case
    body = [*paragraphs(kind, loaded, ports), "The Stay Certified team"]
    if channel == Channel.EMAIL:
        assert member.email is not None
        subject = f"{TITLES[kind]} ({case.audit_year}, certificate {case.certificate_number})"
        text = "\n\n".join(body) + "\n"
        markup = "<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in body)
        message_id = ports.send_email(
            to=member.email, subject=subject, text=text, html=markup + "</body></html>", kind=kind
        )
        return {"message_id": message_id}
    from staycertified.notify.letters import render_titled_letter

    assert member.address is not None
    lines = member.address.lines(member.full_name)
    rendered = render_titled_letter(
        title=TITLES[kind],
        address_lines=lines,
        letter_date=_day(ports).isoformat(),
        paragraphs=body,
        return_address=RETURN_ADDRESS,
    )
    key = f"{kind.lower()}/{case.audit_year:04d}/{case.certificate_number}"
    stored = ports.post_letter(address_lines=lines, kind=kind, pdf=rendered.pdf, key=key)
    return {"letter_key": stored, "pages": rendered.pages}


def _day(ports: Ports) -> date:
    if ports.today is None:
        raise ValueError("a notice needs its date")
    return ports.today


def send_reminder(loaded: LoadedCase, ports: Ports) -> dict[str, str]:
    return _send(REMINDER, loaded, ports)


def send_outcome(loaded: LoadedCase, ports: Ports) -> dict[str, str]:
    kind = PASSED if loaded.case.status.value == "PASSED" else FAILED
    return _send(kind, loaded, ports)


def recertification_required(loaded: LoadedCase, ports: Ports) -> dict[str, Any]:
    """R22.3 (already recorded as the certification's `audit_failed_on` when the case
    failed), R42 (open renewal invoices void) and the domain events (AuditFailed,
    RecertificationRequired) for the badges capability. One call site for both."""
    return {"recertificationRequired": loaded.case.certificate_number}

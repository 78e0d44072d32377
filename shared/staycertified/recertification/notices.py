"""The recertification notices (R29-R33, R43) through the one notice pipeline
(`staycertified.notify`: catalogue kinds, Jinja2 templates, once per business key, R5).

| kind                          | channels     | business key (period)           |
|-------------------------------|--------------|---------------------------------|
| RECERT_INCOMPLETE             | email        | <applicationId>#<round>          |
| RECERT_AUTHORIZED_TO_TEST     | email        | <applicationId>                  |
| RECERT_REJECTED               | email + mail | <applicationId>                  |
| RECERTIFIED                   | email + mail | <applicationId>                  |
| RECERT_EXPIRED                | email        | <applicationId>                  |

Each notice says only what the system does next (R43): the incomplete notice lists
every missing item; the member completes it by uploading and resubmitting.
"""

from __future__ import annotations

from calendar import month_name
from datetime import date
from typing import TYPE_CHECKING, Any

from staycertified.domain.application import ApplicationRecord

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.domain.model import Member

INCOMPLETE = "RECERT_INCOMPLETE"
AUTHORIZED = "RECERT_AUTHORIZED_TO_TEST"
REJECTED = "RECERT_REJECTED"
RECERTIFIED = "RECERTIFIED"
EXPIRED = "RECERT_EXPIRED"


def _context(record: ApplicationRecord, member: Member, extra: dict[str, Any]) -> dict[str, Any]:
    from staycertified.policy import load_policy

    catalogue = load_policy().catalogue.get(record.certification_type)
    reasons: list[str] = []
    if record.felony_review and record.felony_review.status == "DENIED":
        reasons.append(record.felony_review.reason)
    if record.staff_decision and record.staff_decision.decision == "REJECT":
        reasons += list(record.staff_decision.reasons)
    exam = record.exam
    return {
        "first_name": member.first_name,
        "application_id": record.application_id,
        "certificate_number": record.certificate_number,
        "certification_type": record.certification_type,
        "certification_name": catalogue.name if catalogue else record.certification_type,
        "route_name": "exam" if record.route == "EXAM" else "CCP application",
        "valid_until": record.valid_until.isoformat(),
        "fee_invoice_id": record.fee_invoice_id,
        "missing": [{"code": m.code, "message": m.message} for m in record.missing],
        "reasons": reasons,
        "authorization_id": exam.authorization_id if exam else "",
        "exam_valid_until": exam.valid_until.isoformat() if exam else "",
        "recertified_on": record.recertified_on.isoformat() if record.recertified_on else "",
    } | extra


def send(
    table: Any,
    kind: str,
    record: ApplicationRecord,
    member: Member,
    on: date,
    *,
    round_: int = 0,
    **extra: Any,
) -> list[str]:
    """Sends the notice on its catalogue channels, once each; returns the channels sent."""
    from staycertified.notify.outbox import Notice, Outbox

    period = f"{record.application_id}#{round_}" if kind == INCOMPLETE else record.application_id
    if "anniversary_month" not in extra and record.recertified_on is not None:
        extra["anniversary_month"] = month_name[record.recertified_on.month]
    notice = Notice(
        kind=kind,
        member=member,
        certificate_number=record.certificate_number,
        period=period,
        context=_context(record, member, extra),
        letter_key=f"recertification/{record.application_id}/{kind.lower()}",
        letter_date=on.isoformat(),
    )
    with Outbox(
        table,
        claimant=f"{record.application_id}#{kind}",
        run_id=record.application_id,
        sent_on=on.isoformat(),
    ) as outbox:
        deliveries = outbox.send(notice)
    return [d.channel.value for d in deliveries if d.outcome == "SENT"]

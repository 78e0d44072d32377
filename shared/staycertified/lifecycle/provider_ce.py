"""R13: the body's own online CE, recorded automatically, verified, once per completion."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from staycertified import recording as credit
from staycertified.domain import ccp
from staycertified.domain.errors import DomainError
from staycertified.domain.model import ActivitySource, Category, Qualifies, Unit
from staycertified.store import members as member_store
from staycertified.triggers import CourseCompleted

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.policy import Policy
    from staycertified.store.members import CertificationRecord, MemberRecord

PROVIDER_NAME = "Stay Certified online CE"
UNKNOWN_MEMBER = "UNKNOWN_MEMBER"


class CompletionOutcome(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    status: str  # RECORDED, DUPLICATE, REJECTED
    activity_id: str | None = None
    codes: tuple[str, ...] = ()


COMPLETION_OVER_CAP = (
    "COMPLETION_HOURS_OVER_CAP"  # finding 4: policy ccp.provider_completion_max_hours
)


def activity_id_for(completion_id: str) -> str:
    return f"PCE-{completion_id}"


def _certification(record: MemberRecord, wanted: str | None) -> CertificationRecord | None:
    if wanted is not None:
        return record.certification(wanted)
    if not record.certifications:
        return None
    mandatory = [c for c in record.certifications if ccp.is_mandatory(c.certification)]
    return (mandatory or record.certifications)[0]


def record_completion(
    table: Table, detail: CourseCompleted, today: date, policy: Policy
) -> CompletionOutcome:
    """Records the completion as a verified PROVIDER activity, or says why not."""
    from staycertified.domain.activities import ActivityDraft, record_activity
    from staycertified.domain.errors import RuleViolations
    from staycertified.domain.recording import recording_cycle
    from staycertified.store import activities as activity_store

    hours = detail.contact_hours if detail.contact_hours is not None else detail.ceu * 10  # type: ignore[operator]
    if hours > policy.ccp.provider_completion_max_hours.at(today):
        return CompletionOutcome(status="REJECTED", codes=(COMPLETION_OVER_CAP,))
    record = member_store.load_member(table, detail.member_id)
    cert = _certification(record, detail.certificate_number) if record else None
    if record is None or cert is None:
        return CompletionOutcome(status="REJECTED", codes=(UNKNOWN_MEMBER,))
    hours = detail.contact_hours is not None
    draft = ActivityDraft(
        category=Category.PROFESSIONAL_EDUCATION.value,
        unit=(Unit.CONTACT_HOUR if hours else Unit.CEU).value,
        title=detail.title,
        quantity=detail.contact_hours if detail.contact_hours is not None else detail.ceu,  # type: ignore[arg-type]
        qualifies=Qualifies.HEALTHCARE_KNOWLEDGE,
        provider=PROVIDER_NAME,
        completed_on=detail.completed_on,
        source=ActivitySource.PROVIDER,
    )
    activity_id = activity_id_for(detail.completion_id)
    if any(a.activity_id == activity_id for a in cert.activities):
        stored = next(a for a in cert.activities if a.activity_id == activity_id)
        credit.finish_recorded(table, detail.member_id, cert, stored, today, policy)
        return CompletionOutcome(status="DUPLICATE", activity_id=activity_id)
    cycle = recording_cycle(cert, detail.completed_on, today, policy)
    try:
        activity = record_activity(draft, cycle, today, policy, activity_id)
    except RuleViolations as violations:
        return CompletionOutcome(status="REJECTED", codes=tuple(violations.codes))
    except DomainError as error:
        return CompletionOutcome(status="REJECTED", codes=(error.code,))
    outcome = activity_store.put_provider_activity(
        table, detail.member_id, detail.completion_id, activity
    )
    # R21: points dated inside a lapsed cycle cure it; R16 rolls it over (once)
    updated = cert.model_copy(update={"activities": (*cert.activities, activity)})
    credit.roll_over_if_cured(table, detail.member_id, updated, cycle, today, policy)
    return CompletionOutcome(
        status="RECORDED" if outcome.created else "DUPLICATE", activity_id=activity_id
    )

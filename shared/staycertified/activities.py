"""Recording and listing a member's CCP activities (R10-R14, R19, R21), whoever asks.

`record_activity` is what a member's or staff's activity does once it has been read
into an `ActivityDraft`: the member's record (one Query), the cycle it counts in
(R12, R21), the domain's checks (every broken rule at once), one write, and what
follows recording credit (`staycertified.recording`: a cured cycle rolls over, R16).
With an Idempotency-Key it records at most once per member and key: a replay is
answered from the key before the draft is judged again, because by then the first
may have cured its cycle and the same date would no longer be accepted (R21).

Returns domain values (`Recorded`); refuses with `refusals.Refused` (the member or
certification unknown, the key reused for another request) or the domain's
`DomainError`/`RuleViolations`. No HTTP status here: the API maps the codes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from staycertified import members
from staycertified import recording as credit
from staycertified.refusals import IDEMPOTENCY_KEY_REUSED, Refused

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.activities import ActivityDraft
    from staycertified.domain.decisions import Reason
    from staycertified.domain.model import Activity
    from staycertified.domain.policy import Policy
    from staycertified.store.activities import WriteOutcome
    from staycertified.store.members import CertificationRecord, MemberRecord


@dataclass(frozen=True)
class Recorded:
    """The activity recorded (or recorded by the first request of a replay), the
    certification holding it, and what the member should know (R11, R13, R14)."""

    certification: CertificationRecord
    activity: Activity
    warnings: tuple[Reason, ...]
    replayed: bool


def activity_id(member_id: str, idempotency_key: str | None) -> str:
    """A new id, or the one id a member's key stands for (the same on every retry)."""
    if idempotency_key is None:
        return "A" + uuid.uuid4().hex[:20].upper()
    digest = hashlib.sha256(f"{member_id}\n{idempotency_key}".encode()).hexdigest()
    return "A" + digest[:20].upper()


def record_activity(
    table: Table,
    member_id: str,
    certificate_number: str | None,
    draft: ActivityDraft,
    today: date,
    policy: Policy,
    *,
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> Recorded:
    """Validates (every broken rule at once), computes the points, writes once.

    `fingerprint` identifies the request as sent, so a key reused for another one is
    refused (`IDEMPOTENCY_KEY_REUSED`) and nothing is written."""
    from staycertified.domain import activities as domain_activities
    from staycertified.domain import recording
    from staycertified.store import activities as activity_store

    record = members.member_record(table, member_id)
    cert = members.certification_named(record, certificate_number)
    if idempotency_key is not None:
        earlier = activity_store.earlier_request(table, member_id, idempotency_key, fingerprint)
        if earlier is not None:
            return _replayed(table, member_id, cert, earlier, today, policy, draft=draft)
    cycle = recording.recording_cycle(cert, draft.effective_date, today, policy)
    activity, notes = domain_activities.record_activity_noted(
        draft, cycle, today, policy, activity_id(member_id, idempotency_key)
    )
    outcome = activity_store.put_member_activity(
        table, member_id, activity, idempotency_key=idempotency_key, fingerprint=fingerprint
    )
    if not outcome.created:  # a concurrent request with the same key won the write
        record = members.member_record(table, member_id)
        cert = members.certification_named(record, cert.certification.certificate_number)
        return _replayed(table, member_id, cert, outcome, today, policy, notes)
    warned = _warnings(notes, activity, cert.activities)
    updated = cert.model_copy(update={"activities": (*cert.activities, activity)})
    credit.roll_over_if_cured(table, member_id, updated, cycle, today, policy)  # R21, R16
    return Recorded(updated, activity, warned, replayed=False)


def _replayed(
    table: Table,
    member_id: str,
    cert: CertificationRecord,
    earlier: WriteOutcome,
    today: date,
    policy: Policy,
    notes: Sequence[Reason] = (),
    *,
    draft: ActivityDraft | None = None,
) -> Recorded:
    """A request replayed with its Idempotency-Key: the activity the first one recorded,
    with the rollover the first may have died before finished (R21, R16), and the
    warnings the first answer gave (`draft`: the replayed request, read again)."""
    if not earlier.matches:
        raise Refused(
            IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used for a different request."
        )
    recorded = next((a for a in cert.activities if a.activity_id == earlier.activity_id), None)
    if recorded is None:  # pragma: no cover - the marker and the activity are written together
        raise Refused(IDEMPOTENCY_KEY_REUSED, "The earlier request is not visible yet.")
    credit.finish_recorded(table, member_id, cert, recorded, today, policy)
    if draft is not None:
        notes = _first_notes(draft, cert, recorded, today, policy)
    return Recorded(cert, recorded, _warnings(notes, recorded, cert.activities), replayed=True)


def _first_notes(
    draft: ActivityDraft,
    cert: CertificationRecord,
    recorded: Activity,
    today: date,
    policy: Policy,
) -> tuple[Reason, ...]:
    """The R11/R14 notes of the first answer: the draft assessed again against the cycle
    the activity was recorded in (the current cycle may have moved on since, R21)."""
    from staycertified.domain.activities import assess_activity

    cycle = cert.cycle_containing(recorded.effective_date, today, policy)
    if cycle is None:
        return ()
    award, _ = assess_activity(draft, cycle, today, policy)
    return award.notes if award is not None else ()


def _warnings(
    notes: Sequence[Reason], activity: Activity, recorded: Sequence[Activity]
) -> tuple[Reason, ...]:
    """What the answer tells although the activity is recorded (R11, R13, R14)."""
    from staycertified.domain.activities import possible_duplicates

    return (*notes, *possible_duplicates(activity, recorded))


def activities_of(
    record: MemberRecord, which: str, today: date, policy: Policy
) -> list[tuple[CertificationRecord, Activity]]:
    """Every activity of the member (`which` "all"), or those of each certification's
    current cycle ("current"), in date order per certification."""
    found = []
    for cert in record.certifications:
        current = cert.current_cycle(today, policy)
        for activity in sorted(cert.activities, key=lambda a: (a.effective_date, a.activity_id)):
            if which == "current" and not current.start <= activity.effective_date <= current.end:
                continue
            found.append((cert, activity))
    return found

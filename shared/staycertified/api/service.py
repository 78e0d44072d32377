"""What the routes do: read the member record (one Query), ask the domain, write
through the store, and shape the answer. No rule is decided here (STYLE §1).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from staycertified import recording as credit
from staycertified.api import errors
from staycertified.api.schemas import (
    ActivityIn,
    ActivityList,
    ActivityOut,
    AddressOut,
    AttestationIn,
    AttestationOut,
    CategoryList,
    CategoryOut,
    ContactChangeOut,
    ContactIn,
    ContactOut,
    Dashboard,
    InvoiceList,
    InvoiceOut,
    MemberSearch,
    MemberStatus,
    MemberSummary,
    NoticeOut,
    PaymentOut,
    StaffMemberRecord,
    StaffPaymentIn,
    VerificationOut,
)
from staycertified.domain import recording
from staycertified.domain.model import ActivitySource, Qualifies
from staycertified.store import members as member_store

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.model import Member
    from staycertified.store.members import CertificationRecord, MemberRecord


def _policy() -> Any:
    from staycertified.policy import load_policy

    return load_policy()


def _load(table: Table, member_id: str) -> MemberRecord:
    record = member_store.load_member(table, member_id)
    if record is None:
        raise errors.not_found()
    return record


def _certification(record: MemberRecord, certificate_number: str | None) -> CertificationRecord:
    """The certification named, or the member's only one; several and none named → 422."""
    if certificate_number is not None:
        found = record.certification(certificate_number)
        if found is None:
            raise errors.not_found("certification")
        return found
    if len(record.certifications) == 1:
        return record.certifications[0]
    if not record.certifications:
        raise errors.not_found("certification")
    raise errors.ApiError(
        422,
        "CERTIFICATE_NUMBER_REQUIRED",
        "The member has several certifications: name one in certificateNumber.",
        [
            {
                "rule": "R37",
                "code": "CERTIFICATE_NUMBER_REQUIRED",
                "message": "certificateNumber is required",
            }
        ],
    )


# ---------------------------------------------------------------- status (R37)


def member_status(table: Table, member_id: str, today: date) -> MemberStatus:
    """R37 in exactly one DynamoDB Query (the member's partition)."""
    from staycertified.api import status

    record = _load(table, member_id)
    return status.member_status(record, today, _policy())


# ---------------------------------------------------------------- activities


def _fingerprint(body: ActivityIn) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _activity_id(member_id: str, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return "A" + uuid.uuid4().hex[:20].upper()
    digest = hashlib.sha256(f"{member_id}\n{idempotency_key}".encode()).hexdigest()
    return "A" + digest[:20].upper()


def _draft(body: ActivityIn, source: ActivitySource) -> Any:
    from staycertified.domain.activities import ActivityDraft

    qualifies = body.qualifies if body.qualifies in Qualifies.__members__ else None
    return ActivityDraft(
        category=body.category,
        unit=body.unit,
        title=body.title,
        quantity=body.quantity,
        qualifies=qualifies,
        provider=body.provider,
        completed_on=body.completed_on,
        period_start=body.period_start,
        period_end=body.period_end,
        first_delivery=body.first_delivery,
        source=source,
    )


def record_activity(
    table: Table,
    member_id: str,
    body: ActivityIn,
    today: date,
    *,
    idempotency_key: str | None = None,
    staff: bool = False,
) -> tuple[ActivityOut, bool]:
    """Validates (every broken rule at once), computes the points, writes once.

    Returns the recorded activity and whether this was a replay of an earlier
    request with the same Idempotency-Key (then nothing was written).
    """
    from staycertified.api import status
    from staycertified.domain import activities as domain_activities
    from staycertified.store import activities as activity_store

    policy = _policy()
    record = _load(table, member_id)
    cert = _certification(record, body.certificate_number)
    draft = _draft(body, ActivitySource.STAFF if staff else ActivitySource.MEMBER)
    if idempotency_key is not None:
        # A replay is answered before the body is judged again: by now the activity may
        # have cured its cycle, and the same date would no longer be accepted (R21).
        earlier = activity_store.earlier_request(
            table, member_id, idempotency_key, _fingerprint(body)
        )
        if earlier is not None:
            return _replayed(table, member_id, cert, earlier, today, policy), True
    cycle = recording.recording_cycle(cert, draft.effective_date, today, policy)
    activity, notes = domain_activities.record_activity_noted(
        draft, cycle, today, policy, _activity_id(member_id, idempotency_key)
    )
    outcome = activity_store.put_member_activity(
        table, member_id, activity, idempotency_key=idempotency_key, fingerprint=_fingerprint(body)
    )
    if not outcome.created:  # a concurrent request with the same key won the write
        record = _load(table, member_id)
        cert = _certification(record, cert.certification.certificate_number)
        return _replayed(table, member_id, cert, outcome, today, policy, notes), True
    warned = _warnings(notes, activity, cert.activities)
    updated = cert.model_copy(update={"activities": (*cert.activities, activity)})
    credit.roll_over_if_cured(table, member_id, updated, cycle, today, policy)  # R21, R16
    return status.activity_out(updated, activity, today, policy, warned), False


def _replayed(
    table: Table,
    member_id: str,
    cert: CertificationRecord,
    earlier: Any,
    today: date,
    policy: Any,
    notes: Sequence[Any] = (),
) -> ActivityOut:
    """The answer to a request replayed with its Idempotency-Key: the activity the first
    one recorded. The first may have died between its write and the rollover of the
    cycle it cured (R21, R16): that is finished here, once."""
    from staycertified.api import status

    if not earlier.matches:
        raise errors.ApiError(
            409, errors.CONFLICT, "This Idempotency-Key was used for a different request."
        )
    recorded = next((a for a in cert.activities if a.activity_id == earlier.activity_id), None)
    if recorded is None:  # pragma: no cover - the marker and the activity are written together
        raise errors.ApiError(409, errors.CONFLICT, "The earlier request is not visible yet.")
    credited = cert.cycle_containing(recorded.effective_date, today, policy)
    if credited is not None:
        credit.roll_over_if_cured(table, member_id, cert, credited, today, policy)
    warned = _warnings(list(notes), recorded, cert.activities)
    return status.activity_out(cert, recorded, today, policy, warned)


def _warnings(notes: Any, activity: Any, recorded: Sequence[Any]) -> list[Any]:
    """What the answer tells although the activity is recorded (R11, R13, R14)."""
    from staycertified.domain.activities import possible_duplicates

    return [*notes, *possible_duplicates(activity, recorded)]


def list_activities(table: Table, member_id: str, which: str, today: date) -> ActivityList:
    from staycertified.api import status

    policy = _policy()
    record = _load(table, member_id)
    out: list[ActivityOut] = []
    for cert in record.certifications:
        current = cert.current_cycle(today, policy)
        for activity in sorted(cert.activities, key=lambda a: (a.effective_date, a.activity_id)):
            if which == "current" and not current.start <= activity.effective_date <= current.end:
                continue
            out.append(status.activity_out(cert, activity, today, policy))
    return ActivityList(member_id=member_id, cycle=which, activities=out)  # type: ignore[arg-type]


# ---------------------------------------------------------------- attestations (R18)


def file_attestation(
    table: Table, member_id: str, body: AttestationIn, today: date
) -> AttestationOut:
    from staycertified.api import status
    from staycertified.store import attestations as attestation_store

    policy = _policy()
    record = _load(table, member_id)
    cert = _certification(record, body.certificate_number)
    attestation, cycle = status.attest(cert, body, record.member, today, policy)
    if not attestation_store.put_attestation(table, member_id, attestation):
        raise errors.ApiError(
            409,
            "ATTESTATION_ALREADY_FILED",
            "An attestation was already filed for this cycle.",
            [{"rule": "R18", "code": "ATTESTATION_ALREADY_FILED", "message": "one per cycle"}],
        )
    if attestation.cures:  # R21: the ended cycle made compliant rolls over now (R16)
        updated = cert.model_copy(update={"attestations": (*cert.attestations, attestation)})
        credit.roll_over_if_cured(table, member_id, updated, cycle, today, policy)
    return AttestationOut(
        certificate_number=attestation.certificate_number,
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        points_claimed=float(attestation.total_points),
        signed_on=attestation.signed_on,
    )


# ---------------------------------------------------------------- invoices, payments


def list_invoices(table: Table, member_id: str) -> InvoiceList:
    """R6: the member's invoices, through `staycertified.payments.service`."""
    from staycertified.payments import service as billing

    try:
        return InvoiceList.model_validate(billing.list_invoices(member_id, table=table))
    except billing.PaymentRefused as error:
        raise _from_payment_refused(error) from None


def record_staff_payment(
    table: Table, invoice_id: str, payment: StaffPaymentIn, today: date
) -> PaymentOut:
    """R6/R7: staff record a payment, through `staycertified.payments.service` (once per invoice)."""
    from staycertified.payments import service as billing

    body = payment.model_dump(mode="json")
    try:
        return PaymentOut.model_validate(
            billing.record_staff_payment(invoice_id, body, today=today, table=table)
        )
    except billing.PaymentRefused as error:
        raise _from_payment_refused(error) from None


def _from_payment_refused(error: Any) -> errors.ApiError:
    item = {"rule": error.rule, "code": error.code, "message": error.message}
    return errors.ApiError(errors.status_of(error.code), error.code, error.message, [item])


# ---------------------------------------------------------------- verification (R38)


def verify(table: Table, certificate_number: str, last_name: str, today: date) -> VerificationOut:
    """R38: only name, type, Active / Not active, original date, valid-through.

    An unknown number and a wrong last name give the same 404.
    """
    from staycertified.api import status

    found = member_store.find_certification(table, certificate_number)
    if found is None or found[1].strip().casefold() != last_name.strip().casefold():
        raise errors.not_found("certification")
    record = member_store.load_member(table, found[0].member_id)
    cert = record.certification(found[0].certificate_number) if record else None
    if record is None or cert is None:
        raise errors.not_found("certification")
    return status.verification(record, cert, certificate_number, last_name, today, _policy())


# ---------------------------------------------------------------- CCP categories (R10, R11)


def ccp_categories(today: date) -> CategoryList:
    """The categories a member may record, each with its units and points per unit
    in force today (R10, R11): what the portal's activity form offers."""
    from staycertified.domain.model import Category

    policy = _policy()
    out = []
    for category in Category:
        rule = policy.category_rule(category)
        cap = rule.cap_per_cycle.at(today)
        out.append(
            CategoryOut(
                category=category.value,
                units={unit.value: float(rate) for unit, rate in rule.rates.at(today).items()},
                dated_by="PERIOD" if category == Category.EMPLOYMENT else "COMPLETED_ON",
                cap_per_cycle=float(cap) if cap is not None else None,
                first_delivery_only=rule.first_delivery_only.at(today),
            )
        )
    return CategoryList(as_of=today, categories=out, qualifies=[q.value for q in Qualifies])


# ---------------------------------------------------------------- contact details


def contact_out(member: Member, changed: list[str] | None = None) -> ContactOut:
    address = member.address
    return ContactOut(
        member_id=member.member_id,
        first_name=member.first_name,
        last_name=member.last_name,
        email=member.email,
        address=AddressOut.model_validate(address.model_dump()) if address else None,
        changed=changed or [],
    )


def get_contact(table: Table, member_id: str) -> ContactOut:
    return contact_out(_load(table, member_id).member)


def update_contact(
    table: Table, member_id: str, body: ContactIn, *, changed_by: str, now: datetime
) -> ContactOut:
    """The member (or staff) corrects the email and/or postal address: validated by
    `ContactIn`, written with an audit record of who changed what, when, before and
    after (kept in the member's partition, never logged)."""
    from staycertified.domain.model import PostalAddress

    member = _load(table, member_id).member
    update: dict[str, Any] = {}
    if body.email is not None and body.email != member.email:
        update["email"] = body.email
    if body.address is not None:
        address = PostalAddress.model_validate(
            body.address.model_dump() | {"country": body.address.country.upper()}
        )
        if address != member.address:
            update["address"] = address
    if not update:
        return contact_out(member)
    updated = member.model_copy(update=update)
    before, after = member.model_dump(mode="json"), updated.model_dump(mode="json")
    change = member_store.ContactChange(
        change_id=uuid.uuid4().hex[:12].upper(),
        member_id=member_id,
        changed_at=now.isoformat(),
        changed_by=changed_by,
        fields=sorted(update),
        before={field: before.get(field) for field in update},
        after={field: after.get(field) for field in update},
    )
    try:
        member_store.update_contact(table, updated, change=change)
    except Exception as error:  # botocore ClientError (a transaction cancelled)
        from staycertified.store.table import is_conditional_check_failure

        if is_conditional_check_failure(error) or "TransactionCanceled" in str(error):
            raise errors.not_found() from None
        raise
    return contact_out(updated, sorted(update))


# ---------------------------------------------------------------- staff console


def search_members(table: Table, query: str) -> MemberSearch:
    """Staff search: last name (prefix), "last first", email, member id or certificate
    number, through the indexes (never a Scan)."""
    from boto3.dynamodb.conditions import Key

    from staycertified.store import keys

    members = member_store.search_members(table, query)
    out = []
    for member in members:
        certs = table.query(
            KeyConditionExpression=Key("PK").eq(keys.member_pk(member.member_id))
            & Key("SK").begins_with("CERT#"),
            ProjectionExpression="SK, certificate_number, entity",
        ).get("Items", [])
        numbers = sorted(
            str(item["certificate_number"])
            for item in certs
            if item.get("entity") == "Certification"
        )
        out.append(
            MemberSummary(
                member_id=member.member_id,
                first_name=member.first_name,
                last_name=member.last_name,
                email=member.email,
                certificates=numbers,
            )
        )
    return MemberSearch(query=query, members=out)


def staff_member_record(table: Table, member_id: str, today: date) -> StaffMemberRecord:
    """A member's whole record for staff: contact, standing (R37), every activity,
    invoice and notice sent (channel, date), and the audited contact changes; one
    Query of the member's partition plus one for the contact changes."""
    from staycertified.api import status
    from staycertified.payments import service as billing

    policy = _policy()
    record = _load(table, member_id)
    activities = [
        status.activity_out(cert, activity, today, policy)
        for cert in record.certifications
        for activity in sorted(cert.activities, key=lambda a: (a.effective_date, a.activity_id))
    ]
    invoices = [
        InvoiceOut.model_validate(billing.invoice_view(invoice))
        for cert in record.certifications
        for invoice in sorted(cert.invoices, key=lambda i: i.membership_year)
    ]
    notices = sorted(
        (
            NoticeOut.model_validate(notice.model_dump())
            for cert in record.certifications
            for notice in cert.notices
        ),
        key=lambda n: (n.sent_on, n.certificate_number, n.step, n.channel),
    )
    changes = [
        ContactChangeOut(changed_at=c.changed_at, changed_by=c.changed_by, fields=c.fields)
        for c in member_store.contact_changes(table, member_id)
    ]
    return StaffMemberRecord(
        contact=contact_out(record.member),
        status=status.member_status(record, today, policy),
        activities=activities,
        invoices=invoices,
        notices=notices,
        contact_changes=changes,
    )


def dashboard(table: Table, *, s3: Any, mail_bucket: str) -> Dashboard:
    """The stored snapshots (one Query) and the renewal runs' own reports."""
    from staycertified import dashboard as figures

    return Dashboard(
        snapshots=figures.snapshots(table),
        renewal_runs=figures.renewal_runs(s3, mail_bucket),
    )

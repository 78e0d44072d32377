"""The member API's routes as HTTP: the request's wire shape in, a use-case by noun
(`staycertified.activities`, `attestations`, `standing`, `members`, `payments`,
`dashboard`), the wire shape out. A use-case's refusal becomes its HTTP answer here
(`api.errors.from_refusal`); no rule is decided here (STYLE §1).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

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
)
from staycertified.domain.model import ActivitySource, Qualifies

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.activities import ActivityDraft
    from staycertified.domain.model import Member


def _policy() -> Any:
    from staycertified.policy import load_policy

    return load_policy()


# ---------------------------------------------------------------- status (R37)


def member_status(table: Table, member_id: str, today: date) -> MemberStatus:
    """R37 in exactly one DynamoDB Query (the member's partition)."""
    from staycertified import standing
    from staycertified.api import status

    with errors.answered():
        record, standings = standing.member_standing(table, member_id, today, _policy())
    return status.member_status(record, standings, today)


# ---------------------------------------------------------------- activities


def _fingerprint(body: ActivityIn) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def activity_draft(body: ActivityIn, source: ActivitySource) -> ActivityDraft:
    """The activity as the domain reads it (R10-R14), from the wire shape."""
    from staycertified.domain.activities import ActivityDraft

    qualifies = body.qualifies if body.qualifies in Qualifies.__members__ else None
    return ActivityDraft(
        category=body.category,
        unit=body.unit,
        title=body.title,
        quantity=body.quantity,
        qualifies=qualifies,  # type: ignore[arg-type]
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
    """The recorded activity and whether this was a replay of an earlier request with
    the same Idempotency-Key (then nothing was written): `activities.record_activity`."""
    from staycertified import activities
    from staycertified.api import status

    policy = _policy()
    draft = activity_draft(body, ActivitySource.STAFF if staff else ActivitySource.MEMBER)
    with errors.answered():
        recorded = activities.record_activity(
            table,
            member_id,
            body.certificate_number,
            draft,
            today,
            policy,
            idempotency_key=idempotency_key,
            fingerprint=_fingerprint(body),
        )
    out = status.activity_out(
        recorded.certification, recorded.activity, today, policy, recorded.warnings
    )
    return out, recorded.replayed


def list_activities(table: Table, member_id: str, which: str, today: date) -> ActivityList:
    from staycertified import activities, members
    from staycertified.api import status

    policy = _policy()
    with errors.answered():
        record = members.member_record(table, member_id)
    out = [
        status.activity_out(cert, activity, today, policy)
        for cert, activity in activities.activities_of(record, which, today, policy)
    ]
    return ActivityList(member_id=member_id, cycle=which, activities=out)  # type: ignore[arg-type]


# ---------------------------------------------------------------- attestations (R18)


def file_attestation(
    table: Table, member_id: str, body: AttestationIn, today: date
) -> AttestationOut:
    from staycertified import attestations

    with errors.answered():
        claim = attestations.Claim(body.points_by_category, body.signed_by, body.affirmed)
        attestation, cycle = attestations.file_attestation(
            table, member_id, body.certificate_number, claim, today, _policy()
        )
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

    with errors.answered():
        return InvoiceList.model_validate(billing.list_invoices(member_id, table=table))


def record_staff_payment(
    table: Table, invoice_id: str, payment: StaffPaymentIn, today: date
) -> PaymentOut:
    """R6/R7: staff record a payment, through `staycertified.payments.service` (once per invoice)."""
    from staycertified.payments import service as billing

    body = payment.model_dump(mode="json")
    with errors.answered():
        return PaymentOut.model_validate(
            billing.record_staff_payment(invoice_id, body, today=today, table=table)
        )


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
    from staycertified import members

    with errors.answered():
        return contact_out(members.member_record(table, member_id).member)


def update_contact(
    table: Table, member_id: str, body: ContactIn, *, changed_by: str, now: datetime
) -> ContactOut:
    """The member (or staff) corrects the email and/or postal address: validated by
    `ContactIn`, written by `members.update_contact` with an audit record."""
    from staycertified import members
    from staycertified.domain.model import PostalAddress

    address = None
    if body.address is not None:
        address = PostalAddress.model_validate(
            body.address.model_dump() | {"country": body.address.country.upper()}
        )
    with errors.answered():
        member, changed = members.update_contact(
            table, member_id, email=body.email, address=address, changed_by=changed_by, now=now
        )
    return contact_out(member, changed)


# ---------------------------------------------------------------- staff console


def search_members(table: Table, query: str) -> MemberSearch:
    """Staff search: last name (prefix), "last first", email, member id or certificate
    number, through the indexes (never a Scan)."""
    from staycertified import members

    out = [
        MemberSummary(
            member_id=member.member_id,
            first_name=member.first_name,
            last_name=member.last_name,
            email=member.email,
            certificates=numbers,
        )
        for member, numbers in members.search_members(table, query)
    ]
    return MemberSearch(query=query, members=out)


def staff_member_record(table: Table, member_id: str, today: date) -> StaffMemberRecord:
    """A member's whole record for staff: contact, standing (R37), every activity,
    invoice and notice sent (channel, date), and the audited contact changes; one
    Query of the member's partition plus one for the contact changes."""
    from staycertified import activities, standing
    from staycertified.api import status
    from staycertified.payments import service as billing
    from staycertified.store import members as member_store

    policy = _policy()
    with errors.answered():
        record, standings = standing.member_standing(table, member_id, today, policy)
    activity_views = [
        status.activity_out(cert, activity, today, policy)
        for cert, activity in activities.activities_of(record, "all", today, policy)
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
        status=status.member_status(record, standings, today),
        activities=activity_views,
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

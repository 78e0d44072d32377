"""The member's record, read for a use-case, and the member's contact details.

`member_record` reads the member's partition in one Query (R37) or refuses with
`refusals.Unknown`; `certification_named` picks the certification a request is
about. Contact details are corrected by the member or staff with an audit record
of who changed what, when, before and after (kept in the member's partition, never
logged); staff find members through the indexes, never a Scan.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from staycertified.domain.errors import DomainError
from staycertified.refusals import CERTIFICATE_NUMBER_REQUIRED, Refused, Unknown
from staycertified.store import members as member_store

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.model import Member, PostalAddress
    from staycertified.store.members import CertificationRecord, MemberRecord


def member_record(table: Table, member_id: str) -> MemberRecord:
    record = member_store.load_member(table, member_id)
    if record is None:
        raise Unknown()
    return record


def certification_named(
    record: MemberRecord, certificate_number: str | None
) -> CertificationRecord:
    """The certification named, or the member's only one; several and none named is refused."""
    if certificate_number is not None:
        found = record.certification(certificate_number)
        if found is None:
            raise Unknown("certification")
        return found
    if len(record.certifications) == 1:
        return record.certifications[0]
    if not record.certifications:
        raise Unknown("certification")
    raise Refused(
        CERTIFICATE_NUMBER_REQUIRED,
        "The member has several certifications: name one in certificateNumber.",
        [DomainError(CERTIFICATE_NUMBER_REQUIRED, "certificateNumber is required", "R37")],
    )


def update_contact(
    table: Table,
    member_id: str,
    *,
    email: str | None,
    address: PostalAddress | None,
    changed_by: str,
    now: datetime,
) -> tuple[Member, list[str]]:
    """The member as it is now and the fields changed (none: nothing written)."""
    member = member_record(table, member_id).member
    update: dict[str, Any] = {}
    if email is not None and email != member.email:
        update["email"] = email
    if address is not None and address != member.address:
        update["address"] = address
    if not update:
        return member, []
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
            raise Unknown() from None
        raise
    return updated, sorted(update)


def search_members(table: Table, query: str) -> list[tuple[Member, list[str]]]:
    """Staff search: last name (prefix), "last first", email, member id or certificate
    number, through the indexes (never a Scan); each member with its certificate numbers."""
    return [
        (member, member_store.certificate_numbers(table, member.member_id))
        for member in member_store.search_members(table, query)
    ]

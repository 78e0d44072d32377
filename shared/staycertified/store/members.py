"""Members and their certifications, and the one-Query member record (R37)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from pydantic import BaseModel, ConfigDict, Field

from staycertified.domain import model
from staycertified.domain.application import ApplicationRecord
from staycertified.domain.history import CertificationHistory
from staycertified.domain.model import Activity, Certification, Cycle, Member
from staycertified.store import keys
from staycertified.store.badges import BADGE, Badge
from staycertified.store.documents import DOCUMENT, StoredDocument
from staycertified.store.table import from_item, new_item_put, query_all, to_item

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

MEMBER = "Member"
CERTIFICATION = "Certification"
CYCLE = "Cycle"
ACTIVITY = "Activity"
ATTESTATION = "Attestation"
INVOICE = "Invoice"
NOTICE = "Notice"
AUDIT_CASE = "AuditCase"  # written by store.audit_cases (R25-R27)
RECERT_APPLICATION = "RecertApplication"  # written by recertification.store (R28-R33)


class NoticeRecord(BaseModel):
    """A line of the notice ledger (R5)."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    certificate_number: str
    period: str
    step: str
    channel: str
    sent_on: str
    flags: list[str] = Field(default_factory=list)
    status: str | None = None  # store.notices.NoticeStatus: PENDING, SENT, UNDELIVERABLE


class CertificationRecord(CertificationHistory):
    """One certification with everything recorded about it: the domain's aggregate
    (`domain.history.CertificationHistory`, what the decisions read) plus what only
    the store and the API show."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    notices: list[NoticeRecord] = Field(default_factory=list)
    badges: list[Badge] = Field(default_factory=list)  # the Credly badge, at most one (R36)
    applications: list[ApplicationRecord] = Field(default_factory=list)


class MemberRecord(BaseModel):
    """Everything about a member, read in one Query of the member's partition."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    member: Member
    certifications: list[CertificationRecord]
    documents: list[StoredDocument] = Field(default_factory=list)  # uploads (R15), every owner

    def certification(self, certificate_number: str) -> CertificationRecord | None:
        return next(
            (
                c
                for c in self.certifications
                if c.certification.certificate_number == certificate_number
            ),
            None,
        )


_ENTITY_MODELS: dict[str, type[BaseModel]] = {
    CYCLE: Cycle,
    ACTIVITY: Activity,
    ATTESTATION: model.Attestation,
    INVOICE: model.Invoice,
    NOTICE: NoticeRecord,
    AUDIT_CASE: model.AuditCase,
    BADGE: Badge,
    RECERT_APPLICATION: ApplicationRecord,
}
_RECORD_FIELD = {
    CYCLE: "cycles",
    ACTIVITY: "activities",
    ATTESTATION: "attestations",
    INVOICE: "invoices",
    NOTICE: "notices",
    AUDIT_CASE: "audit_cases",
    BADGE: "badges",
    RECERT_APPLICATION: "applications",
}


def member_item(member: Member) -> dict[str, Any]:
    """The profile, indexed for the staff search by last name (GSI1) and email (GSI3)."""
    return to_item(
        member,
        MEMBER,
        PK=keys.member_pk(member.member_id),
        SK=keys.PROFILE,
        **_search_keys(member),
    )


def _search_keys(member: Member) -> dict[str, str]:
    found = {
        "GSI1PK": keys.member_name_gsi1pk(member.last_name),
        "GSI1SK": keys.member_name_gsi1sk(member.last_name, member.first_name, member.member_id),
    }
    if member.email:
        found |= {"GSI3PK": keys.member_email_gsi3pk(member.email), "GSI3SK": member.member_id}
    return found


def certification_item(certification: Certification, last_name: str) -> dict[str, Any]:
    """The certification, indexed by anniversary month and certificate number.

    It carries the member's last name so that the public verification (R38)
    can compare it without reading the profile.
    """
    item = to_item(
        certification,
        CERTIFICATION,
        PK=keys.member_pk(certification.member_id),
        SK=keys.cert_sk(certification.certificate_number),
        GSI1PK=keys.anniversary_gsi1pk(certification.anniversary_month),
        GSI1SK=keys.cert_sk(certification.certificate_number),
        GSI2PK=keys.certno_gsi2pk(certification.certificate_number),
        GSI2SK="CERT",
    )
    item["member_last_name"] = last_name
    return item


def cycle_item(member_id: str, cycle: Cycle) -> dict[str, Any]:
    extra: dict[str, str] = {}
    if cycle.advanced_on is not None:
        extra = {
            "GSI3PK": keys.rollover_gsi3pk(cycle.advanced_on.year),
            "GSI3SK": keys.rollover_gsi3sk(cycle.advanced_on, cycle.certificate_number),
        }
    return to_item(
        cycle,
        CYCLE,
        PK=keys.member_pk(member_id),
        SK=keys.cycle_sk(cycle.certificate_number, cycle.start),
        GSI1PK=keys.cycle_end_gsi1pk(cycle.end),
        GSI1SK=keys.cycle_end_gsi1sk(cycle.end, cycle.certificate_number),
        **extra,
    )


def put_member(table: Table, member: Member) -> None:
    table.put_item(Item=member_item(member))


def put_certification(table: Table, certification: Certification, last_name: str) -> None:
    table.put_item(Item=certification_item(certification, last_name))


def load_member(table: Table, member_id: str) -> MemberRecord | None:
    """The whole member record in one (paginated) Query; None if unknown."""
    items = query_all(
        table,
        KeyConditionExpression=Key("PK").eq(keys.member_pk(member_id)),
        ConsistentRead=True,
    )
    return assemble_member_record(items)


def assemble_member_record(
    items: Iterator[dict[str, Any]] | list[dict[str, Any]],
) -> MemberRecord | None:
    member: Member | None = None
    certifications: dict[str, Certification] = {}
    parts: dict[str, dict[str, list[BaseModel]]] = {}
    documents: list[StoredDocument] = []
    for item in items:
        kind = item.get("entity")
        if kind == MEMBER:
            member = from_item(Member, item)
        elif kind == CERTIFICATION:
            data = {k: v for k, v in item.items() if k != "member_last_name"}
            cert = from_item(Certification, data)
            certifications[cert.certificate_number] = cert
        elif kind == DOCUMENT:
            documents.append(from_item(StoredDocument, item))
        elif kind in _ENTITY_MODELS:
            entity = from_item(_ENTITY_MODELS[kind], item)
            certno = str(getattr(entity, "certificate_number"))  # noqa: B009
            parts.setdefault(certno, {}).setdefault(_RECORD_FIELD[kind], []).append(entity)
    if member is None:
        return None
    records = [
        CertificationRecord(certification=cert, **parts.get(certno, {}))  # type: ignore[arg-type]
        for certno, cert in sorted(certifications.items())
    ]
    return MemberRecord(member=member, certifications=records, documents=documents)


def find_certification(table: Table, certificate_number: str) -> tuple[Certification, str] | None:
    """The certification with this number and the member's last name (GSI2), or None."""
    page = table.query(
        IndexName="GSI2",
        KeyConditionExpression=Key("GSI2PK").eq(keys.certno_gsi2pk(certificate_number))
        & Key("GSI2SK").eq("CERT"),
    )
    items = page.get("Items", [])
    if not items:
        return None
    item = items[0]
    last_name = str(item.get("member_last_name", ""))
    data = {k: v for k, v in item.items() if k != "member_last_name"}
    return from_item(Certification, data), last_name


def get_certifications(table: Table, wanted: list[tuple[str, str]]) -> dict[str, Certification]:
    """The certifications (member id, certificate number) by number: BatchGetItem, 100 keys
    a call, unprocessed keys asked again (no Scan; R25's pool reads them this way)."""
    found: dict[str, Certification] = {}
    pending = [
        {"PK": keys.member_pk(member_id), "SK": keys.cert_sk(number)}
        for member_id, number in dict.fromkeys(wanted)
    ]
    while pending:
        chunk, pending = pending[:100], pending[100:]
        request: dict[str, Any] = {table.name: {"Keys": chunk, "ConsistentRead": True}}
        while request:
            answer = table.meta.client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table.name, []):
                data = {k: v for k, v in item.items() if k != "member_last_name"}
                cert = from_item(Certification, data)
                found[cert.certificate_number] = cert
            request = answer.get("UnprocessedKeys") or {}
    return found


def certifications_by_anniversary_month(table: Table, month: int) -> Iterator[Certification]:
    """Every certification whose anniversary falls in `month` (GSI1, never a Scan)."""
    for item in query_all(
        table,
        IndexName="GSI1",
        KeyConditionExpression=Key("GSI1PK").eq(keys.anniversary_gsi1pk(month)),
    ):
        data = {k: v for k, v in item.items() if k != "member_last_name"}
        yield from_item(Certification, data)


def activity_item(member_id: str, activity: Activity) -> dict[str, Any]:
    """An activity in its certification's part of the member partition (R10-R13)."""
    return to_item(
        activity,
        ACTIVITY,
        PK=keys.member_pk(member_id),
        SK=keys.activity_sk(
            activity.certificate_number, activity.effective_date, activity.activity_id
        ),
    )


# ---------------------------------------------------------------- staff search


def search_members(table: Table, query: str, *, limit: int = 25) -> list[Member]:
    """Members whose last name starts with `query` (or "last first"), whose email is
    `query`, whose member id is `query`, or who hold certificate `query`: index Queries
    and key reads only, never a Scan."""
    text = keys.search_text(query)
    if not text:
        return []
    found: dict[str, Member] = {}

    def add(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("entity") == MEMBER and len(found) < limit:
                member = from_item(Member, item)
                found.setdefault(member.member_id, member)

    exact = table.get_item(Key={"PK": keys.member_pk(query.strip()), "SK": keys.PROFILE})
    add([exact["Item"]] if "Item" in exact else [])
    certified = find_certification(table, query.strip().upper())
    if certified is not None:
        profile = table.get_item(
            Key={"PK": keys.member_pk(certified[0].member_id), "SK": keys.PROFILE}
        )
        add([profile["Item"]] if "Item" in profile else [])
    if "@" in text:
        add(
            table.query(
                IndexName="GSI3",
                KeyConditionExpression=Key("GSI3PK").eq(keys.member_email_gsi3pk(text)),
                Limit=limit,
            ).get("Items", [])
        )
    else:
        last, _, first = text.partition(" ")
        prefix = f"{last}#{first}" if first else last
        add(
            table.query(
                IndexName="GSI1",
                KeyConditionExpression=Key("GSI1PK").eq(keys.member_name_gsi1pk(last))
                & Key("GSI1SK").begins_with(prefix),
                Limit=limit,
            ).get("Items", [])
        )
    return list(found.values())


def certificate_numbers(table: Table, member_id: str) -> list[str]:
    """The member's certificate numbers, sorted: one Query of the member's partition,
    certification items only (what the staff search lists beside each member)."""
    items = table.query(
        KeyConditionExpression=Key("PK").eq(keys.member_pk(member_id))
        & Key("SK").begins_with("CERT#"),
        ProjectionExpression="SK, certificate_number, entity",
    ).get("Items", [])
    return sorted(
        str(item["certificate_number"]) for item in items if item.get("entity") == CERTIFICATION
    )


# ---------------------------------------------------------------- contact details


CONTACT_CHANGE = "ContactChange"


class ContactChange(BaseModel):
    """One audited change of a member's contact details (who, when, what, before/after)."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    change_id: str
    member_id: str
    changed_at: str
    changed_by: str
    fields: list[str]
    before: dict[str, Any]
    after: dict[str, Any]


def update_contact(table: Table, updated: Member, *, change: ContactChange) -> None:
    """Writes the new profile (its search keys follow) and the audit record of the
    change in one transaction: no change without its record, and none for an
    unknown member."""
    record = to_item(
        change,
        CONTACT_CHANGE,
        PK=keys.member_pk(updated.member_id),
        SK=keys.contact_change_sk(change.changed_at, change.change_id),
    )
    table.meta.client.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": table.name,
                    "Item": member_item(updated),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
            new_item_put(table.name, record),
        ]
    )


def contact_changes(table: Table, member_id: str) -> list[ContactChange]:
    items = query_all(
        table,
        KeyConditionExpression=Key("PK").eq(keys.member_pk(member_id))
        & Key("SK").begins_with("CONTACT#"),
    )
    return [from_item(ContactChange, item) for item in items]

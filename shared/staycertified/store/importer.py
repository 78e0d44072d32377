"""Member import: one CSV row per certification (the `staycertified import FILE`
format, also `Sandbox.load_members`).

Columns: member_id, first_name, last_name, email, address_line1, address_line2,
city, state, postal_code, country, certification_type, certificate_number,
certified_on, recertified_on, paid_through, cycle_points (the last three
optional).

- Without `paid_through` the certification is in good standing on the import
  date: every fee whose due month has ended is taken as paid (R3, R7).
- With a `paid_through`, every fee year owed since then whose due month has
  ended gets its OPEN invoice, so the member can pay it (R3, R6, R21); a type
  with no fee configured (R1) gets none.
- `cycle_points` are the points already earned in the current cycle; they are
  recorded as one verified staff activity dated on the import date.
- Every cycle since the anchor is written (R9). The points of the cycles that
  ended before the import were kept by the previous records system: they are
  taken as met (`points_settled_on` = the import date). An ended cycle whose
  fees were paid too rolled over on the next cycle's start (R16, `advanced_on`):
  the audit pool of the next January needs it (R25).

A row that cannot be right is refused with its line in the file (the header is
line 1) and a stable code, and nothing of it is written: `INVALID_ROW`,
`UNKNOWN_CERTIFICATION` (R1), `INVALID_DATES`, `PAID_THROUGH_BEFORE_CERTIFICATION`,
`CERTIFICATE_NUMBER_SHARED` (one certificate number under two member ids: every
such row is refused). What is merely odd is imported with a warning:
`NO_CONTACT` (neither email nor postal address: no notice can reach the member). Re-importing the same file writes the same items again (an upsert).

Each certification imported ACTIVE gets a CertificationActivated event
(reason IMPORTED, docs/events.md), so the migrated members get their badges
(R36), written in ONE transaction with the row's items (an import that dies
mid-way leaves no certification without its event; a re-import keeps the events
written); `activation_events=False` (`staycertified import --no-activation-events`)
turns that off for a body whose badges already exist in Credly.

`new_certifications=True` (`staycertified import --new-certifications`) is the
intake of certifications first granted (the body's exam results): each row is a
certification that does not exist yet, with no recertification and no
paid_through, owing nothing; it is written once, in ONE transaction with its
CertificationActivated (INITIAL) event (the certification item conditional on not
existing; a member's existing profile is kept), so the event exists if and only
if the certification does. A row whose certification exists is skipped with the
warning `CERTIFICATION_EXISTS` (a re-run of the same intake changes nothing); one
that is not new is refused with `NOT_A_NEW_CERTIFICATION`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from staycertified.domain import cycles, invoicing
from staycertified.domain.dates import ONE_DAY, anniversary_month_end
from staycertified.domain.errors import DomainError
from staycertified.domain.model import (
    Activity,
    ActivitySource,
    Category,
    Certification,
    Cycle,
    Invoice,
    Member,
    PostalAddress,
    Qualifies,
    Unit,
)
from staycertified.domain.policy import Policy
from staycertified.events import catalog, outbox
from staycertified.events.catalog import DomainEvent
from staycertified.policy import load_policy
from staycertified.store import keys, members
from staycertified.store.invoices import invoice_item

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

COLUMNS = (
    "member_id", "first_name", "last_name", "email", "address_line1", "address_line2",
    "city", "state", "postal_code", "country", "certification_type", "certificate_number",
    "certified_on", "recertified_on", "paid_through", "cycle_points",
)  # fmt: skip
IMPORTED_POINTS_TITLE = "Points carried over from the previous records system"


class ImportRow(BaseModel):
    """One CSV row, validated; blank optional cells are None."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore", defer_build=True)

    member_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    certification_type: str = Field(min_length=1)
    certificate_number: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    certified_on: date
    recertified_on: date | None = None
    paid_through: date | None = None
    cycle_points: Decimal | None = Field(default=None, ge=0)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("certification_type")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class ImportError_(BaseModel):
    model_config = ConfigDict(defer_build=True)

    line: int  # the line of the file (the header is line 1)
    code: str
    message: str


class ImportReport(BaseModel):
    model_config = ConfigDict(defer_build=True)

    imported: int = 0
    members: int = 0
    activations: int = 0  # CertificationActivated (IMPORTED) events written
    errors: list[ImportError_] = Field(default_factory=list)
    warnings: list[ImportError_] = Field(default_factory=list)


PAID_THROUGH_BEFORE_CERTIFICATION = "PAID_THROUGH_BEFORE_CERTIFICATION"
NOT_A_NEW_CERTIFICATION = "NOT_A_NEW_CERTIFICATION"
CERTIFICATION_EXISTS = "CERTIFICATION_EXISTS"
CERTIFICATE_NUMBER_SHARED = "CERTIFICATE_NUMBER_SHARED"
NO_CONTACT = "NO_CONTACT"
FIRST_DATA_LINE = 2  # line 1 is the header
TRANSACTION_ITEMS = 100  # DynamoDB's TransactWriteItems limit (the event is one of them)


class RowRejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read_csv(path: str | Path) -> Iterator[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def import_members(
    rows: Iterable[Mapping[str, Any]],
    *,
    table: Table,
    today: date,
    policy: Policy | None = None,
    outbox_table: Table | None = None,
    activation_events: bool = True,
    new_certifications: bool = False,
) -> ImportReport:
    """Validate every row, then write the good ones in batches (see module doc).

    `activation_events`: a CertificationActivated (IMPORTED) event for each
    certification imported ACTIVE, written to `outbox_table` in one transaction
    with the row's items (so a badge is issued for it, R36); off for a body whose badges
    already exist in Credly. A re-run of the same import writes the same events
    (same ids): their consumers do nothing the second time.

    `new_certifications`: the rows are certifications first granted (module doc):
    each written with its CertificationActivated (INITIAL) in one transaction."""
    if new_certifications:
        return grant_certifications(
            rows, table=table, today=today, policy=policy, outbox_table=outbox_table
        )
    if activation_events and outbox_table is None:
        outbox_table = outbox.default_table()  # OUTBOX_TABLE_NAME
    policy = policy or load_policy()
    report = ImportReport()
    member_ids: set[str] = set()
    events: list[DomainEvent] = []
    numbered = list(enumerate(rows, start=FIRST_DATA_LINE))
    shared = _shared_certificate_numbers(raw for _, raw in numbered)
    with table.batch_writer(overwrite_by_pkeys=["PK", "SK"]) as batch:
        for line, raw in numbered:
            try:
                row = parse_row(raw)
                if row.certificate_number in shared:
                    owners = ", ".join(sorted(shared[row.certificate_number]))
                    msg = f"certificate {row.certificate_number} is under member ids {owners}"
                    raise RowRejected(CERTIFICATE_NUMBER_SHARED, msg)
                items = items_for_row(row, today, policy)
            except RowRejected as rejected:
                report.errors.append(
                    ImportError_(line=line, code=rejected.code, message=rejected.message)
                )
                continue
            if not row.email and member_of(row).address is None:
                msg = "neither email nor postal address: no notice can reach this member"
                report.warnings.append(ImportError_(line=line, code=NO_CONTACT, message=msg))
            report.imported += 1
            member_ids.add(str(raw.get("member_id", "")).strip())
            active = activation_events and imported_active(items)
            if active and outbox_table is not None and len(items) < TRANSACTION_ITEMS:
                _write_with_event(table, items, activation_event(row, today), outbox_table.name)
                report.activations += 1
                continue
            for item in items:
                batch.put_item(Item=item)
            if active:  # a row too large for one transaction: its event once it is written
                events.append(activation_event(row, today))
    if events and outbox_table is not None:
        with outbox_table.batch_writer(overwrite_by_pkeys=["id"]) as batch:
            for event in events:
                batch.put_item(Item=outbox.item(event))
    report.members = len(member_ids)
    report.activations += len(events)
    return report


def _write_with_event(
    table: Table, items: list[dict[str, Any]], event: DomainEvent, outbox_name: str
) -> None:
    """A row and its CertificationActivated in one transaction: the event exists if and
    only if the row does. A re-import finds the event written already (its id is the
    same): the row is written again (an upsert) and the event stays as it was."""
    from staycertified.store.table import is_conditional_check_failure

    puts = [{"Put": {"TableName": table.name, "Item": item}} for item in items]
    try:
        outbox.transact(table, puts, [event], outbox_table=outbox_name)
    except Exception as error:
        if not is_conditional_check_failure(error):
            raise
        with table.batch_writer(overwrite_by_pkeys=["PK", "SK"]) as batch:
            for item in items:
                batch.put_item(Item=item)


def grant_certifications(
    rows: Iterable[Mapping[str, Any]],
    *,
    table: Table,
    today: date,
    policy: Policy | None = None,
    outbox_table: Table | None = None,
) -> ImportReport:
    """The intake of certifications first granted: each row's items and its
    CertificationActivated (INITIAL) event in one transaction, once (module doc)."""
    policy = policy or load_policy()
    outbox_name = outbox_table.name if outbox_table is not None else outbox.outbox_table_name()
    report = ImportReport()
    member_ids: set[str] = set()
    numbered = list(enumerate(rows, start=FIRST_DATA_LINE))
    shared = _shared_certificate_numbers(raw for _, raw in numbered)
    for line, raw in numbered:
        try:
            row = parse_row(raw)
            if row.certificate_number in shared:
                raise RowRejected(CERTIFICATE_NUMBER_SHARED, "certificate number shared")
            items = new_certification_items(row, today, policy)
        except RowRejected as rejected:
            report.errors.append(
                ImportError_(line=line, code=rejected.code, message=rejected.message)
            )
            continue
        event = catalog.certification_activated(
            member_id=row.member_id,
            certificate_number=row.certificate_number,
            reason=catalog.ActivationReason.INITIAL,
            activated_on=row.certified_on,
            occurred_on=today,
        )
        if not _write_granted(table, items, event, outbox_name):
            msg = f"certificate {row.certificate_number} exists: nothing written"
            report.warnings.append(ImportError_(line=line, code=CERTIFICATION_EXISTS, message=msg))
            continue
        report.imported += 1
        report.activations += 1
        member_ids.add(row.member_id)
    report.members = len(member_ids)
    return report


def new_certification_items(row: ImportRow, today: date, policy: Policy) -> list[dict[str, Any]]:
    """A first-granted certification's items (profile, certification, its cycle[, points])."""
    if row.recertified_on is not None or row.paid_through is not None:
        raise RowRejected(
            NOT_A_NEW_CERTIFICATION, "a new certification has no recertified_on or paid_through"
        )
    items = items_for_row(row, today, policy)
    if not imported_active(items):
        raise RowRejected(NOT_A_NEW_CERTIFICATION, "it owes fees already: not newly granted")
    return items


def _write_granted(
    table: Table, items: list[dict[str, Any]], event: DomainEvent, outbox_name: str
) -> bool:
    """One transaction: the certification (conditional: it must not exist), its other
    items, the member's profile unless one exists, and the event. False: it existed."""
    from staycertified.store.table import is_conditional_check_failure

    puts: list[dict[str, Any]] = []
    for item in items:
        put: dict[str, Any] = {"TableName": table.name, "Item": item}
        if item.get("entity") == members.CERTIFICATION:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        elif item.get("SK") == keys.PROFILE and "Item" in table.get_item(
            Key={"PK": item["PK"], "SK": keys.PROFILE}
        ):
            continue  # an existing member's contact details stay as they are
        puts.append({"Put": put})
    try:
        outbox.transact(table, puts, [event], outbox_table=outbox_name)
    except Exception as error:
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def imported_active(items: list[dict[str, Any]]) -> bool:
    """R20 on the import date: ACTIVE when no fee is owed (ended cycles are imported as
    met, the current one has not ended); an owed invoice means LAPSED or worse."""
    return not any(item.get("entity") == members.INVOICE for item in items)


def activation_event(row: ImportRow, today: date) -> DomainEvent:
    return catalog.certification_activated(
        member_id=row.member_id,
        certificate_number=row.certificate_number,
        reason=catalog.ActivationReason.IMPORTED,
        activated_on=row.recertified_on or row.certified_on,
        occurred_on=today,
    )


def _shared_certificate_numbers(rows: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Certificate numbers that appear under more than one member id."""
    owners: dict[str, set[str]] = {}
    for raw in rows:
        number = str(raw.get("certificate_number") or "").strip()
        if number:
            owners.setdefault(number, set()).add(str(raw.get("member_id") or "").strip())
    return {number: ids for number, ids in owners.items() if len(ids) > 1}


def parse_row(raw: Mapping[str, Any]) -> ImportRow:
    try:
        return ImportRow.model_validate(dict(raw))
    except ValidationError as exc:
        fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))
        raise RowRejected("INVALID_ROW", f"invalid or missing: {fields}") from None
    except InvalidOperation:
        raise RowRejected("INVALID_ROW", "invalid number") from None


def items_for_row(row: ImportRow, today: date, policy: Policy) -> list[dict[str, Any]]:
    """The items one row becomes: profile, certification, cycles, imported points."""
    try:
        policy.certification_type(row.certification_type)  # R1
    except DomainError as exc:
        raise RowRejected(exc.code, exc.message) from None
    anchor = row.recertified_on or row.certified_on
    if anchor > today or (row.recertified_on and row.recertified_on < row.certified_on):
        raise RowRejected("INVALID_DATES", "certification dates are in the future or out of order")
    if row.paid_through is not None and row.paid_through < anchor:
        msg = f"paid_through {row.paid_through} is before the certification date {anchor}"
        raise RowRejected(PAID_THROUGH_BEFORE_CERTIFICATION, msg)
    member = member_of(row)
    certification = Certification(
        member_id=row.member_id,
        certificate_number=row.certificate_number,
        type=row.certification_type,
        certified_on=row.certified_on,
        recertified_on=row.recertified_on,
        paid_through=row.paid_through or paid_through_in_good_standing(anchor, today),
    )
    current = cycles.current_cycle(certification, today, policy)
    every_cycle = [current, *ended_cycles_as_imported(certification, current, today, policy)]
    points = imported_points(row, certification, today) if row.cycle_points else None
    invoices = owed_invoices(certification, today, policy)
    certification, invoices = already_required_to_recertify(
        certification, every_cycle, points, invoices, today, policy
    )
    cert_item = members.certification_item(certification, member.last_name)
    if certification.recertification_required_since is not None:  # R42 notice due
        cert_item["GSI3PK"] = keys.RECERT_NOTICE_DUE_GSI3PK
        cert_item["GSI3SK"] = keys.recert_notice_due_gsi3sk(
            certification.recertification_required_since, certification.certificate_number
        )
    items = [members.member_item(member), cert_item]
    items += [members.cycle_item(row.member_id, cycle) for cycle in every_cycle]
    if points is not None:
        items.append(members.activity_item(row.member_id, points))
    items.extend(invoice_item(invoice) for invoice in invoices)
    return items


def already_required_to_recertify(
    certification: Certification,
    every_cycle: list[Cycle],
    points: Activity | None,
    invoices: list[Invoice],
    today: date,
    policy: Policy,
) -> tuple[Certification, list[Invoice]]:
    """A certification that arrives RECERTIFICATION_REQUIRED (R22) is recorded as such
    (since the day the 3 years ran out) and its owed invoices are VOID (R42); the daily
    sweep sends its recertification-required notice."""
    from staycertified.domain.history import CertificationHistory
    from staycertified.domain.model import Standing
    from staycertified.domain.standing import evaluate_standing

    history = CertificationHistory(
        certification=certification,
        cycles=tuple(every_cycle),
        activities=(points,) if points else (),
        invoices=tuple(invoices),
    )
    standing = evaluate_standing(history, today, policy)
    if standing.status != Standing.RECERTIFICATION_REQUIRED:
        return certification, invoices
    since = standing.required_since or today
    recorded = certification.model_copy(update={"recertification_required_since": since})
    return recorded, invoicing.invoices_to_void(invoices, today)


def owed_invoices(certification: Certification, today: date, policy: Policy) -> list[Invoice]:
    """OPEN invoices of the fee years unpaid after their due month (R3, R21)."""
    owed = [
        fee.membership_year
        for fee in invoicing.fee_years(certification, [], today)
        if not fee.paid and fee.due_date < today
    ]
    try:
        return [
            invoicing.make_invoice(
                certification, year, invoicing.due_date(certification, year), policy
            )
            for year in owed
        ]
    except DomainError:  # FEE_NOT_CONFIGURED (R1): nothing to invoice until the policy sets it
        return []


def member_of(row: ImportRow) -> Member:
    address = None
    if row.address_line1 and row.city and row.postal_code:
        address = PostalAddress(
            line1=row.address_line1,
            line2=row.address_line2 or "",
            city=row.city,
            state=row.state or "",
            postal_code=row.postal_code,
            country=row.country or "US",
        )
    return Member(
        member_id=row.member_id,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        address=address,
    )


def paid_through_in_good_standing(anchor: date, today: date) -> date:
    """`paid_through` such that every fee whose due month has ended is paid (R3, R7).

    The first fee falls due in the anniversary month a year after the anchor;
    paying membership year Y covers through the anniversary month of Y + 1.
    """
    last_ended_year = today.year if anchor.month < today.month else today.year - 1
    covered_year = max(anchor.year, last_ended_year) + 1
    return anniversary_month_end(anchor, covered_year)


def ended_cycles_as_imported(
    certification: Certification, current: Cycle, today: date, policy: Policy
) -> list[Cycle]:
    """The cycles before `current`: points settled elsewhere; rolled over if fees were paid."""
    anchor = certification.anchor_date
    count = cycles.cycle_index_on(anchor, current.start) or 0
    ended = []
    for index in range(count):
        cycle = cycles.make_cycle(certification, index, policy)
        next_start = cycle.end + ONE_DAY
        if fees_paid_through_cycle(certification, cycle):
            ended.append(cycle.model_copy(update={"advanced_on": next_start}))
        else:
            ended.append(cycle.model_copy(update={"points_settled_on": today}))
    return ended


def fees_paid_through_cycle(certification: Certification, cycle: Cycle) -> bool:
    """Was the last fee due inside `cycle` paid? (R16's fee half, from `paid_through`.)"""
    anchor = certification.anchor_date
    last_due = anniversary_month_end(anchor, cycle.end.year)
    if last_due > cycle.end:
        last_due = anniversary_month_end(anchor, cycle.end.year - 1)
    if last_due < cycle.start:
        return True  # no fee fell due inside the cycle
    # Paying the fee due in year Y covers through the anniversary month of Y + 1 (R7).
    covered_by_last_due = anniversary_month_end(anchor, last_due.year + 1)
    paid_through = certification.paid_through
    return paid_through is not None and paid_through >= covered_by_last_due


def imported_points(row: ImportRow, certification: Certification, today: date) -> Activity:
    points = row.cycle_points or Decimal(0)
    return Activity(
        activity_id=f"IMPORT-{certification.certificate_number}",
        certificate_number=certification.certificate_number,
        category=Category.PROFESSIONAL_EDUCATION,
        title=IMPORTED_POINTS_TITLE,
        provider="import",
        completed_on=today,
        quantity=points,
        unit=Unit.CONTACT_HOUR,
        qualifies=Qualifies.HEALTHCARE_KNOWLEDGE,
        source=ActivitySource.STAFF,
        verified=True,
        points=points,
        recorded_on=today,
    )

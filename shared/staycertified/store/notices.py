"""The notice ledger: exactly one notice per (certification, membership year, step, channel) (R5).

Key: PK = MEMBER#<memberId>, SK = CERT#<certNo>#NOTICE#<year>#<step>#<channel>
(`keys.notice_sk`), in the member's partition so the member record shows it.

The protocol (claim PENDING, send, mark SENT, per message; a PENDING claim
resumed after its lease, flagged `RESENT_AFTER_INTERRUPTION`) is run by
`staycertified.notify.ledger`, the one place that writes these entries; this
module holds the entry and its DynamoDB writes.

`UNDELIVERABLE` records a channel that could not be used (no postal address,
no email address) with its flag (`POSTAL_ADDRESS_MISSING`, `EMAIL_ADDRESS_MISSING`),
once, like any other notice.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from staycertified.store import keys
from staycertified.store.members import NOTICE

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


class NoticeStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    UNDELIVERABLE = "UNDELIVERABLE"


RESENT_AFTER_INTERRUPTION = "RESENT_AFTER_INTERRUPTION"


class LedgerEntry(BaseModel):
    """One line of the ledger. Read back by `store.members` as a `NoticeRecord`."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    member_id: str
    certificate_number: str
    period: str
    step: str
    channel: str
    sent_on: str
    status: NoticeStatus = NoticeStatus.PENDING
    run_id: str
    invoice_id: str | None = None
    flags: list[str] = Field(default_factory=list)
    message_id: str | None = None
    letter_key: str | None = None
    pages: int | None = None
    claimed_by: str | None = None
    claimed_at: int | None = None  # epoch seconds of the claim (the lease starts there)

    @property
    def key(self) -> dict[str, str]:
        return notice_key(
            self.member_id, self.certificate_number, self.period, self.step, self.channel
        )

    def item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            k: v for k, v in self.model_dump(mode="json").items() if v is not None
        }
        item.update(self.key)
        item["entity"] = NOTICE
        return item


def notice_key(
    member_id: str, certificate_number: str, period: str, step: str, channel: str
) -> dict[str, str]:
    return {
        "PK": keys.member_pk(member_id),
        "SK": keys.notice_sk(certificate_number, period, step, channel),
    }


def claim_put(entry: LedgerEntry) -> dict[str, Any]:
    """The conditional Put that claims a notice (step 1); for put_item or a transaction."""
    return {"Item": entry.item(), "ConditionExpression": "attribute_not_exists(PK)"}


def takeover_put(entry: LedgerEntry, previous: LedgerEntry) -> dict[str, Any]:
    """The conditional Put that resumes a PENDING claim whose lease ran out (or our own):
    only if the entry is still the claim that was read."""
    if previous.claimed_at is None:
        condition = "#status = :pending AND attribute_not_exists(claimed_at)"
        values: dict[str, Any] = {":pending": NoticeStatus.PENDING.value}
    else:
        condition = "#status = :pending AND claimed_at = :claimed_at"
        values = {":pending": NoticeStatus.PENDING.value, ":claimed_at": previous.claimed_at}
    return {
        "Item": entry.item(),
        "ConditionExpression": condition,
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": values,
    }


def entry_from_item(item: dict[str, Any]) -> LedgerEntry:
    return LedgerEntry.model_validate(item)


def mark_all(table: Table, entries: list[LedgerEntry]) -> None:
    """Stores the final state (SENT / UNDELIVERABLE) of claimed entries (step 3), batched."""
    with table.batch_writer(overwrite_by_pkeys=["PK", "SK"]) as writer:
        for entry in entries:
            writer.put_item(Item=entry.item())


def get_entry(table: Table, key: dict[str, str]) -> LedgerEntry | None:
    item = table.get_item(Key=key, ConsistentRead=True).get("Item")
    return entry_from_item(item) if item else None

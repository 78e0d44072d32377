"""The notice ledger: exactly one notice per (certification, membership year, step, channel) (R5).

Key: PK = MEMBER#<memberId>, SK = CERT#<certNo>#NOTICE#<year>#<step>#<channel>
(`keys.notice_sk`), in the member's partition so the member record shows it.

The protocol that makes a notice go out once and never silently vanish:

1. **claim**: Put the entry with status `PENDING` and
   `attribute_not_exists(PK)`. Only the writer whose Put succeeds goes on; a
   second run, a replayed month or a concurrent worker finds the entry.
2. **send** (SES for email, the letter object for mail; the letter key is
   deterministic per notice, so writing it again replaces the same object).
3. **mark**: overwrite the entry with status `SENT` (the message id, the letter
   key, the run that sent it).

A run that finds an entry:

- `SENT` or `UNDELIVERABLE` → nothing is sent again. If the entry was sent by
  the *same* run (a retried batch), it is reported again in that run's
  manifest part, so a retry neither duplicates nor drops a letter in the
  print-house manifest.
- `PENDING` → an earlier attempt died between claim and mark. The send
  is repeated (never dropped) and the entry is marked `SENT` with the flag
  `RESENT_AFTER_INTERRUPTION`, which the run report counts. A duplicate can
  therefore only happen when a process dies after SES accepted a message and
  before the `SENT` write was stored (throttling never causes it: every call is
  retried with backoff by the clients); letters never duplicate (same key).

`UNDELIVERABLE` records a channel that could not be used (no postal address,
no email address) with its flag (`POSTAL_ADDRESS_MISSING`, `EMAIL_ADDRESS_MISSING`),
once, like any other notice.
"""

from __future__ import annotations

from collections.abc import Callable
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

    model_config = ConfigDict(frozen=True, extra="ignore")

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


class SendOutcome(StrEnum):
    SENT = "SENT"
    ALREADY_SENT = "ALREADY_SENT"
    UNDELIVERABLE = "UNDELIVERABLE"


def send_once(
    table: Table,
    entry: LedgerEntry,
    *,
    deliverable: bool,
    deliver: Callable[[], dict[str, Any]],
) -> tuple[SendOutcome, list[str]]:
    """One notice through the ledger protocol above: claim, send, mark (R5).

    `deliver` sends it and returns what to store with the entry (message id,
    letter key...). Returns the outcome (SENT, ALREADY_SENT, UNDELIVERABLE) and
    the entry's flags.
    """
    from staycertified.store.table import is_conditional_check_failure

    resent = False
    try:
        table.put_item(**claim_put(entry))
    except Exception as error:
        if not is_conditional_check_failure(error):
            raise
        earlier = get_entry(table, entry.key)
        if earlier is None or earlier.status != NoticeStatus.PENDING:
            return SendOutcome.ALREADY_SENT, []
        resent = True  # an earlier attempt died between claim and mark: send, never drop
    if not deliverable:
        mark_all(table, [entry.model_copy(update={"status": NoticeStatus.UNDELIVERABLE})])
        return SendOutcome.UNDELIVERABLE, list(entry.flags)
    stored = deliver()
    flags = [*entry.flags, RESENT_AFTER_INTERRUPTION] if resent else list(entry.flags)
    mark_all(
        table, [entry.model_copy(update={"status": NoticeStatus.SENT, "flags": flags, **stored})]
    )
    return SendOutcome.SENT, flags

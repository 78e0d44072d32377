"""The notice ledger protocol, in one place: claim, send, mark, per message (R5).

For each message (one notice on one channel, `store.notices` key):

1. **claim**: Put the entry `PENDING` with `attribute_not_exists(PK)`, stamped
   with who claimed it (`claimed_by`) and when (`claimed_at`). Only the writer
   whose Put succeeds sends.
2. **send** the message (the caller does, through its channel adapter).
3. **mark** it `SENT` with what the channel returned (message id, letter key).
   The mark is written together with the *next* message's claim, in one
   TransactWriteItems (or alone by `flush`, which `Outbox` calls on exit,
   failure or not): one write per message, and every message marked before the
   next one is sent.

A claim found `PENDING` is an attempt that died between send and mark (or is
still running). It is resumed, sent again and flagged
`RESENT_AFTER_INTERRUPTION`, when it is our own (`claimed_by` is this run: a
retried batch) or when its lease (`NOTICE_LEASE_SECONDS`, longer than any
function's timeout) has run out, by whichever run of whichever workflow meets
it first; a younger claim of someone else is left alone (`ELSEWHERE`). Resuming
is a conditional Put on the `claimed_at` that was read, so two runs never both
resume it.

So the only message that can go out twice is the one in flight when a process
died (sent, not yet marked): at most one duplicate per killed process. Letters
are stored under a key fixed per notice, so a resent letter replaces its PDF.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from staycertified.store import notices as store
from staycertified.store.notices import LedgerEntry, NoticeStatus

DEFAULT_LEASE_SECONDS = 1800  # the template's NoticeLeaseSeconds: longer than any timeout
UNKNOWN: Any = object()  # "not read": claim first, read only if the claim is refused


class Claim(StrEnum):
    CLAIMED = "CLAIMED"
    RESUMED = "RESUMED"  # an interrupted claim taken over: RESENT_AFTER_INTERRUPTION
    ALREADY = "ALREADY"  # SENT or UNDELIVERABLE before
    ELSEWHERE = "ELSEWHERE"  # PENDING, claimed by another run within its lease


def lease_seconds() -> int:
    return int(os.environ.get("NOTICE_LEASE_SECONDS") or DEFAULT_LEASE_SECONDS)


class Ledger:
    """One process's writer of the ledger. Not thread-safe; one per run."""

    def __init__(
        self,
        table: Any,
        claimant: str,
        *,
        now: Callable[[], float] = time.time,
        lease: int | None = None,
    ) -> None:
        self.table = table
        self.claimant = claimant
        self.now = now
        self.lease = lease_seconds() if lease is None else lease
        self._unmarked: LedgerEntry | None = None

    # ------------------------------------------------------------ claim

    def claim(
        self, entry: LedgerEntry, existing: LedgerEntry | None = UNKNOWN
    ) -> tuple[Claim, LedgerEntry]:
        """Claims `entry` (PENDING) for this run; returns the claim and the entry now stored."""
        mine = entry.model_copy(
            update={
                "status": NoticeStatus.PENDING,
                "claimed_by": self.claimant,
                "claimed_at": int(self.now()),
            }
        )
        for _ in range(2):
            if existing is UNKNOWN or existing is None:
                put = store.claim_put(mine)
            elif existing.status != NoticeStatus.PENDING:
                return Claim.ALREADY, existing
            elif not self._resumable(existing):
                return Claim.ELSEWHERE, existing
            else:
                mine = mine.model_copy(update={"flags": _with_resent(mine.flags)})
                put = store.takeover_put(mine, existing)
            if self._write(put):
                return (Claim.CLAIMED if existing in (None, UNKNOWN) else Claim.RESUMED), mine
            existing = store.get_entry(self.table, mine.key)
            if existing is None:  # deleted in between: claim afresh
                continue
        return Claim.ELSEWHERE, existing if existing is not None else mine

    def record(
        self, entry: LedgerEntry, existing: LedgerEntry | None = UNKNOWN
    ) -> tuple[Claim, LedgerEntry]:
        """Records a final entry (UNDELIVERABLE) once; ALREADY if the key has one."""
        if existing is not UNKNOWN and existing is not None:
            return Claim.ALREADY, existing
        if self._write(store.claim_put(entry)):
            return Claim.CLAIMED, entry
        found = store.get_entry(self.table, entry.key)
        return Claim.ALREADY, found if found is not None else entry

    def _resumable(self, pending: LedgerEntry) -> bool:
        if pending.claimed_by == self.claimant or pending.claimed_at is None:
            return True
        return self.now() - pending.claimed_at >= self.lease

    # ------------------------------------------------------------ mark

    def mark(self, entry: LedgerEntry) -> None:
        """Marks a sent message; written with the next claim, or by `flush`."""
        self.flush()
        self._unmarked = entry

    def flush(self) -> None:
        if self._unmarked is not None:
            self.table.put_item(Item=self._unmarked.item())
            self._unmarked = None

    # ------------------------------------------------------------ writes

    def _write(self, put: dict[str, Any]) -> bool:
        """The conditional Put, with the pending mark in the same transaction; False if refused."""
        from staycertified.store.table import is_conditional_check_failure

        if self._unmarked is None:
            try:
                self.table.put_item(**put)
                return True
            except Exception as error:
                if not is_conditional_check_failure(error):
                    raise
                return False
        client = self.table.meta.client
        claim = {"TableName": self.table.name, **put}
        try:
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self.table.name, "Item": self._unmarked.item()}},
                    {"Put": claim},
                ]
            )
        except client.exceptions.TransactionCanceledException:
            self.flush()  # the transaction wrote nothing: the mark alone, then the answer
            return False
        self._unmarked = None
        return True


def _with_resent(flags: list[str]) -> list[str]:
    return sorted({*flags, store.RESENT_AFTER_INTERRUPTION})

"""What flows between the steps of the renewal run (the state machine's payloads).

Plan -> S3 JSON array of `Batch` -> Distributed Map -> `BatchResult` per batch
-> Summarize. Payloads stay small: a batch result carries counts and the key
of its manifest part, never the letters or addresses themselves.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from staycertified.domain.model import Certification, Channel


class Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


class PlannedNotice(Wire):
    """One certification whose renewal step is due in the run month (R3, R4)."""

    certification: Certification
    step: str
    channels: tuple[Channel, ...]
    membership_year: int = Field(alias="membershipYear")
    due_date: date = Field(alias="dueDate")


class Batch(Wire):
    run_id: str = Field(alias="runId")
    run_month: str = Field(alias="runMonth")
    as_of: date = Field(alias="asOf")
    batch_no: int = Field(alias="batchNo")
    items: tuple[PlannedNotice, ...]


class ManifestRow(Wire):
    """One letter for the print-and-mail house."""

    letter_key: str = Field(alias="letterKey")
    address_lines: tuple[str, ...] = Field(alias="addressLines")
    kind: str
    invoice_id: str = Field(alias="invoiceId")
    pages: int


class Tally(Wire):
    """A count of outcomes, by step, channel, certification type and outcome."""

    step: str
    channel: str
    certification_type: str = Field(alias="certificationType")
    outcome: str
    count: int = 0


class BatchResult(Wire):
    run_id: str = Field(alias="runId")
    batch_no: int = Field(alias="batchNo")
    certifications: int
    invoices_created: int = Field(alias="invoicesCreated")
    tallies: tuple[Tally, ...]
    failures: dict[str, int]
    part_key: str = Field(alias="partKey")


class BatchPart(Wire):
    """The manifest part of one batch, written to the mail bucket."""

    run_id: str = Field(alias="runId")
    batch_no: int = Field(alias="batchNo")
    letters: tuple[ManifestRow, ...]


def part_key(run_id: str, batch_no: int) -> str:
    return f"runs/{run_id}/parts/batch-{batch_no:05d}.json"


def batches_key(run_id: str) -> str:
    return f"runs/{run_id}/batches.json"


def letter_key(certificate_number: str, membership_year: int, step: str) -> str:
    """The letter's business key, fixed per notice (R5): writing it again replaces the
    same object (`notify.mailroom` stores it as ``letters/<key>.pdf``)."""
    return f"{membership_year:04d}/{step}/{certificate_number}"

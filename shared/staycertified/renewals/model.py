"""What flows between the steps of the renewal run (the state machine's payloads).

Plan -> S3 JSON array of `Batch` -> Distributed Map -> per batch, a `BatchPart`
in S3 (its `BatchResult` tallies and its letters) and a `BatchOutcome` in the
state -> Summarize, which reads the parts. Payloads are bounded by design
(STYLE 14): a batch returns a fixed handful of counts and the key of its part,
never tallies, letters or addresses, and the Map writes its results to S3.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from staycertified.domain.model import Certification, Channel
from staycertified.notify.manifest import ManifestRow


class Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True, defer_build=True)


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
    # Notices whose claim an interrupted attempt left PENDING, sent again by this batch (R5).
    resent_after_interruption: int = Field(default=0, alias="resentAfterInterruption")


class BatchOutcome(Wire):
    """What a Map iteration returns: counts and the key of its part, a fixed size."""

    run_id: str = Field(alias="runId")
    batch_no: int = Field(alias="batchNo")
    certifications: int
    sent: int
    failures: int
    part_key: str = Field(alias="partKey")

    @classmethod
    def of(cls, result: BatchResult) -> BatchOutcome:
        return cls(
            run_id=result.run_id,
            batch_no=result.batch_no,
            certifications=result.certifications,
            sent=sum(t.count for t in result.tallies if t.outcome == "SENT"),
            failures=sum(result.failures.values()),
            part_key=result.part_key,
        )


class BatchPart(Wire):
    """One batch's part, written to the mail bucket: its tallies and its letters."""

    run_id: str = Field(alias="runId")
    batch_no: int = Field(alias="batchNo")
    letters: tuple[ManifestRow, ...]
    result: BatchResult | None = None


def part_key(run_id: str, batch_no: int) -> str:
    return f"runs/{run_id}/parts/batch-{batch_no:05d}.json"


def batches_key(run_id: str) -> str:
    return f"runs/{run_id}/batches.json"


def letter_key(certificate_number: str, membership_year: int, step: str) -> str:
    """The letter's business key, fixed per notice (R5): writing it again replaces the
    same object (`notify.mailroom` stores it as ``letters/<key>.pdf``)."""
    return f"{membership_year:04d}/{step}/{certificate_number}"

"""Plan a month's renewal notices into batches (R3, R4).

For each step of the cadence in force on the run's date, the certifications
whose anniversary month is that step's due month are read from the
anniversary-month index (GSI1, one Query per step, never a Scan); the domain
decides per certification whether the step is due (`renewal_planning.worth_planning`).
The planned notices are cut into batches and written as ONE S3 JSON array
(`runs/<runId>/batches.json`), which the Distributed Map reads (ItemReader).
Each planned item carries the certification as read, so the send step does
not read it again.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

from pydantic import Field

from staycertified.domain.notices import renewal_steps_due
from staycertified.domain.policy import Policy
from staycertified.domain.renewal_planning import anniversary_month_of_step, worth_planning
from staycertified.renewals.model import Batch, PlannedNotice, Wire, batches_key
from staycertified.store.members import certifications_by_anniversary_month

DEFAULT_BATCH_SIZE = 100


class RunInput(Wire):
    """The execution input written by StartRunFunction."""

    run_id: str = Field(alias="runId")
    run_month: str = Field(alias="runMonth", pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    as_of: date | None = Field(default=None, alias="asOf")

    @property
    def year_month(self) -> tuple[int, int]:
        year, month = self.run_month.split("-")
        return int(year), int(month)

    @property
    def day(self) -> date:
        """The run's "today" (R40): from the event, else the 1st of the run month."""
        year, month = self.year_month
        return self.as_of or date(year, month, 1)


def plan_month(
    run: RunInput,
    *,
    table: Any,
    s3: Any,
    mail_bucket: str,
    policy: Policy,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> dict[str, Any]:
    year, month = run.year_month
    planned: list[PlannedNotice] = []
    by_step: Counter[str] = Counter()
    # The cadence in force for the run month (R2, R4); one GSI1 Query per step.
    months = sorted(
        {
            anniversary_month_of_step(year, month, step.offset_months)
            for step in policy.renewal.cadence.at(date(year, month, 1))
        }
    )
    for anniversary_month in months:
        for certification in certifications_by_anniversary_month(table, anniversary_month):
            for due in renewal_steps_due(certification, year, month, policy):
                if not worth_planning(certification, due):
                    continue
                planned.append(
                    PlannedNotice(
                        certification=certification,
                        step=due.step,
                        channels=due.channels,
                        membership_year=due.membership_year,
                        due_date=due.due_date,
                    )
                )
                by_step[due.step] += 1
    planned.sort(key=lambda p: (p.certification.member_id, p.certification.certificate_number))
    batches = [
        Batch(
            run_id=run.run_id,
            run_month=run.run_month,
            as_of=run.day,
            batch_no=number,
            items=tuple(planned[start : start + batch_size]),
        )
        for number, start in enumerate(range(0, len(planned), batch_size), start=1)
    ]
    key = batches_key(run.run_id)
    body = json.dumps([b.model_dump(mode="json", by_alias=True) for b in batches])
    s3.put_object(Bucket=mail_bucket, Key=key, Body=body.encode(), ContentType="application/json")
    return {
        "runId": run.run_id,
        "runMonth": run.run_month,
        "asOf": run.day.isoformat(),
        "batchesKey": key,
        "batches": len(batches),
        "counts": {"certifications": len(planned), "byStep": dict(sorted(by_step.items()))},
    }

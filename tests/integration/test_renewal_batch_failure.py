"""A renewal batch that fails after its retries fails the run visibly (R3-R5, STYLE 14).

Twelve certifications are planned in batches of four; the send function of
batch 2 crashes every time (a fault no retry cures). The execution FAILS with
`RenewalBatchesFailed`, the run report names batch 2, and what the other
batches sent is counted and in the manifest. A rerun of the month, the fault
gone, sends only the missing notices (the ledger, R5).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

import pytest

from staycertified_sandbox import Sandbox

from .renewal_support import invoke, renewal_emails, renewal_letters, row, run_report
from .scenario_support import crashing

MEMBERS = [row(f"F{n:03d}", f"RMA-6{n:05d}", "RMA", f"2023-02-{n + 1:02d}") for n in range(12)]
BATCH_SIZE = 4
FAILING_BATCH = 2


class BatchKilled(Exception):
    """Stands for a fault the batch does not survive (its process killed every time)."""


@pytest.fixture(scope="module")
def failed_month() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 1)) as sb:
        sb.functions["RenewalPlanFunction"].environment["RENEWAL_BATCH_SIZE"] = str(BATCH_SIZE)
        assert not sb.load_members(MEMBERS).errors
        killed = BatchKilled(f"batch {FAILING_BATCH} killed")
        with crashing("RenewalSendFunction", lambda e: e.get("batchNo") == FAILING_BATCH, killed):
            sb.advance_to(date(2026, 1, 2))
        yield sb


def test_r5_a_batch_failing_after_its_retries_fails_the_execution(failed_month: Sandbox) -> None:
    [execution] = [e for e in failed_month.executions() if e.name == "renewals-2026-01"]
    assert execution.status == "FAILED"
    assert execution.error == "RenewalBatchesFailed"


def test_r5_the_run_report_names_the_failed_batch_and_counts_the_others(
    failed_month: Sandbox,
) -> None:
    report = run_report(failed_month, "renewals-2026-01")
    assert report["batches"]["total"] == len(MEMBERS) // BATCH_SIZE
    assert [b["batchNo"] for b in report["batches"]["failed"]] == [FAILING_BATCH]
    sent = len(MEMBERS) - BATCH_SIZE
    assert report["outcomes"] == {"SENT": 2 * sent}
    manifest = failed_month.client("s3").get_object(
        Bucket=failed_month.env("MAIL_BUCKET"), Key=report["manifestKey"]
    )
    rows = list(csv.DictReader(io.StringIO(manifest["Body"].read().decode())))
    assert len(rows) == report["letters"] == sent == len(renewal_letters(failed_month))


def test_r5_a_rerun_without_the_fault_sends_only_what_the_failed_batch_missed(
    failed_month: Sandbox,
) -> None:
    answer = invoke(
        failed_month,
        "StartRunFunction",
        {"workflow": "renewals", "runMonth": "2026-01", "rerun": "after-failure"},
    )
    failed_month.wait_for_executions()
    assert answer["status"] == "STARTED"
    [rerun] = [e for e in failed_month.executions() if e.name == "renewals-2026-01-after-failure"]
    assert rerun.status == "SUCCEEDED", rerun
    emails = renewal_emails(failed_month)
    assert len(emails) == len(MEMBERS) and set(emails.values()) == {1}
    assert len(renewal_letters(failed_month)) == len(MEMBERS)
    assert run_report(failed_month, "renewals-2026-01-after-failure")["batches"]["failed"] == []

"""Summarise a renewal run: the run report, the print-house manifest, EMF metrics.

- ``runs/<runId>/report.json``: counts per step, channel, certification type
  and outcome, failures per code, invoices created, batches failed, and
  `resentAfterInterruption` (notices an interrupted attempt had claimed and
  this run sent again: each is at most one duplicate, R5);
- the totals come from the batches' parts in S3 (``runs/<runId>/parts/``, one
  per planned batch), never from the state: a planned batch without a part
  failed after its retries, is listed under ``batches.failed``, and the state
  machine then fails the execution (``RenewalBatchesFailed``);
- ``runs/<runId>/manifest.csv``: one row per letter of the run for the
  print-and-mail house (letter key, recipient address lines, kind, invoice id,
  page count), gathered from the batches' manifest parts;
- metrics (Powertools EMF): NoticesSent per step and channel, InvoicesCreated,
  RenewalFailures per code. No personal data in logs (the manifest, which holds
  addresses, goes to the mail bucket only).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from staycertified.notify.manifest import run_manifest_key, write_manifest
from staycertified.objects import put_json
from staycertified.renewals.model import BatchPart, part_key


def summarize(
    event: dict[str, Any], *, s3: Any, mail_bucket: str, metrics: Any = None
) -> dict[str, Any]:
    run_id = str(event["runId"])
    plan = event.get("plan") or {}
    parts, failed_batches = read_parts(s3, mail_bucket, run_id, int(plan.get("batches") or 0))
    results = [part.result for part in parts if part.result is not None]

    by_step: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    by_step_channel: Counter[tuple[str, str, str]] = Counter()
    failures: Counter[str] = Counter()
    invoices_created = 0
    resent = 0
    for result in results:
        invoices_created += result.invoices_created
        resent += result.resent_after_interruption
        failures.update(result.failures)
        for tally in result.tallies:
            by_outcome[tally.outcome] += tally.count
            by_step_channel[(tally.step, tally.channel, tally.outcome)] += tally.count
            if tally.outcome == "SENT":
                by_step[tally.step] += tally.count
                by_channel[tally.channel] += tally.count
                by_type[tally.certification_type] += tally.count

    letters = [letter for part in parts for letter in part.letters]
    manifest_key = write_manifest(s3, mail_bucket, run_manifest_key(run_id), letters)

    report = {
        "runId": run_id,
        "runMonth": plan.get("runMonth"),
        "asOf": plan.get("asOf"),
        "planned": plan.get("counts", {}),
        "batches": {"total": len(results) + len(failed_batches), "failed": failed_batches},
        "invoicesCreated": invoices_created,
        "sent": {
            "byStep": dict(sorted(by_step.items())),
            "byChannel": dict(sorted(by_channel.items())),
            "byCertificationType": dict(sorted(by_type.items())),
        },
        "outcomes": dict(sorted(by_outcome.items())),
        "byStepChannel": [
            {"step": s, "channel": c, "outcome": o, "count": n}
            for (s, c, o), n in sorted(by_step_channel.items())
        ],
        "failures": dict(sorted(failures.items())),
        "resentAfterInterruption": resent,
        "letters": len(letters),
        "manifestKey": manifest_key,
    }
    report_key = put_json(s3, mail_bucket, f"runs/{run_id}/report.json", report, indent=2)
    if metrics is not None:
        _emit(metrics, by_step_channel, invoices_created, failures, len(failed_batches))
    return {
        "runId": run_id,
        "reportKey": report_key,
        "manifestKey": manifest_key,
        "letters": len(letters),
        "outcomes": report["outcomes"],
        "failures": report["failures"],
        "failedBatches": len(failed_batches),
        "resentAfterInterruption": resent,
    }


def read_parts(
    s3: Any, mail_bucket: str, run_id: str, batches: int
) -> tuple[list[BatchPart], list[dict[str, Any]]]:
    """The part of every planned batch (1..batches), and the batches without one."""
    parts: list[BatchPart] = []
    failed: list[dict[str, Any]] = []
    for batch_no in range(1, batches + 1):
        try:
            body = s3.get_object(Bucket=mail_bucket, Key=part_key(run_id, batch_no))["Body"]
        except s3.exceptions.NoSuchKey:
            failed.append({"batchNo": batch_no, "error": "NO_PART_WRITTEN"})
            continue
        part = BatchPart.model_validate_json(body.read())
        if part.result is None:
            failed.append({"batchNo": batch_no, "error": "NO_RESULT_IN_PART"})
            continue
        parts.append(part)
    return parts, failed


def _emit(
    metrics: Any,
    by_step_channel: Counter[tuple[str, str, str]],
    invoices_created: int,
    failures: Counter[str],
    failed_batches: int,
) -> None:
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    for (step, channel, outcome), count in sorted(by_step_channel.items()):
        if outcome != "SENT":
            continue
        with single_metric(
            name="NoticesSent", unit=MetricUnit.Count, value=count, namespace=metrics.namespace
        ) as metric:
            metric.add_dimension(name="step", value=step)
            metric.add_dimension(name="channel", value=channel)
    for code, count in sorted(failures.items()):
        with single_metric(
            name="RenewalFailures", unit=MetricUnit.Count, value=count, namespace=metrics.namespace
        ) as metric:
            metric.add_dimension(name="code", value=code)
    metrics.add_metric(name="InvoicesCreated", unit=MetricUnit.Count, value=invoices_created)
    metrics.add_metric(name="RenewalBatchesFailed", unit=MetricUnit.Count, value=failed_batches)

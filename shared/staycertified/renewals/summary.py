"""Summarise a renewal run: the run report, the print-house manifest, EMF metrics.

- ``runs/<runId>/report.json``: counts per step, channel, certification type
  and outcome, failures per code, invoices created, batches failed;
- ``runs/<runId>/manifest.csv``: one row per letter of the run for the
  print-and-mail house (letter key, recipient address lines, kind, invoice id,
  page count), gathered from the batches' manifest parts;
- metrics (Powertools EMF): NoticesSent per step and channel, InvoicesCreated,
  RenewalFailures per code. No personal data in logs (the manifest, which holds
  addresses, goes to the mail bucket only).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from pydantic import ValidationError

from staycertified.renewals.model import BatchPart, BatchResult

MANIFEST_COLUMNS = (
    "letter_key",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "address_line_5",
    "kind",
    "invoice_id",
    "pages",
)


def summarize(
    event: dict[str, Any], *, s3: Any, mail_bucket: str, metrics: Any = None
) -> dict[str, Any]:
    run_id = str(event["runId"])
    plan = event.get("plan") or {}
    results: list[BatchResult] = []
    failed_batches: list[dict[str, Any]] = []
    for raw in event.get("batches") or []:
        try:
            results.append(BatchResult.model_validate(raw))
        except ValidationError:
            failed_batches.append(
                {"batchNo": raw.get("batchNo"), "error": str(raw.get("error", "unknown"))}
            )

    by_step: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    by_step_channel: Counter[tuple[str, str, str]] = Counter()
    failures: Counter[str] = Counter()
    invoices_created = 0
    for result in results:
        invoices_created += result.invoices_created
        failures.update(result.failures)
        for tally in result.tallies:
            by_outcome[tally.outcome] += tally.count
            by_step_channel[(tally.step, tally.channel, tally.outcome)] += tally.count
            if tally.outcome == "SENT":
                by_step[tally.step] += tally.count
                by_channel[tally.channel] += tally.count
                by_type[tally.certification_type] += tally.count

    letters: list[Any] = []
    for result in sorted(results, key=lambda r: r.batch_no):
        body = s3.get_object(Bucket=mail_bucket, Key=result.part_key)["Body"].read()
        letters.extend(BatchPart.model_validate_json(body).letters)
    manifest_key = f"runs/{run_id}/manifest.csv"
    s3.put_object(
        Bucket=mail_bucket,
        Key=manifest_key,
        Body=_manifest_csv(letters).encode(),
        ContentType="text/csv",
    )

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
        "letters": len(letters),
        "manifestKey": manifest_key,
    }
    report_key = f"runs/{run_id}/report.json"
    s3.put_object(
        Bucket=mail_bucket,
        Key=report_key,
        Body=json.dumps(report, indent=2).encode(),
        ContentType="application/json",
    )
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
    }


def _manifest_csv(letters: list[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for letter in letters:
        lines = (list(letter.address_lines) + [""] * 5)[:5]
        writer.writerow([letter.letter_key, *lines, letter.kind, letter.invoice_id, letter.pages])
    return out.getvalue()


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

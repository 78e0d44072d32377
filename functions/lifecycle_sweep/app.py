"""LifecycleSweepFunction: the daily sweep (R16, R17, R21-R23), see
`staycertified.lifecycle.sweep` for how it finds its work without a Scan.

"Today" is the schedule's `scheduledTime` in the body's time zone (R39, R40).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.observability import logger, metrics, traced

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def handle(
    event: dict[str, Any],
    context: Any,
    *,
    table: Table | None = None,
    send_email: Any = None,
    post_letter: Any = None,
) -> dict[str, Any]:
    from aws_lambda_powertools.metrics import MetricUnit

    from staycertified import aws, config
    from staycertified.clock import scheduled_day
    from staycertified.lifecycle.sweep import run_sweep
    from staycertified.notify.email import send_email as ses_send
    from staycertified.notify.mailroom import post_letter as mail_post
    from staycertified.policy import load_policy
    from staycertified.triggers import ScheduledRun

    current = config.settings()
    run = ScheduledRun.model_validate(event)
    today = scheduled_day(run.scheduled_time, current.body_time_zone)
    table = table if table is not None else config.table()
    mail_bucket = current.mail_bucket
    report = run_sweep(
        table,
        today,
        load_policy(),
        send_email=send_email or ses_send,
        post_letter=post_letter or mail_post,
        s3=aws.s3() if mail_bucket else None,
        mail_bucket=mail_bucket,
    )
    metrics.add_metric(name="CyclesRolledOver", unit=MetricUnit.Count, value=report.rolled_over)
    metrics.add_metric(
        name="CyclesLapsedForPoints", unit=MetricUnit.Count, value=report.lapsed_for_points
    )
    metrics.add_metric(
        name="CertificationsLapsedForFees", unit=MetricUnit.Count, value=report.lapsed_for_fees
    )
    metrics.add_metric(
        name="RecertificationRequired", unit=MetricUnit.Count, value=report.recertification_required
    )
    metrics.add_metric(
        name="CcpNoticesSent", unit=MetricUnit.Count, value=sum(report.notices_sent.values())
    )
    result = report.model_dump(mode="json")
    result["audits"] = _audit_deadlines(table, today, send_email, post_letter)
    deadlines = _recertification_deadlines(table, today)
    result["applicationsExpired"] = deadlines["ApplicationsExpired"]
    result["felonyReviewsOverdue"] = deadlines["FelonyReviewsOverdue"]
    logger.info("lifecycle sweep", extra={"report": result})
    return result


def _audit_deadlines(table: Any, today: Any, send_email: Any, post_letter: Any) -> dict[str, Any]:
    """The sweep's audit step (R26 reminder, R27 deadline), separate from the rest."""
    from aws_lambda_powertools.metrics import MetricUnit

    from staycertified import config
    from staycertified.audits.deadlines import run_audit_deadlines
    from staycertified.notify.email import send_email as ses_send
    from staycertified.notify.mailroom import post_letter as mail_post
    from staycertified.policy import load_policy

    report = run_audit_deadlines(
        table,
        today,
        load_policy(),
        send_email=send_email or ses_send,
        post_letter=post_letter or mail_post,
    )
    metrics.add_metric(name="AuditsFailedAtDeadline", unit=MetricUnit.Count, value=report.failed)
    metrics.add_metric(
        name="AuditRemindersSent", unit=MetricUnit.Count, value=report.reminders_sent
    )
    result = report.model_dump(mode="json")
    mail_bucket = config.settings().mail_bucket
    if mail_bucket:
        from staycertified import aws
        from staycertified.audits.deadlines import write_review_report

        review = write_review_report(table, aws.s3(), mail_bucket, today.year)
        result["reviewCases"] = review["cases"]
    return result


def _recertification_deadlines(table: Any, today: Any) -> dict[str, int]:
    """Recertification deadlines as data, its own step: applications past their validity
    end EXPIRED (R29/R31); felony decisions past due flagged once, the count feeding the
    staff alarm (R30)."""
    from aws_lambda_powertools.metrics import MetricUnit

    from staycertified.recertification.workflow import (
        expire_applications,
        flag_overdue_felony_reviews,
    )

    counts = {
        "ApplicationsExpired": expire_applications(table, today),
        "FelonyReviewsOverdue": flag_overdue_felony_reviews(table, today),
    }
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    return counts


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event, context)

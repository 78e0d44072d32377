"""LifecycleSweepFunction: the daily sweep (R16, R17, R21-R23), see
`staycertified.lifecycle.sweep` for how it finds its work without a Scan.

"Today" is the schedule's `scheduledTime` in the body's time zone (R39, R40).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.observability import lambda_entry, logger, metrics

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

    from staycertified import aws, config
    from staycertified.clock import scheduled_day
    from staycertified.lifecycle.sweep import run_sweep
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
        **_transports(send_email, post_letter),
        s3=aws.s3() if mail_bucket else None,
        mail_bucket=mail_bucket,
    )
    _count(
        CyclesRolledOver=report.rolled_over,
        CyclesLapsedForPoints=report.lapsed_for_points,
        CertificationsLapsedForFees=report.lapsed_for_fees,
        RecertificationRequired=report.recertification_required,
        CcpNoticesSent=sum(report.notices_sent.values()),
    )
    result = report.model_dump(mode="json")
    result["audits"] = _audit_deadlines(table, today, send_email, post_letter)
    deadlines = _recertification_deadlines(table, today)
    result["applicationsExpired"] = deadlines["ApplicationsExpired"]
    result["felonyReviewsOverdue"] = deadlines["FelonyReviewsOverdue"]
    logger.info("lifecycle sweep", extra={"report": result})
    return result


def _transports(send_email: Any, post_letter: Any) -> dict[str, Any]:
    """The two transports: the ones handed in (a test), else SES and the mail bucket."""
    from staycertified.notify.email import send_email as ses_send
    from staycertified.notify.mailroom import post_letter as mail_post

    return {"send_email": send_email or ses_send, "post_letter": post_letter or mail_post}


def _audit_deadlines(table: Any, today: Any, send_email: Any, post_letter: Any) -> dict[str, Any]:
    """The sweep's audit step (R26 reminder, R27 deadline), separate from the rest."""

    from staycertified import config
    from staycertified.audits.deadlines import run_audit_deadlines
    from staycertified.policy import load_policy

    report = run_audit_deadlines(
        table, today, load_policy(), **_transports(send_email, post_letter)
    )
    _count(AuditsFailedAtDeadline=report.failed, AuditRemindersSent=report.reminders_sent)
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

    from staycertified.recertification.workflow import (
        expire_applications,
        flag_overdue_felony_reviews,
    )

    counts = {
        "ApplicationsExpired": expire_applications(table, today),
        "FelonyReviewsOverdue": flag_overdue_felony_reviews(table, today),
    }
    _count(**counts)
    return counts


def _count(**counts: int) -> None:
    """Each count as an EMF metric of the sweep."""
    from aws_lambda_powertools.metrics import MetricUnit

    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


lambda_handler = lambda_entry(handle, with_context=True)

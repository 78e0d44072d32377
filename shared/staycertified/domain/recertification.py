"""Recertification (R23, R28-R33) and the document-upload gate (R15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from staycertified.domain import errors
from staycertified.domain.ccp import ccp_duty
from staycertified.domain.cycles import make_cycle
from staycertified.domain.dates import add_years
from staycertified.domain.decisions import Frozen, Reason
from staycertified.domain.errors import DomainError
from staycertified.domain.invoicing import initial_paid_through
from staycertified.domain.model import (
    AuditCase,
    Category,
    CcpDuty,
    Certification,
    Cycle,
    RecertificationApplication,
)
from staycertified.domain.policy import Policy, RecertRoute
from staycertified.domain.standing import StandingDecision


class ApplicationStatus(StrEnum):
    INCOMPLETE = "INCOMPLETE"
    FELONY_REVIEW = "FELONY_REVIEW"  # R30: a staff decision before approval
    AWAITING_STAFF_REVIEW = "AWAITING_STAFF_REVIEW"  # R32: nothing approved by a machine


class CompletenessDecision(Frozen):
    """R29: COMPLETE goes to staff; INCOMPLETE lists every missing item."""

    application_id: str
    status: ApplicationStatus
    missing: tuple[Reason, ...]
    points_claimed: Decimal
    points_required: Decimal | None
    felony_review: bool
    rules: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def routes_offered(standing: StandingDecision) -> tuple[RecertRoute, ...]:
    """R23/R28: both routes, or the exam only after 10 years."""
    return tuple(RecertRoute(r) for r in standing.recertification_routes)


def check_route(standing: StandingDecision, route: RecertRoute) -> None:
    """R23: the CCP route is closed after 10 years (RECERT_BY_EXAM_REQUIRED)."""
    if route not in routes_offered(standing):
        msg = "lapsed 10 years or more: recertification by exam only"
        raise DomainError(errors.RECERT_BY_EXAM_REQUIRED, msg, "R23")


def _missing(code: str, message: str) -> Reason:
    return Reason(rule="R29", code=code, message=message)


def _activity_items(application: RecertificationApplication, window_start: date) -> list[Reason]:
    items = []
    for index, claimed in enumerate(application.activities, start=1):
        inside = window_start <= claimed.completed_on <= application.submitted_on
        if not inside:
            msg = f"activity {index} completed {claimed.completed_on}, outside {window_start}..{application.submitted_on}"
            items.append(_missing("ACTIVITY_OUTSIDE_WINDOW", msg))
        if claimed.proof_document_id is None:
            items.append(
                _missing("PROOF_DOCUMENT_MISSING", f"activity {index} has no proof document")
            )
        if (
            claimed.category == Category.EMPLOYMENT
            and claimed.employment_verification_form_id is None
        ):
            msg = f"activity {index} (employment) needs the employment verification form"
            items.append(_missing("EMPLOYMENT_VERIFICATION_FORM_MISSING", msg))
    return items


def _points_in_window(application: RecertificationApplication, window_start: date) -> Decimal:
    return sum(
        (
            a.points
            for a in application.activities
            if window_start <= a.completed_on <= application.submitted_on
        ),
        Decimal(0),
    )


def check_ccp_application(
    application: RecertificationApplication, policy: Policy
) -> CompletenessDecision:
    """R29-R32: complete, listing EVERY missing item; felony -> review (never a failure)."""
    day = application.submitted_on
    window_start = add_years(day, -policy.recertification.window_years.at(day))
    missing: list[Reason] = []
    required: Decimal | None = None
    if application.certification_type is None:
        missing.append(_missing("CERTIFICATION_TYPE_MISSING", "certification type not given"))
    elif application.certification_type not in policy.catalogue:
        missing.append(_missing(errors.UNKNOWN_CERTIFICATION, "unknown certification type"))
    else:
        required = policy.points_required(application.certification_type, day)
    if application.felony_answer is None:
        missing.append(_missing("FELONY_QUESTION_UNANSWERED", "felony question not answered"))
    claimed = _points_in_window(application, window_start)
    if required is not None and claimed < required:
        msg = f"{claimed} of {required} points within {window_start}..{day}"
        missing.append(_missing("POINTS_SHORT", msg))
    missing += _activity_items(application, window_start)
    if application.attestation_signed_on is None or not application.attestation_signed_by:
        missing.append(_missing("ATTESTATION_NOT_SIGNED", "signed, dated attestation missing"))
    if not application.fee_paid:
        missing.append(_missing("FEE_UNPAID", "recertification fee not paid"))
    felony = application.felony_answer is True
    if missing:
        status = ApplicationStatus.INCOMPLETE
    elif felony:
        status = ApplicationStatus.FELONY_REVIEW
    else:
        status = ApplicationStatus.AWAITING_STAFF_REVIEW
    return CompletenessDecision(
        application_id=application.application_id,
        status=status,
        missing=tuple(missing),
        points_claimed=claimed,
        points_required=required,
        felony_review=felony,
        rules=("R29", "R30", "R32"),
    )


class ExamAuthorisation(Frozen):
    """R31: authorised to test while the application is valid (1 year, policy)."""

    authorised: bool
    valid_until: date
    reasons: tuple[Reason, ...]
    rules: tuple[str, ...] = ("R31",)


def exam_authorisation(
    submitted_on: date, meets_current_eligibility: bool, policy: Policy
) -> ExamAuthorisation:
    """R31: the CURRENT eligibility of the type decides (see `eligibility`)."""
    valid_until = add_years(
        submitted_on, policy.recertification.application_valid_years.at(submitted_on)
    )
    reasons = []
    if not meets_current_eligibility:
        msg = "does not meet the current eligibility criteria"
        reasons.append(Reason(rule="R31", code="NOT_ELIGIBLE", message=msg))
    return ExamAuthorisation(
        authorised=meets_current_eligibility, valid_until=valid_until, reasons=tuple(reasons)
    )


def may_retest(authorisation: ExamAuthorisation, today: date) -> bool:
    """R31: a fail leaves the applicant able to retest while the application is valid."""
    return authorisation.authorised and today <= authorisation.valid_until


class RecertificationEffect(Frozen):
    """R33: active again, new anchor and cycle, anniversary moves, CCP mandatory, badge."""

    certification: Certification
    new_cycle: Cycle
    ccp_duty: CcpDuty
    issue_badge: bool
    rules: tuple[str, ...] = ("R33", "R8", "R9", "R36")


def apply_recertification(
    certification: Certification, recertified_on: date, policy: Policy
) -> RecertificationEffect:
    """R33: the anchor becomes `recertified_on`; recorded lapse/audit failure is cleared;
    paid_through covers up to the first due date of the new anniversary."""
    renewed = certification.model_copy(
        update={
            "recertified_on": recertified_on,
            "recertification_required_since": None,
            "audit_failed_on": None,
            "paid_through": None,
        }
    )
    renewed = renewed.model_copy(update={"paid_through": initial_paid_through(renewed)})
    return RecertificationEffect(
        certification=renewed,
        new_cycle=make_cycle(renewed, 0, policy),
        ccp_duty=ccp_duty(renewed),  # R8: mandatory for any recertification since 2014-04-01
        issue_badge=True,
    )


def check_upload_allowed(
    open_audit_case: AuditCase | None, open_application: RecertificationApplication | None
) -> None:
    """R15: members upload only inside an open audit case or a recertification application."""
    if (open_audit_case is not None and open_audit_case.is_open) or open_application is not None:
        return
    msg = "documents can be uploaded only to an open audit case or recertification application"
    raise DomainError(errors.DOCUMENT_UPLOAD_NOT_ALLOWED, msg, "R15")

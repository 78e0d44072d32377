"""R15, R23, R28-R33: recertification routes, completeness, effect; the upload gate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from staycertified.domain.errors import DomainError
from staycertified.domain.model import (
    ApplicationActivity,
    AuditCase,
    AuditStatus,
    Category,
    CcpDuty,
    RecertificationApplication,
    Standing,
)
from staycertified.domain.policy import RecertRoute
from staycertified.domain.recertification import (
    ApplicationStatus,
    apply_recertification,
    check_ccp_application,
    check_route,
    check_upload_allowed,
    exam_authorisation,
    may_retest,
    routes_offered,
)
from staycertified.domain.standing import evaluate_standing
from staycertified.policy import Policy

from .builders import cert, history, invoice

D = date


def application(**overrides: object) -> RecertificationApplication:
    values: dict[str, object] = {
        "application_id": "APP-1",
        "certificate_number": "C-1",
        "route": "CCP",
        "certification_type": "RMA",
        "submitted_on": D(2026, 6, 1),
        "felony_answer": False,
        "activities": (
            ApplicationActivity(
                category=Category.PROFESSIONAL_EDUCATION,
                completed_on=D(2024, 1, 1),
                points=Decimal(20),
                proof_document_id="DOC-1",
            ),
            ApplicationActivity(
                category=Category.EMPLOYMENT,
                completed_on=D(2023, 6, 1),
                points=Decimal(10),
                proof_document_id="DOC-2",
                employment_verification_form_id="EVF-1",
            ),
        ),
        "attestation_signed_on": D(2026, 6, 1),
        "attestation_signed_by": "Ana Lopez",
        "fee_paid": True,
    }
    values.update(overrides)
    return RecertificationApplication.model_validate(values)


def test_r29_r32_complete_application_goes_to_staff_review(policy: Policy) -> None:
    decision = check_ccp_application(application(), policy)
    assert decision.complete and decision.status == ApplicationStatus.AWAITING_STAFF_REVIEW
    assert (decision.points_claimed, decision.points_required) == (30, 30)
    assert "R32" in decision.rules


def test_r29_incomplete_application_lists_every_missing_item(policy: Policy) -> None:
    bare = application(
        certification_type=None,
        felony_answer=None,
        activities=(
            ApplicationActivity(
                category=Category.EMPLOYMENT, completed_on=D(2023, 5, 31), points=Decimal(10)
            ),
        ),
        attestation_signed_on=None,
        fee_paid=False,
    )
    decision = check_ccp_application(bare, policy)
    assert decision.status == ApplicationStatus.INCOMPLETE
    assert [m.code for m in decision.missing] == [
        "CERTIFICATION_TYPE_MISSING",
        "FELONY_QUESTION_UNANSWERED",
        "ACTIVITY_OUTSIDE_WINDOW",
        "PROOF_DOCUMENT_MISSING",
        "EMPLOYMENT_VERIFICATION_FORM_MISSING",
        "ATTESTATION_NOT_SIGNED",
        "FEE_UNPAID",
    ]
    assert [m.message for m in decision.missing] == [
        "certification type not given",
        "felony question not answered",
        "activity 1 completed 2023-05-31, outside 2023-06-01..2026-06-01",
        "activity 1 has no proof document",
        "activity 1 (employment) needs the employment verification form",
        "signed, dated attestation missing",
        "recertification fee not paid",
    ]
    assert all(m.rule == "R29" for m in decision.missing)
    assert decision.rules == ("R29", "R30", "R32")


@pytest.mark.parametrize(
    ("completed_on", "counted"),
    [(D(2023, 5, 31), False), (D(2023, 6, 1), True), (D(2026, 6, 1), True), (D(2026, 6, 2), False)],
)
def test_r29_activities_count_within_three_years_before_the_application(
    policy: Policy, completed_on: date, counted: bool
) -> None:
    one = ApplicationActivity(
        category=Category.AUTHORSHIP,
        completed_on=completed_on,
        points=Decimal(30),
        proof_document_id="D",
    )
    decision = check_ccp_application(application(activities=(one,)), policy)
    assert decision.complete is counted
    if not counted:
        assert {m.code for m in decision.missing} == {"ACTIVITY_OUTSIDE_WINDOW", "POINTS_SHORT"}


def test_r29_unknown_type_and_short_points(policy: Policy) -> None:
    assert [
        m.code for m in check_ccp_application(application(certification_type="XYZ"), policy).missing
    ] == ["UNKNOWN_CERTIFICATION"]
    unknown = check_ccp_application(application(certification_type="XYZ"), policy)
    assert [m.message for m in unknown.missing] == ["unknown certification type"]
    decision = check_ccp_application(application(certification_type="MT"), policy)
    assert [m.code for m in decision.missing] == ["POINTS_SHORT"]
    assert [m.message for m in decision.missing] == [
        "30 of 45 points within 2023-06-01..2026-06-01"
    ]
    assert decision.points_required == 45


def test_r30_felony_yes_sends_to_review_without_failing(policy: Policy) -> None:
    decision = check_ccp_application(application(felony_answer=True), policy)
    assert decision.complete and decision.felony_review
    assert decision.status == ApplicationStatus.FELONY_REVIEW


def test_r29_unsigned_attestation_is_missing(policy: Policy) -> None:
    decision = check_ccp_application(application(attestation_signed_by=""), policy)
    assert [m.code for m in decision.missing] == ["ATTESTATION_NOT_SIGNED"]


def lapsed_standing(today: date):  # type: ignore[no-untyped-def]
    from staycertified.policy import load_policy

    c = cert(D(2019, 5, 17))
    owed = history(c, invoices=[invoice(2020, D(2020, 5, 31))])
    return evaluate_standing(owed, today, load_policy())


def test_r23_ccp_route_closed_after_ten_years() -> None:
    recent = lapsed_standing(D(2024, 1, 1))
    assert recent.status == Standing.RECERTIFICATION_REQUIRED
    assert routes_offered(recent) == (RecertRoute.CCP, RecertRoute.EXAM)
    check_route(recent, RecertRoute.CCP)
    old = lapsed_standing(D(2030, 6, 1))
    assert routes_offered(old) == (RecertRoute.EXAM,)
    check_route(old, RecertRoute.EXAM)
    with pytest.raises(DomainError) as caught:
        check_route(old, RecertRoute.CCP)
    assert (caught.value.code, caught.value.rule) == ("RECERT_BY_EXAM_REQUIRED", "R23")


def test_r31_exam_authorisation_valid_one_year(policy: Policy) -> None:
    ok = exam_authorisation(D(2026, 2, 1), True, policy)
    assert ok.authorised and ok.valid_until == D(2027, 2, 1)
    assert may_retest(ok, D(2027, 2, 1)) and not may_retest(ok, D(2027, 2, 2))
    refused = exam_authorisation(D(2026, 2, 1), False, policy)
    assert not refused.authorised and [r.code for r in refused.reasons] == ["NOT_ELIGIBLE"]
    assert not may_retest(refused, D(2026, 3, 1))


def test_r33_recertification_moves_anchor_anniversary_and_cycle(policy: Policy) -> None:
    lapsed = cert(D(2005, 3, 10)).model_copy(
        update={"recertification_required_since": D(2020, 1, 1), "audit_failed_on": D(2019, 1, 1)}
    )
    effect = apply_recertification(lapsed, D(2026, 8, 20), policy)
    renewed = effect.certification
    assert (renewed.anchor_date, renewed.anniversary_month, renewed.certified_on) == (
        D(2026, 8, 20),
        8,
        D(2005, 3, 10),
    )
    assert renewed.recertification_required_since is None and renewed.audit_failed_on is None
    assert renewed.paid_through == D(2027, 8, 31)
    assert (effect.new_cycle.start, effect.new_cycle.end) == (D(2026, 8, 20), D(2029, 8, 19))
    assert effect.ccp_duty == CcpDuty.MANDATORY and effect.issue_badge
    standing = evaluate_standing(history(renewed), D(2026, 8, 21), policy)
    assert standing.status == Standing.ACTIVE


CASE = AuditCase(
    case_id="A",
    certificate_number="C-1",
    audit_year=2026,
    cycle_start=D(2022, 1, 1),
    cycle_end=D(2024, 12, 31),
    opened_on=D(2026, 1, 10),
    respond_by=D(2026, 3, 11),
    reminder_on=D(2026, 2, 25),
)


def test_r15_upload_only_inside_open_audit_or_application() -> None:
    check_upload_allowed(CASE, None)
    check_upload_allowed(None, application())
    for case in (None, CASE.model_copy(update={"status": AuditStatus.PASSED})):
        with pytest.raises(DomainError) as caught:
            check_upload_allowed(case, None)
        assert (caught.value.code, caught.value.rule) == ("DOCUMENT_UPLOAD_NOT_ALLOWED", "R15")

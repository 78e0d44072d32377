"""R24: every refusal and decision names its rule and explains itself (code, rule, message, dates)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from staycertified.domain import activities, compliance, invoicing, recertification
from staycertified.domain.activities import ActivityDraft, assess_activity, record_activity
from staycertified.domain.decisions import ActionKind
from staycertified.domain.errors import DomainError
from staycertified.domain.model import (
    ActivitySource,
    CcpDuty,
    Cycle,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Qualifies,
    Standing,
)
from staycertified.domain.policy import RecertRoute
from staycertified.domain.standing import evaluate_standing, worse_or_equal
from staycertified.policy import load_policy

from .builders import activity, attestation, cert, history, invoice

D = date
POLICY = load_policy()
CYCLE = Cycle(
    certificate_number="C-1", start=D(2019, 5, 1), end=D(2022, 4, 30), points_required=Decimal(30)
)


def draft(**overrides: object) -> ActivityDraft:
    values: dict[str, object] = {
        "category": "PROFESSIONAL_EDUCATION",
        "unit": "CONTACT_HOUR",
        "title": "t",
        "quantity": Decimal(3),
        "qualifies": Qualifies.JOB_PERFORMANCE,
        "completed_on": D(2020, 3, 1),
    }
    values.update(overrides)
    return ActivityDraft.model_validate(values)


ACTIVITY_ERRORS = [
    (draft(completed_on=None), "ACTIVITY_DATE_MISSING", "R12", "completion date"),
    (
        draft(completed_on=D(2030, 1, 1)),
        "ACTIVITY_IN_FUTURE",
        "R12",
        "2030-01-01 is after 2021-06-01",
    ),
    (
        draft(completed_on=D(2019, 4, 30)),
        "ACTIVITY_BEFORE_CYCLE_START",
        "R12",
        "before the cycle start 2019-05-01",
    ),
    (draft(category="YOGA"), "INVALID_CATEGORY", "R10", "'YOGA'"),
    (draft(category="EXAM"), "EXAM_NOT_VALID_FOR_CCP", "R19", "exam"),
    (draft(unit="ITEM"), "INVALID_UNIT", "R11", "use CEU, CONTACT_HOUR"),
    (draft(quantity=Decimal(-1)), "INVALID_QUANTITY", "R11", "positive"),
    (draft(qualifies=None), "QUALIFICATION_NOT_AFFIRMED", "R10", "affirm"),
    (
        draft(category="INSTRUCTIONAL_PRESENTATION", unit="HOUR"),
        "NOT_FIRST_DELIVERY",
        "R11",
        "first delivery",
    ),
    (
        draft(
            category="EMPLOYMENT",
            unit="YEAR",
            completed_on=None,
            period_start=D(2020, 2, 1),
            period_end=D(2020, 1, 1),
        ),
        "ACTIVITY_PERIOD_INVALID",
        "R14",
        "period",
    ),
    (
        draft(
            category="EMPLOYMENT",
            unit="YEAR",
            completed_on=None,
            period_start=D(2021, 1, 1),
            period_end=D(2021, 3, 1),
        ),
        "EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020",
        "R14",
        "2021-01-01 is after 2020-12-31",
    ),
]


@pytest.mark.parametrize(
    ("d", "code", "rule", "fragment"), ACTIVITY_ERRORS, ids=[c[1] for c in ACTIVITY_ERRORS]
)
def test_r24_activity_refusals_name_code_rule_and_reason(
    d: ActivityDraft, code: str, rule: str, fragment: str
) -> None:
    _, found = assess_activity(d, CYCLE, D(2021, 6, 1), POLICY)
    (error,) = [e for e in found if e.code == code]
    assert error.rule == rule
    assert fragment in error.message


def test_r12_after_a_past_cycle_end_message_and_rule() -> None:
    _, found = assess_activity(draft(completed_on=D(2022, 5, 1)), CYCLE, D(2022, 5, 1), POLICY)
    assert [(e.code, e.rule) for e in found] == [("ACTIVITY_AFTER_CYCLE_END", "R12")]
    assert "after the cycle end 2022-04-30" in found[0].message


def test_r14_cut_note_and_r14_rule_only_for_employment() -> None:
    employment = draft(
        category="EMPLOYMENT",
        unit="YEAR",
        completed_on=None,
        period_start=D(2020, 1, 1),
        period_end=D(2020, 12, 31),
        quantity=Decimal(1),
    )
    award, _ = assess_activity(
        employment, CYCLE.model_copy(update={"end": D(2022, 12, 31)}), D(2022, 1, 1), POLICY
    )
    assert award is not None and award.rules == ("R11", "R12", "R14") and award.notes == ()
    crossing = employment.model_copy(update={"period_end": D(2021, 12, 31)})
    award, _ = assess_activity(
        crossing, CYCLE.model_copy(update={"end": D(2022, 12, 31)}), D(2022, 1, 1), POLICY
    )
    assert award is not None and award.rules == ("R11", "R12", "R14")
    (note,) = award.notes
    assert (note.rule, note.code, note.since) == ("R14", "EMPLOYMENT_CUT", D(2020, 12, 31))
    plain, _ = assess_activity(draft(), CYCLE, D(2021, 6, 1), POLICY)
    assert plain is not None and plain.rules == ("R11", "R12")


def test_r14_one_day_period_is_valid_and_both_errors_are_listed() -> None:
    one_day = draft(
        category="EMPLOYMENT",
        unit="YEAR",
        completed_on=None,
        period_start=D(2020, 1, 1),
        period_end=D(2020, 1, 1),
    )
    assert assess_activity(one_day, CYCLE, D(2021, 6, 1), POLICY)[1] == []
    both = one_day.model_copy(
        update={"period_start": D(2019, 1, 1), "period_end": D(2019, 4, 1), "qualifies": None}
    )
    codes = sorted(e.code for e in assess_activity(both, CYCLE, D(2021, 6, 1), POLICY)[1])
    assert codes == ["ACTIVITY_BEFORE_CYCLE_START", "QUALIFICATION_NOT_AFFIRMED"]


def test_r12_record_activity_keeps_the_draft_details() -> None:
    period = draft(
        category="EMPLOYMENT",
        unit="YEAR",
        completed_on=None,
        period_start=D(2019, 6, 1),
        period_end=D(2020, 5, 31),
        quantity=Decimal(1),
        provider="Clinic",
        source=ActivitySource.STAFF,
    )
    stored = record_activity(period, CYCLE, D(2021, 6, 1), POLICY, "A-1")
    assert (stored.period_start, stored.period_end, stored.completed_on) == (
        D(2019, 6, 1),
        D(2020, 5, 31),
        None,
    )
    assert (stored.provider, stored.source, stored.points, stored.title) == (
        "Clinic",
        ActivitySource.STAFF,
        4,
        "t",
    )
    course = record_activity(draft(), CYCLE, D(2021, 6, 1), POLICY, "A-2")
    assert (course.completed_on, course.qualifies, course.quantity) == (
        D(2020, 3, 1),
        Qualifies.JOB_PERFORMANCE,
        3,
    )


def _raises(call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


C = cert(D(2022, 5, 17))


def pay(amount: str = "50", payment_id: str = "P-2") -> Payment:
    return Payment(
        payment_id=payment_id,
        invoice_id="INV-C-1-2023",
        amount=Decimal(amount),
        method=PaymentMethod.CARD,
        received_on=D(2023, 5, 1),
    )


OTHER_ERRORS: list[tuple[Callable[[], object], str, str, str]] = [
    (
        lambda: invoicing.make_invoice(C, 2022, D(2022, 4, 1), POLICY),
        "NOT_AN_INVOICE_MONTH",
        "R3",
        "2022",
    ),
    (
        lambda: invoicing.apply_payment(
            C, invoice(2023, D(2023, 5, 31), paid_at=D(2023, 5, 1)), pay()
        ),
        "INVOICE_ALREADY_PAID",
        "R7",
        "PAY-2023",
    ),
    (
        lambda: invoicing.apply_payment(C, invoice(2023, D(2023, 5, 31)), pay("5")),
        "WRONG_AMOUNT",
        "R7",
        "paid 5 USD",
    ),
    (
        lambda: invoicing.apply_payment(
            C, invoice(2023, D(2023, 5, 31), status=InvoiceStatus.VOID), pay()
        ),
        "INVOICE_VOID",
        "R7",
        "void",
    ),
    (
        lambda: invoicing.refund(invoice(2023, D(2023, 5, 31))),
        "FEE_NOT_REFUNDABLE",
        "R6",
        "INV-C-1-2023",
    ),
    (
        lambda: compliance.check_attestation(
            attestation(CYCLE.start, D(2022, 5, 1)), CYCLE, D(2022, 5, 1)
        ),
        "ATTESTATION_AFTER_CYCLE_END",
        "R18",
        "2022-04-30",
    ),
    (
        lambda: compliance.check_attestation(
            attestation(D(2016, 5, 1), D(2020, 1, 1)), CYCLE, D(2020, 1, 1)
        ),
        "ATTESTATION_BEFORE_CYCLE_START",
        "R18",
        "2019-05-01",
    ),
    (
        lambda: recertification.check_upload_allowed(None, None),
        "DOCUMENT_UPLOAD_NOT_ALLOWED",
        "R15",
        "audit",
    ),
]


@pytest.mark.parametrize(
    ("call", "code", "rule", "fragment"), OTHER_ERRORS, ids=[c[1] for c in OTHER_ERRORS]
)
def test_r24_domain_errors_name_code_rule_and_reason(
    call, code: str, rule: str, fragment: str
) -> None:  # type: ignore[no-untyped-def]
    error = _raises(call)
    assert (error.code, error.rule) == (code, rule)
    assert fragment in error.message


def test_r18_attestation_on_the_cycle_start_is_accepted() -> None:
    compliance.check_attestation(attestation(CYCLE.start, CYCLE.start), CYCLE, CYCLE.start)
    signed = attestation(CYCLE.start, CYCLE.start)
    assert compliance.valid_attestation(signed, CYCLE)
    decision = compliance.cycle_compliance(CYCLE, [], [signed], [], POLICY, CYCLE.start)
    assert decision.attested
    assert compliance.points_met_on(CYCLE, [], [signed], POLICY, CYCLE.start) == CYCLE.start


def test_r18_attestation_for_another_certification_does_not_count() -> None:
    other = attestation(CYCLE.start, D(2020, 1, 1)).model_copy(update={"certificate_number": "C-2"})
    assert not compliance.cycle_compliance(CYCLE, [], [other], [], POLICY, D(2021, 1, 1)).attested


def test_r16_invoices_due_on_the_cycle_first_and_last_day_count() -> None:
    first = cert(D(2019, 5, 1))
    fees = invoicing.fee_years(first, [], D(2022, 5, 1))
    on_start = CYCLE.model_copy(update={"start": D(2020, 5, 31)})
    assert compliance.cycle_compliance(
        on_start, [activity(D(2021, 1, 1), 30)], [], fees, POLICY, D(2022, 5, 1)
    ).unpaid_invoices == (
        "INV-C-1-2020",
        "INV-C-1-2021",
    )
    on_end = CYCLE.model_copy(update={"end": D(2021, 5, 31)})
    assert compliance.cycle_compliance(
        on_end, [activity(D(2021, 1, 1), 30)], [], fees, POLICY, D(2022, 5, 1)
    ).unpaid_invoices == (
        "INV-C-1-2020",
        "INV-C-1-2021",
    )


def test_r16_compliance_counts_only_activities_recorded_by_as_of() -> None:
    late = activity(D(2020, 1, 1), 30, recorded_on=D(2022, 6, 1))
    decision = compliance.cycle_compliance(CYCLE, [late], [], [], POLICY, D(2022, 5, 1))
    assert (decision.tally.counted, decision.points_met) == (0, False)
    signed_late = attestation(CYCLE.start, D(2022, 4, 30))
    assert not compliance.cycle_compliance(
        CYCLE, [], [signed_late], [], POLICY, D(2022, 4, 29)
    ).attested
    assert compliance.points_met_on(CYCLE, [], [signed_late], POLICY, D(2022, 4, 29)) is None
    assert compliance.points_met_on(CYCLE, [], [signed_late], POLICY, D(2022, 4, 30)) == D(
        2022, 4, 30
    )
    one = CYCLE.model_copy(update={"points_required": Decimal(1)})
    assert compliance.points_met_on(one, [], [], POLICY, D(2022, 1, 1)) is None


def test_r16_tally_total_is_a_decimal_even_when_empty() -> None:
    tally = compliance.tally_points(CYCLE, [], POLICY)
    assert tally.counted == Decimal(0) and isinstance(tally.counted, Decimal)


S = cert(D(2019, 5, 17))


def standing(today: date, **kw):  # type: ignore[no-untyped-def]
    values = {
        "activities": [activity(D(2021, 1, 10), 30)],
        "invoices": [
            invoice(y, D(y, 5, 31), paid_at=D(y, 5, 1)) for y in range(2020, today.year + 1)
        ],
    }
    values.update(kw)
    c = values.pop("c", S)
    case = values.get("open_audit_case")
    record = history(
        c,
        [],
        values["activities"],
        values.get("attestations", []),
        values["invoices"],
        audit_cases=() if case is None else (case,),
        audit_failed_on=values.get("audit_failed_on"),
    )
    return evaluate_standing(record, today, POLICY)


def test_r22_r23_reasons_carry_their_dates_and_rules() -> None:
    audit = standing(D(2023, 3, 1), audit_failed_on=D(2023, 2, 1))
    assert [(r.rule, r.code, r.since) for r in audit.reasons] == [
        ("R22", "AUDIT_FAILED", D(2023, 2, 1))
    ]
    assert "2023-02-01" in audit.reasons[0].message
    assert (audit.next_actions[0].rule, audit.unmet_since) == ("R22", D(2023, 2, 1))
    recorded = S.model_copy(update={"recertification_required_since": D(2023, 1, 5)})
    decision = standing(D(2023, 3, 1), c=recorded)
    assert [(r.code, r.since) for r in decision.reasons] == [
        ("RECERTIFICATION_REQUIRED", D(2023, 1, 5))
    ]
    old = standing(D(2033, 2, 1), audit_failed_on=D(2023, 2, 1))
    (exam,) = [r for r in old.reasons if r.rule == "R23"]
    assert (exam.code, exam.since) == ("RECERT_BY_EXAM_REQUIRED", D(2033, 2, 1))
    assert old.next_actions[0].rule == "R23"
    assert old.next_actions[0].message == "recertify by EXAM"


def test_r21_points_to_record_exclude_activities_recorded_after_today() -> None:
    items = [
        activity(D(2021, 1, 10), 10),
        activity(D(2022, 1, 1), 5, recorded_on=D(2022, 9, 1), activity_id="later"),
    ]
    decision = standing(D(2022, 6, 1), activities=items)
    (record,) = [
        a for a in decision.next_actions if a.kind == ActionKind.RECORD_POINTS and a.rule == "R21"
    ]
    assert record.points == 20
    assert "2019-05-17..2022-05-16" in record.message


def test_r22_expired_points_reason_reports_outstanding_points() -> None:
    late = activity(D(2022, 1, 1), 20, recorded_on=D(2025, 6, 1), activity_id="late")
    decision = standing(
        D(2025, 7, 1), activities=[activity(D(2021, 1, 10), 10), late, activity(D(2024, 1, 1), 30)]
    )
    assert decision.status == Standing.RECERTIFICATION_REQUIRED
    (reason,) = decision.reasons
    assert "ended with 0 points outstanding" in reason.message and reason.since == D(2025, 5, 16)


def test_r37_current_points_use_only_activities_recorded_by_today() -> None:
    later = activity(D(2023, 1, 1), 12, recorded_on=D(2023, 8, 1))
    assert (
        standing(D(2023, 7, 1), activities=[activity(D(2021, 1, 10), 30), later]).points_counted
        == 0
    )


def test_r16_record_points_action_from_the_cycle_first_day() -> None:
    decision = standing(D(2022, 5, 17))
    actions = [a for a in decision.next_actions if a.kind == ActionKind.RECORD_POINTS]
    assert [(a.points, a.by) for a in actions] == [(Decimal(30), D(2025, 5, 16))]


def test_r16_no_record_points_action_when_nothing_is_outstanding() -> None:
    done = [activity(D(2021, 1, 10), 30), activity(D(2022, 5, 20), 30, activity_id="cur")]
    decision = standing(D(2022, 6, 1), activities=done)
    assert not [a for a in decision.next_actions if a.kind == ActionKind.RECORD_POINTS]


def test_r16_one_point_outstanding_still_asks_to_record() -> None:
    decision = standing(
        D(2023, 1, 1),
        activities=[activity(D(2021, 1, 10), 30), activity(D(2022, 6, 1), 29, activity_id="x")],
    )
    (action,) = [a for a in decision.next_actions if a.kind == ActionKind.RECORD_POINTS]
    assert (action.points, action.by, action.rule) == (Decimal(1), D(2025, 5, 16), "R16")


def test_r8_voluntary_certification_is_not_asked_to_record_points() -> None:
    decision = standing(
        D(2004, 6, 1),
        c=cert(D(2003, 5, 17)),
        activities=[],
        invoices=[invoice(2004, D(2004, 5, 31), paid_at=D(2004, 5, 1))],
    )
    assert decision.ccp_duty == CcpDuty.VOLUNTARY
    assert not [a for a in decision.next_actions if a.kind == ActionKind.RECORD_POINTS]


def test_r3_pay_action_on_the_due_day_and_not_once_paid() -> None:
    unpaid = [invoice(y, D(y, 5, 31), paid_at=D(y, 5, 1)) for y in range(2020, 2023)] + [
        invoice(2023, D(2023, 5, 31))
    ]
    decision = standing(D(2023, 5, 31), invoices=unpaid)
    (pay_action,) = [a for a in decision.next_actions if a.kind == ActionKind.PAY_INVOICE]
    assert (pay_action.invoice_id, pay_action.amount, pay_action.by) == (
        "INV-C-1-2023",
        Decimal(50),
        D(2023, 5, 31),
    )
    assert (decision.next_invoice.invoice_id, decision.next_invoice.amount) == (
        "INV-C-1-2023",
        Decimal(50),
    )
    paid = standing(D(2023, 5, 15))
    assert not [a for a in paid.next_actions if a.kind == ActionKind.PAY_INVOICE]
    assert paid.next_invoice.membership_year == 2024


def test_r37_days_left_is_zero_on_the_last_day() -> None:
    assert (
        standing(
            D(2025, 5, 16), activities=[activity(D(2021, 1, 10), 30), activity(D(2024, 1, 1), 30)]
        ).days_left
        == 0
    )


def test_standing_severity_is_reflexive() -> None:
    assert worse_or_equal(Standing.LAPSED, Standing.LAPSED)


def test_r23_check_route_message_and_exam_authorisation_reason() -> None:
    old = standing(D(2033, 2, 1), audit_failed_on=D(2023, 2, 1))
    error = _raises(lambda: recertification.check_route(old, RecertRoute.CCP))
    assert "exam only" in error.message
    refused = recertification.exam_authorisation(D(2026, 1, 1), False, POLICY)
    assert refused.reasons[0].rule == "R31" and "eligibility" in refused.reasons[0].message


def test_r11_activities_error_helper_keeps_rule() -> None:
    error = activities._error("X", "m", "R99")
    assert (error.code, error.message, error.rule) == ("X", "m", "R99")


def test_r16_r21_stored_rollover_counts_from_its_own_day() -> None:
    late_rollover = Cycle(
        certificate_number="C-1",
        start=D(2019, 5, 17),
        end=D(2022, 5, 16),
        points_required=Decimal(30),
        advanced_on=D(2022, 6, 10),
    )
    rolled = history(
        S,
        [late_rollover],
        [],
        [],
        [invoice(y, D(y, 5, 31), paid_at=D(y, 5, 1)) for y in range(2020, 2023)],
    )
    assert evaluate_standing(rolled, D(2022, 6, 9), POLICY).status == Standing.LAPSED
    assert evaluate_standing(rolled, D(2022, 6, 10), POLICY).status == Standing.ACTIVE


def test_r36_replace_keeps_the_given_reason() -> None:
    from staycertified.domain.badges import BadgeEvent, badge_decision

    decision = badge_decision(
        S, BadgeEvent.PAYMENT, "P-1", D(2024, 5, 31), CYCLE, reason="2023 fee paid"
    )
    assert decision.reason == "2023 fee paid"

"""R20-R24, R37, R38: standing on a date, reasons, next actions, verification."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from staycertified.domain.decisions import ActionKind
from staycertified.domain.model import AuditCase, AuditStatus, Cycle, Member, Standing
from staycertified.domain.standing import evaluate_standing, public_verification, worse_or_equal
from staycertified.policy import load_policy
from staycertified.policy.loader import BUNDLED_POLICY

from .builders import activity, attestation, cert, history, invoice

D = date
C = cert(D(2019, 5, 17))  # cycle 0: 2019-05-17..2022-05-16; fees due 31 May from 2020


def paid_fees(
    years: range, skip: set[int] = frozenset(), late: dict[int, date] | None = None
) -> list:  # type: ignore[type-arg, assignment]
    late = late or {}
    out = []
    for y in years:
        due = D(y, 5, 31)
        out.append(invoice(y, due, paid_at=None if y in skip else late.get(y, D(y, 5, 1))))
    return out


FULL_POINTS = [activity(D(2021, 1, 10), 30)]


def standing(
    today: date,
    c=C,
    activities=FULL_POINTS,
    invoices=None,
    attestations=(),
    cycles=(),
    open_audit_case=None,
    **kw,
):  # type: ignore[no-untyped-def]
    invoices = paid_fees(range(2020, today.year + 1)) if invoices is None else invoices
    cases = () if open_audit_case is None else (open_audit_case,)
    record = history(c, cycles, activities, attestations, invoices, audit_cases=cases, **kw)
    return evaluate_standing(record, today, load_policy())


def codes(decision) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.code for r in decision.reasons]


def test_r20_active_when_fees_paid_and_cycle_compliant() -> None:
    decision = standing(D(2022, 6, 1))
    assert decision.status == Standing.ACTIVE
    assert codes(decision) == ["IN_GOOD_STANDING"]
    assert decision.reasons[0].rule == "R20"


@pytest.mark.parametrize(
    ("today", "status"),
    [(D(2022, 5, 31), Standing.ACTIVE), (D(2022, 6, 1), Standing.LAPSED)],
)
def test_r21_fee_unpaid_lapses_the_day_after_its_due_month(today: date, status: Standing) -> None:
    decision = standing(today, invoices=paid_fees(range(2020, 2023), skip={2022}))
    assert decision.status == status


def test_r21_r24_lapsed_fee_reason_and_pay_action() -> None:
    decision = standing(D(2022, 6, 1), invoices=paid_fees(range(2020, 2023), skip={2022}))
    reason = decision.reasons[0]
    assert (reason.rule, reason.code, reason.since) == ("R21", "FEE_UNPAID", D(2022, 5, 31))
    assert reason.message == "2022 fee unpaid since 2022-05-31"
    pay = [a for a in decision.next_actions if a.kind == ActionKind.PAY_INVOICE]
    assert [(a.invoice_id, a.amount, a.by) for a in pay] == [
        ("INV-C-1-2022", Decimal(50), D(2025, 5, 30))
    ]
    assert decision.unmet_since == D(2022, 5, 31)


def test_r21_lapse_is_cured_by_paying_late() -> None:
    invoices = paid_fees(range(2020, 2023), late={2022: D(2022, 7, 1)})
    assert standing(D(2022, 6, 30), invoices=invoices).status == Standing.LAPSED
    assert standing(D(2022, 7, 1), invoices=invoices).status == Standing.ACTIVE


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (D(2025, 5, 30), Standing.LAPSED),  # 3 years less a day
        (D(2025, 5, 31), Standing.RECERTIFICATION_REQUIRED),  # exactly 3 years
    ],
)
def test_r22_fee_unmet_three_years_requires_recertification(today: date, status: Standing) -> None:
    invoices = paid_fees(range(2020, 2026), skip={2022})
    decision = standing(today, invoices=invoices)
    assert decision.status == status


def test_r22_paying_after_three_years_no_longer_cures() -> None:
    points = [*FULL_POINTS, activity(D(2024, 1, 10), 30)]
    on_time = paid_fees(range(2020, 2027), late={2022: D(2025, 5, 31)})
    assert standing(D(2026, 1, 1), invoices=on_time, activities=points).status == Standing.ACTIVE
    too_late = paid_fees(range(2020, 2027), late={2022: D(2025, 6, 1)})
    decision = standing(D(2026, 1, 1), invoices=too_late, activities=points)
    assert decision.status == Standing.RECERTIFICATION_REQUIRED
    assert codes(decision) == ["OBLIGATION_UNMET_3_YEARS"]
    assert decision.reasons[0].since == D(2025, 5, 31)
    assert [a.kind for a in decision.next_actions] == [ActionKind.RECERTIFY]
    assert decision.recertification_routes == ("CCP", "EXAM")


def test_r21_cycle_ended_short_of_points_lapses_with_record_points_action() -> None:
    decision = standing(D(2022, 5, 17), activities=[activity(D(2021, 1, 10), 10)])
    assert decision.status == Standing.LAPSED
    assert codes(decision) == ["CYCLE_NOT_COMPLIANT"]
    assert decision.reasons[0].since == D(2022, 5, 16)
    record = [a for a in decision.next_actions if a.kind == ActionKind.RECORD_POINTS]
    assert (record[0].points, record[0].by, record[0].rule) == (Decimal(20), D(2025, 5, 15), "R21")


def test_r21_cycle_on_its_last_day_is_not_yet_lapsed() -> None:
    assert (
        standing(D(2022, 5, 16), activities=[activity(D(2021, 1, 10), 10)]).status
        == Standing.ACTIVE
    )


def test_r21_lapse_for_points_cured_by_points_dated_inside_that_cycle() -> None:
    late = activity(D(2022, 5, 1), 20, recorded_on=D(2022, 8, 1), activity_id="late")
    outside = activity(D(2022, 6, 1), 20, recorded_on=D(2022, 8, 1), activity_id="outside")
    base = [activity(D(2021, 1, 10), 10)]
    assert standing(D(2022, 8, 1), activities=[*base, outside]).status == Standing.LAPSED
    assert standing(D(2022, 7, 31), activities=[*base, late]).status == Standing.LAPSED
    assert standing(D(2022, 8, 1), activities=[*base, late]).status == Standing.ACTIVE


@pytest.mark.parametrize(
    ("today", "status"),
    [(D(2025, 5, 15), Standing.LAPSED), (D(2025, 5, 16), Standing.RECERTIFICATION_REQUIRED)],
)
def test_r22_points_unmet_three_years_from_cycle_end(today: date, status: Standing) -> None:
    assert standing(today, activities=[activity(D(2021, 1, 10), 10)]).status == status


def test_r18_attestation_counts_as_points() -> None:
    signed = attestation(D(2019, 5, 17), signed_on=D(2022, 5, 16))
    decision = standing(D(2022, 6, 1), activities=[], attestations=[signed])
    assert decision.status == Standing.ACTIVE
    after_end = attestation(D(2019, 5, 17), signed_on=D(2022, 5, 17))
    assert (
        standing(D(2022, 6, 1), activities=[], attestations=[after_end]).status == Standing.LAPSED
    )


def test_r16_stored_advanced_cycle_counts_as_met_for_imported_members() -> None:
    rolled = Cycle(
        certificate_number="C-1",
        start=D(2019, 5, 17),
        end=D(2022, 5, 16),
        points_required=Decimal(30),
        advanced_on=D(2022, 5, 17),
    )
    assert standing(D(2022, 6, 1), activities=[], cycles=[rolled]).status == Standing.ACTIVE
    assert standing(D(2022, 6, 1), activities=[]).status == Standing.LAPSED


@pytest.mark.parametrize(
    ("certified_on", "status"),
    [(D(2005, 12, 31), Standing.ACTIVE), (D(2006, 1, 1), Standing.LAPSED)],
)
def test_r8_voluntary_ccp_never_lapses_for_points(certified_on: date, status: Standing) -> None:
    c = cert(certified_on)
    invoices = [
        invoice(y, D(y, certified_on.month, 31), paid_at=D(y, certified_on.month, 1))
        for y in range(2006, 2011)
    ]
    decision = standing(D(2010, 1, 15), c=c, activities=[], invoices=invoices)
    assert decision.status == status
    assert ("CCP_VOLUNTARY" in codes(decision)) is (status == Standing.ACTIVE)


def test_r22_2_pre_2006_certification_needs_recertification_after_three_years_of_fees() -> None:
    c = cert(D(2005, 3, 10))
    invoices = [
        invoice(y, D(y, 3, 31), paid_at=None if y == 2010 else D(y, 3, 1))
        for y in range(2006, 2014)
    ]
    assert standing(D(2013, 3, 30), c=c, activities=[], invoices=invoices).status == Standing.LAPSED
    assert (
        standing(D(2013, 3, 31), c=c, activities=[], invoices=invoices).status
        == Standing.RECERTIFICATION_REQUIRED
    )


@pytest.mark.parametrize(
    ("today", "routes", "code"),
    [
        (D(2030, 5, 30), ("CCP", "EXAM"), None),
        (D(2030, 5, 31), ("EXAM",), "RECERT_BY_EXAM_REQUIRED"),
    ],
)
def test_r23_ten_years_unmet_offers_the_exam_only(today: date, routes, code) -> None:  # type: ignore[no-untyped-def]
    invoices = paid_fees(range(2020, 2031), skip={2020})
    decision = standing(today, invoices=invoices, activities=[activity(D(2021, 1, 1), 300)])
    assert decision.status == Standing.RECERTIFICATION_REQUIRED
    assert decision.recertification_routes == routes
    assert (code in codes(decision)) is (code is not None)
    assert decision.next_actions[0].routes == routes


def test_r22_3_failed_audit_requires_recertification() -> None:
    decision = standing(D(2023, 3, 1), audit_failed_on=D(2023, 3, 1))
    assert decision.status == Standing.RECERTIFICATION_REQUIRED
    assert codes(decision) == ["AUDIT_FAILED"]
    assert standing(D(2023, 2, 28), audit_failed_on=D(2023, 3, 1)).status == Standing.ACTIVE
    stored = C.model_copy(update={"audit_failed_on": D(2023, 3, 1)})
    assert standing(D(2023, 3, 2), c=stored).status == Standing.RECERTIFICATION_REQUIRED


def test_r22_recorded_recertification_required_is_sticky() -> None:
    c = C.model_copy(update={"recertification_required_since": D(2023, 1, 1)})
    decision = standing(D(2023, 1, 1), c=c)
    assert decision.status == Standing.RECERTIFICATION_REQUIRED
    assert codes(decision) == ["RECERTIFICATION_REQUIRED"]
    assert standing(D(2022, 12, 31), c=c).status == Standing.ACTIVE


def test_r37_current_cycle_points_days_left_and_next_invoice() -> None:
    decision = standing(
        D(2023, 5, 10),
        activities=[*FULL_POINTS, activity(D(2023, 1, 1), 12)],
        invoices=paid_fees(range(2020, 2023)),
    )
    assert (decision.current_cycle.start, decision.current_cycle.end) == (
        D(2022, 5, 17),
        D(2025, 5, 16),
    )
    assert (decision.points_counted, decision.points_required, decision.points_outstanding) == (
        12,
        30,
        18,
    )
    assert decision.days_left == (D(2025, 5, 16) - D(2023, 5, 10)).days
    assert (decision.next_invoice.membership_year, decision.next_invoice.due_date) == (
        2023,
        D(2023, 5, 31),
    )
    kinds = [(a.kind, a.rule) for a in decision.next_actions]
    assert kinds == [(ActionKind.RECORD_POINTS, "R16"), (ActionKind.PAY_INVOICE, "R3")]
    assert decision.paid_through == D(2020, 5, 31)


def test_r37_next_invoice_skips_paid_years_and_mdt_has_no_amount() -> None:
    decision = standing(D(2023, 6, 1), invoices=paid_fees(range(2020, 2024)))
    assert decision.next_invoice.membership_year == 2024
    assert not [a for a in decision.next_actions if a.kind == ActionKind.PAY_INVOICE]
    ahead = cert(D(2019, 5, 17), paid_through=D(2026, 5, 31))
    assert standing(D(2023, 6, 1), c=ahead, invoices=[]).next_invoice.membership_year == 2026
    mdt = standing(
        D(2023, 6, 1), c=cert(D(2019, 5, 17), type_="MDT"), invoices=paid_fees(range(2020, 2024))
    )
    assert mdt.next_invoice.amount is None


def test_r27_open_audit_case_asks_for_documents() -> None:
    case = AuditCase(
        case_id="AUD-2023-C-1",
        certificate_number="C-1",
        audit_year=2023,
        cycle_start=D(2019, 5, 17),
        cycle_end=D(2022, 5, 16),
        opened_on=D(2023, 1, 10),
        respond_by=D(2023, 3, 11),
        reminder_on=D(2023, 2, 25),
    )
    decision = standing(D(2023, 1, 20), open_audit_case=case)
    upload = [a for a in decision.next_actions if a.kind == ActionKind.UPLOAD_AUDIT_DOCUMENTS]
    assert [(a.case_id, a.by) for a in upload] == [("AUD-2023-C-1", D(2023, 3, 11))]
    assert decision.open_audit_case == "AUD-2023-C-1"
    closed = case.model_copy(update={"status": AuditStatus.PASSED})
    assert standing(D(2023, 1, 20), open_audit_case=closed).open_audit_case is None


def test_r21_grace_days_from_policy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    raw = json.loads(BUNDLED_POLICY.read_text())
    raw["renewal"]["grace_days"].append({"effective_from": "2022-01-01", "value": 10})
    path = tmp_path / "p.json"
    path.write_text(json.dumps(raw))
    graced = load_policy(path)
    invoices = paid_fees(range(2020, 2023), skip={2022})
    owed = history(C, [], FULL_POINTS, [], invoices)
    assert evaluate_standing(owed, D(2022, 6, 10), graced).status == Standing.ACTIVE
    assert evaluate_standing(owed, D(2022, 6, 11), graced).status == Standing.LAPSED
    paid_in_grace = paid_fees(range(2020, 2023), late={2022: D(2022, 6, 10)})
    assert (
        evaluate_standing(
            history(C, [], FULL_POINTS, [], paid_in_grace), D(2022, 7, 1), graced
        ).status
        == Standing.ACTIVE
    )


def test_r33_obligations_before_recertification_are_settled() -> None:
    c = cert(D(2010, 5, 17), recertified_on=D(2021, 9, 1))
    invoices = [invoice(2022, D(2022, 9, 30), paid_at=D(2022, 9, 1))]
    decision = standing(D(2022, 10, 1), c=c, activities=[], invoices=invoices)
    assert decision.status == Standing.ACTIVE


MEMBER = Member(member_id="M-1", first_name="Ana", last_name="Lopez", email="a@example.org")


def test_r38_public_verification_active_and_valid_through() -> None:
    decision = standing(D(2022, 6, 1))
    found = (MEMBER, C, decision)
    answer = public_verification(" c-1 ", "LOPEZ", found)
    assert answer is not None
    assert answer.model_dump() == {
        "name": "Ana Lopez",
        "certification_type": "RMA",
        "status": "Active",
        "original_certification_date": D(2019, 5, 17),
        "valid_through": min(decision.paid_through, decision.current_cycle.end),
    }


def test_r38_wrong_last_name_answers_like_unknown_number() -> None:
    found = (MEMBER, C, standing(D(2022, 6, 1)))
    assert public_verification("C-1", "Lopes", found) is None
    assert public_verification("C-2", "Lopez", found) is None
    assert public_verification("C-1", "Lopez", None) is None


def test_r38_valid_through_is_absent_while_not_active() -> None:
    """R38 as amended: valid-through is the badge expiry (R36) while Active, absent while
    Not active (never the date the obligation went unmet)."""
    lapsed = standing(D(2022, 6, 1), invoices=paid_fees(range(2020, 2023), skip={2022}))
    answer = public_verification("C-1", "Lopez", (MEMBER, C, lapsed))
    assert answer is not None and (answer.status, answer.valid_through) == ("Not active", None)


def test_r38_valid_through_is_the_earlier_of_paid_through_and_the_cycle_end() -> None:
    """R38/R36: paid ahead past the cycle's end -> the cycle's end; otherwise paid_through."""
    paid_ahead = C.model_copy(update={"paid_through": D(2026, 5, 31)})
    ahead = standing(D(2022, 6, 1), c=paid_ahead, invoices=paid_fees(range(2020, 2026)))
    assert ahead.paid_through > ahead.current_cycle.end
    answer = public_verification("C-1", "Lopez", (MEMBER, paid_ahead, ahead))
    assert answer is not None and answer.valid_through == ahead.current_cycle.end
    just = standing(D(2022, 6, 1))
    assert just.paid_through < just.current_cycle.end
    answer = public_verification("C-1", "Lopez", (MEMBER, C, just))
    assert answer is not None and answer.valid_through == just.paid_through


def test_standing_severity_order() -> None:
    assert worse_or_equal(Standing.ACTIVE, Standing.LAPSED)
    assert not worse_or_equal(Standing.RECERTIFICATION_REQUIRED, Standing.LAPSED)


def test_r24_every_reason_and_action_names_a_rule() -> None:
    for today in (D(2022, 6, 1) + timedelta(days=100 * i) for i in range(15)):
        decision = standing(
            today, invoices=paid_fees(range(2020, 2024), skip={2021}), activities=[]
        )
        assert decision.reasons and all(r.rule.startswith("R") for r in decision.reasons)
        assert all(a.rule.startswith("R") for a in decision.next_actions)
        assert decision.rules


def test_r21_fee_lapses_between_names_the_fee_that_lapsed_on_a_covered_day() -> None:
    from staycertified.domain.standing import fee_lapses_between

    invoices = paid_fees(range(2020, 2023), skip={2022})
    found = fee_lapses_between(
        history(C, invoices=invoices), D(2022, 5, 26), D(2022, 6, 1), D(2022, 6, 1), load_policy()
    )
    assert [(o.membership_year, o.overdue_from) for o in found] == [(2022, D(2022, 6, 1))]
    # a window that ends before the lapse day, or a fee paid since: nothing
    assert not fee_lapses_between(
        history(C, invoices=invoices), D(2022, 5, 25), D(2022, 5, 31), D(2022, 6, 1), load_policy()
    )
    paid_late = paid_fees(range(2020, 2023), late={2022: D(2022, 6, 3)})
    assert not fee_lapses_between(
        history(C, invoices=paid_late), D(2022, 6, 1), D(2022, 6, 4), D(2022, 6, 4), load_policy()
    )

"""R34, R35 eligibility routes from policy data; R36 badge decisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from staycertified.domain.badges import BadgeAction, BadgeEvent, badge_decision, badge_expiry
from staycertified.domain.eligibility import evaluate_eligibility, missing_items
from staycertified.domain.model import Cycle
from staycertified.domain.policy import AllOf, AnyOf, Fact
from staycertified.policy import Policy

from .builders import cert

D = date
TODAY = D(2026, 6, 1)


def routes(policy: Policy, facts: dict) -> dict[str, tuple[bool, list[str]]]:  # type: ignore[type-arg]
    answer = evaluate_eligibility("RMA", facts, TODAY, policy)
    return {r.route: (r.met, [m.item for m in r.missing]) for r in answer.routes}


def test_r34_route_a_programmatic_accreditation_within_four_years(policy: Policy) -> None:
    facts = {
        "ma_program_graduation_date": D(2022, 6, 1),
        "program_programmatically_accredited": True,
    }
    assert routes(policy, facts)["A"] == (True, [])
    late = {**facts, "ma_program_graduation_date": D(2022, 5, 31)}
    assert routes(policy, late)["A"] == (False, ["GRADUATED_WITHIN_4_YEARS"])
    upcoming = {**facts, "ma_program_graduation_date": "2026-12-15"}
    assert routes(policy, upcoming)["A"] == (True, [])


def test_r34_route_a_institutional_alternative_lists_closest_missing_items(policy: Policy) -> None:
    base = {"ma_program_graduation_date": D(2025, 1, 1), "school_institutionally_accredited": True}
    met = {**base, "program_clock_hours": 720, "externship_hours": 160}
    assert routes(policy, met)["A"] == (True, [])
    short = {**base, "program_clock_hours": 719, "externship_hours": 159}
    assert routes(policy, short)["A"] == (False, ["PROGRAMMATIC_ACCREDITATION"])
    only_hours = {
        **base,
        "program_clock_hours": 700,
        "externship_hours": 200,
        "program_programmatically_accredited": False,
    }
    assert routes(policy, only_hours)["A"] == (False, ["PROGRAMMATIC_ACCREDITATION"])


def test_r34_route_c_work_experience_boundaries(policy: Policy) -> None:
    facts = {
        "ma_months_in_last_84": 60,
        "instructor_months_in_last_84": 24,
        "clinical_duties": True,
        "administrative_duties": True,
        "high_school_diploma": True,
    }
    assert routes(policy, facts)["C"] == (True, [])
    bad = {
        **facts,
        "ma_months_in_last_84": 59,
        "instructor_months_in_last_84": 25,
        "clinical_duties": "yes",
    }
    assert routes(policy, bad)["C"] == (
        False,
        ["MA_60_MONTHS_IN_LAST_84", "INSTRUCTOR_AT_MOST_24_MONTHS", "CLINICAL_DUTIES"],
    )
    assert routes(policy, {**facts, "ma_months_in_last_84": Decimal("60.5")})["C"][0]
    assert not routes(policy, {**facts, "ma_months_in_last_84": True})["C"][0]


def test_r34_route_b_military_and_d_off_by_default(policy: Policy) -> None:
    answer = evaluate_eligibility(
        "RMA",
        {
            "military_program_graduation_date": D(2025, 1, 1),
            "passed_other_generalist_ma_exam": True,
        },
        TODAY,
        policy,
    )
    by_route = {r.route: r for r in answer.routes}
    assert by_route["B"].met
    assert (by_route["D"].offered, by_route["D"].met, by_route["D"].missing) == (False, False, ())
    assert answer.eligible


def test_r34_notes_and_felony_review_without_failing_a_route(policy: Policy) -> None:
    facts = {"military_program_graduation_date": D(2025, 1, 1), "felony": True}
    answer = evaluate_eligibility("RMA", facts, TODAY, policy)
    codes = [n.code for n in answer.notes]
    assert codes == ["TRANSCRIPT_REQUIRED", "APPLICATION_VALID_ONE_YEAR", "FELONY_REVIEW_REQUIRED"]
    assert answer.eligible
    nobody = evaluate_eligibility("RMA", {}, TODAY, policy)
    assert not nobody.eligible and "FELONY_REVIEW_REQUIRED" not in [n.code for n in nobody.notes]


def test_r35_predicates_evaluate_eq_and_bad_dates() -> None:
    eq = Fact(fact="state", op="eq", value="IL", item="STATE", message="in Illinois")
    assert missing_items(eq, {"state": "IL"}, TODAY) == []
    assert [m.item for m in missing_items(eq, {"state": "WI"}, TODAY)] == ["STATE"]
    when = Fact(fact="d", op="within_months_ago", value=12, item="D", message="recent")
    assert missing_items(when, {"d": "not-a-date"}, TODAY) != []
    assert missing_items(when, {"d": 5}, TODAY) != []
    assert missing_items(when, {"d": D(2025, 6, 1)}, TODAY) == []
    either = AnyOf(any_of=(eq, AllOf(all_of=(when,))))
    assert missing_items(either, {"d": D(2025, 6, 1)}, TODAY) == []
    assert [m.item for m in missing_items(either, {}, TODAY)] == ["STATE"]


CYCLE = Cycle(
    certificate_number="C-1", start=D(2025, 5, 17), end=D(2028, 5, 16), points_required=Decimal(30)
)


def test_r36_badge_expiry_is_the_earlier_of_paid_through_and_cycle_end() -> None:
    assert badge_expiry(D(2026, 5, 31), CYCLE) == D(2026, 5, 31)
    assert badge_expiry(D(2029, 5, 31), CYCLE) == D(2028, 5, 16)


def test_r36_issue_replace_revoke_keyed_on_certification_and_event() -> None:
    c = cert(D(2025, 5, 17))
    issued = badge_decision(c, BadgeEvent.ACTIVATED, "2025-05-17", D(2026, 5, 31), CYCLE)
    assert (issued.action, issued.expires_on, issued.idempotency_key) == (
        BadgeAction.ISSUE,
        D(2026, 5, 31),
        "C-1:ACTIVATED:2025-05-17",
    )
    paid = badge_decision(c, BadgeEvent.PAYMENT, "PAY-1", D(2027, 5, 31), CYCLE)
    assert (paid.action, paid.expires_on) == (BadgeAction.REPLACE, D(2027, 5, 31))
    rolled = badge_decision(c, BadgeEvent.ROLLOVER, "2028-05-16", D(2027, 5, 31), CYCLE)
    assert rolled.action == BadgeAction.REPLACE
    revoked = badge_decision(
        c, BadgeEvent.RECERTIFICATION_REQUIRED, "2029-01-01", D(2027, 5, 31), CYCLE
    )
    assert (revoked.action, revoked.expires_on, revoked.reason) == (
        BadgeAction.REVOKE,
        None,
        "recertification required",
    )
    assert badge_decision(c, BadgeEvent.PAYMENT, "PAY-1", D(2027, 5, 31), CYCLE) == paid

"""POST/GET /members/{id}/activities through the ApiFunction handler (R10-R15, R19)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .support import answer, function_module, http_event, load_rows, member_row

TODAY = date(2026, 1, 20)
api = function_module("api")


def call(table: Any, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    kwargs.setdefault("today", TODAY)
    return answer(api.handle(http_event(method, path, **kwargs), None, table=table))


def education(**overrides: Any) -> dict[str, Any]:
    body = {
        "category": "PROFESSIONAL_EDUCATION",
        "title": "Infection control",
        "provider": "Local college",
        "completedOn": "2026-01-10",
        "quantity": 2.5,
        "unit": "CONTACT_HOUR",
        "qualifies": "JOB_PERFORMANCE",
    }
    body.update(overrides)
    return body


@pytest.fixture
def member(table: Any) -> str:
    load_rows(table, [member_row("M1")], TODAY)
    return "M1"


def test_recording_an_activity_answers_201_with_points(table: Any, member: str) -> None:
    status, body = call(table, "POST", "/members/M1/activities", body=education(), member="M1")
    assert status == 201, body
    assert body["points"] == 2.5
    assert body["pointsCounted"] == 2.5
    assert body["capped"] is False
    assert body["source"] == "MEMBER"
    assert body["cycleStart"] == "2024-03-15"


def test_every_broken_rule_is_listed_and_nothing_is_written(table: Any, member: str) -> None:
    bad = education(category="KNITTING", unit="PARSEC", completedOn="2026-02-01", qualifies="FUN")
    status, body = call(table, "POST", "/members/M1/activities", body=bad, member="M1")
    assert status == 422, body
    codes = {e["code"] for e in body["errors"]}
    assert {"INVALID_CATEGORY", "ACTIVITY_IN_FUTURE", "QUALIFICATION_NOT_AFFIRMED"} <= codes
    assert all(e["rule"] for e in body["errors"])
    _, listed = call(table, "GET", "/members/M1/activities", member="M1", query={"cycle": "all"})
    assert listed["activities"] == []


def test_activity_before_the_cycle_start_is_refused_r12(table: Any, member: str) -> None:
    status, body = call(
        table,
        "POST",
        "/members/M1/activities",
        body=education(completedOn="2024-01-01"),
        member="M1",
    )
    assert status == 422
    assert [e["code"] for e in body["errors"]] == ["ACTIVITY_BEFORE_CYCLE_START"]


def test_exam_is_not_ccp_r19(table: Any, member: str) -> None:
    status, body = call(
        table, "POST", "/members/M1/activities", body=education(category="EXAM"), member="M1"
    )
    assert status == 422
    assert "EXAM_NOT_VALID_FOR_CCP" in [e["code"] for e in body["errors"]]


def test_employment_across_2021_is_cut_r14(table: Any) -> None:
    load_rows(table, [member_row("M2", certified_on="2019-06-01")], date(2021, 6, 1))
    body = education(
        category="EMPLOYMENT",
        completedOn=None,
        periodStart="2019-06-01",
        periodEnd="2021-05-31",
        quantity=2,
        unit="YEAR",
    )
    status, out = call(
        table, "POST", "/members/M2/activities", body=body, member="M2", today=date(2021, 6, 1)
    )
    assert status == 201, out
    # 2019-06-01..2020-12-31 = 19 months -> 1.5 years (rounded down to 0.25) x 4 points
    assert out["quantity"] == 1.5
    assert out["points"] == 6.0


def test_employment_entirely_after_2020_is_not_eligible_r14(table: Any, member: str) -> None:
    body = education(
        category="EMPLOYMENT",
        completedOn=None,
        periodStart="2024-04-01",
        periodEnd="2025-12-31",
        quantity=1,
        unit="YEAR",
    )
    status, out = call(table, "POST", "/members/M1/activities", body=body, member="M1")
    assert status == 422
    assert "EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020" in [e["code"] for e in out["errors"]]


def test_same_idempotency_key_records_once(table: Any, member: str) -> None:
    headers = {"Idempotency-Key": "k-1"}
    first = call(
        table, "POST", "/members/M1/activities", body=education(), member="M1", headers=headers
    )
    again = call(
        table, "POST", "/members/M1/activities", body=education(), member="M1", headers=headers
    )
    assert first[0] == again[0] == 201
    assert first[1]["activityId"] == again[1]["activityId"]
    _, listed = call(table, "GET", "/members/M1/activities", member="M1")
    assert len(listed["activities"]) == 1


def test_reusing_an_idempotency_key_for_another_body_is_a_conflict(table: Any, member: str) -> None:
    headers = {"Idempotency-Key": "k-2"}
    call(table, "POST", "/members/M1/activities", body=education(), member="M1", headers=headers)
    status, body = call(
        table,
        "POST",
        "/members/M1/activities",
        body=education(quantity=3),
        member="M1",
        headers=headers,
    )
    assert status == 409
    assert body["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_another_members_activities_answer_like_an_unknown_member(table: Any, member: str) -> None:
    load_rows(table, [member_row("M9")], TODAY)
    theirs = call(table, "POST", "/members/M9/activities", body=education(), member="M1")
    unknown = call(table, "POST", "/members/M404/activities", body=education(), member="M1")
    assert theirs == unknown
    assert theirs[0] == 404


def test_malformed_body_is_400_with_the_error_shape(table: Any, member: str) -> None:
    status, body = call(table, "POST", "/members/M1/activities", body={"title": 3}, member="M1")
    assert status == 400
    assert body["code"] == "VALIDATION_FAILED"
    assert body["errors"]


def test_list_current_cycle_only(table: Any, member: str) -> None:
    call(table, "POST", "/members/M1/activities", body=education(), member="M1")
    status, body = call(table, "GET", "/members/M1/activities", member="M1")
    assert status == 200
    assert [a["title"] for a in body["activities"]] == ["Infection control"]


def test_several_certifications_need_a_certificate_number(table: Any) -> None:
    rows = [
        member_row("M5"),
        member_row("M5", certification_type="RPT", certificate_number="RPT-M5"),
    ]
    load_rows(table, rows, TODAY)
    status, body = call(table, "POST", "/members/M5/activities", body=education(), member="M5")
    assert (status, body["code"]) == (422, "CERTIFICATE_NUMBER_REQUIRED")
    named = education(certificateNumber="RPT-M5")
    status, body = call(table, "POST", "/members/M5/activities", body=named, member="M5")
    assert (status, body["certificateNumber"]) == (201, "RPT-M5")


def test_r11_a_rounded_quantity_is_said_in_the_answer(table: Any, member: str) -> None:
    status, body = call(
        table, "POST", "/members/M1/activities", body=education(quantity=2.3), member="M1"
    )
    assert status == 201, body
    assert body["quantity"] == 2.25
    [warning] = body["warnings"]
    assert (warning["rule"], warning["code"]) == ("R11", "QUANTITY_ROUNDED_DOWN")
    assert "2.3" in warning["message"] and "2.25" in warning["message"]
    exact = call(table, "POST", "/members/M1/activities", body=education(title="x"), member="M1")
    assert exact[1]["warnings"] == []


def test_r13_a_duplicate_without_idempotency_key_is_recorded_with_a_warning(
    table: Any, member: str
) -> None:
    first = call(table, "POST", "/members/M1/activities", body=education(), member="M1")
    assert first[0] == 201 and first[1]["warnings"] == []
    again = call(
        table, "POST", "/members/M1/activities", body=education(title=" infection  Control"),
        member="M1",
    )  # fmt: skip
    assert again[0] == 201, again
    [warning] = again[1]["warnings"]
    assert (warning["rule"], warning["code"]) == ("R13", "ACTIVITY_POSSIBLE_DUPLICATE")
    assert first[1]["activityId"] in warning["message"]
    assert "Idempotency-Key" in warning["message"]
    other = call(table, "POST", "/members/M1/activities", body=education(quantity=3), member="M1")
    assert other[1]["warnings"] == []
    _, listed = call(table, "GET", "/members/M1/activities", member="M1")
    assert len(listed["activities"]) == 3  # recorded all the same (two courses can be real)


def lapsed_member_curing(table: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """M1's cycle 2022-12-20..2025-12-19 ended without points; 30 hours dated inside it."""
    row = member_row("M1", certified_on="2022-12-20", paid_through="2026-12-31", cycle_points=0)
    load_rows(table, [row], date(2025, 12, 1))
    return education(completedOn="2025-12-05", quantity=30), {"Idempotency-Key": "k-cure"}


def ended_cycle(table: Any) -> Any:
    from staycertified.store.members import load_member

    cert = load_member(table, "M1").certifications[0]
    [ended] = [c for c in cert.cycles if c.start == date(2022, 12, 20)]
    return ended


def test_r21_a_replayed_request_that_cured_its_cycle_gets_the_first_answer(table: Any) -> None:
    """The replay is answered from its key, not judged again: by then the activity has
    cured the cycle, and the same date would no longer be accepted."""
    body, headers = lapsed_member_curing(table)
    first = call(table, "POST", "/members/M1/activities", body=body, member="M1", headers=headers)
    again = call(table, "POST", "/members/M1/activities", body=body, member="M1", headers=headers)
    assert first[0] == again[0] == 201, again
    assert first[1]["activityId"] == again[1]["activityId"]
    assert ended_cycle(table).advanced_on == TODAY


def test_r21_a_replayed_request_finishes_the_rollover_a_crash_left_undone(table: Any) -> None:
    """The first request stored the activity and died before the rollover (a timeout):
    its replay rolls the cured cycle over, once (R16)."""
    from staycertified.store import cycles as cycle_store

    body, headers = lapsed_member_curing(table)
    real = cycle_store.mark_advanced
    cycle_store.mark_advanced = lambda *args: (_ for _ in ()).throw(TimeoutError("killed"))
    try:
        with pytest.raises(TimeoutError):
            call(table, "POST", "/members/M1/activities", body=body, member="M1", headers=headers)
    finally:
        cycle_store.mark_advanced = real
    status, again = call(
        table, "POST", "/members/M1/activities", body=body, member="M1", headers=headers
    )
    assert status == 201, again
    assert ended_cycle(table).advanced_on == TODAY


def test_r11_r21_a_replay_tells_what_the_first_answer_told(table: Any) -> None:
    """A replay answered from its key carries the first answer's warnings: the R11
    rounding, even after the activity cured its cycle and the body would now be refused."""
    body, headers = lapsed_member_curing(table)
    body["quantity"] = 30.1  # counted as 30 (R11: quarter hours)
    first = call(table, "POST", "/members/M1/activities", body=body, member="M1", headers=headers)
    again = call(table, "POST", "/members/M1/activities", body=body, member="M1", headers=headers)
    assert first[0] == again[0] == 201, again
    assert [w["code"] for w in first[1]["warnings"]] == ["QUANTITY_ROUNDED_DOWN"]
    assert again[1]["warnings"] == first[1]["warnings"]
    assert again[1] == first[1]

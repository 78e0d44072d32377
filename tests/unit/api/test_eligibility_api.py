"""The public RMA Eligibility Assistant through EligibilityFunction (R34, R35)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from staycertified.policy import load_policy
from staycertified.policy.loader import BUNDLED_POLICY, POLICY_PATH_ENV

from .support import answer, function_module, http_event

TODAY = date(2026, 3, 2)
eligibility = function_module("eligibility")


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "unused")  # the function reads no table
    monkeypatch.setenv("BODY_TIME_ZONE", "America/Chicago")


def call(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    return answer(eligibility.handle(http_event(method, path, today=TODAY, body=body), None))


def routes(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["route"]: r for r in body["routes"]}


def missing(route: dict[str, Any]) -> set[str]:
    return {m["code"] for m in route["missing"]}


EDUCATION = {
    "ma_program_graduation_date": "2024-06-15",
    "program_programmatically_accredited": True,
}
WORK = {
    "ma_months_in_last_84": 62,
    "instructor_months_in_last_84": 10,
    "clinical_duties": True,
    "administrative_duties": True,
    "high_school_diploma": True,
}


def test_r34_the_question_list_is_the_policys_facts_grouped_for_a_form() -> None:
    status, body = call("GET", "/eligibility/RMA")
    assert status == 200, body
    rules = load_policy().eligibility["RMA"].at(TODAY)
    offered = {f for r in rules.routes if r.enabled for f in rules.route_facts(r)}
    assert {q["key"] for q in body["questions"]} == offered
    by_key = {q["key"]: q for q in body["questions"]}
    assert by_key["ma_program_graduation_date"] == {
        "group": "education",
        "key": "ma_program_graduation_date",
        "label": by_key["ma_program_graduation_date"]["label"],
        "type": "date",
        "options": [],
    }
    assert by_key["program_clock_hours"]["type"] == "integer"
    assert by_key["clinical_duties"]["group"] == "work"
    assert by_key["military_program_graduation_date"]["group"] == "military"


def test_r34_route_d_is_off_asks_nothing_and_is_never_met() -> None:
    _, questions = call("GET", "/eligibility/RMA")
    assert "passed_other_generalist_ma_exam" not in {q["key"] for q in questions["questions"]}
    status, body = call(
        "POST", "/eligibility/RMA", {"otherExam": {"passed_other_generalist_ma_exam": True}}
    )
    assert status == 200, body
    d = routes(body)["D"]
    assert d["met"] is False and d["offered"] is False
    assert missing(d) == {"ROUTE_NOT_OFFERED"}


def test_r34_route_a_met_by_a_recent_graduate_of_an_accredited_programme() -> None:
    status, body = call("POST", "/eligibility/RMA", {"education": EDUCATION})
    assert status == 200, body
    assert routes(body)["A"] == {
        "route": "A",
        "title": "Education",
        "met": True,
        "offered": True,
        "missing": [],
    }
    assert body["felonyReviewRequired"] is False
    assert {"TRANSCRIPT_REQUIRED", "APPLICATION_VALID_ONE_YEAR"} <= {
        n["code"] for n in body["notes"]
    }


def test_r34_route_a_by_institutional_accreditation_needs_the_hours() -> None:
    answers = {
        "education": {
            "ma_program_graduation_date": "2025-01-10",
            "school_institutionally_accredited": True,
            "program_clock_hours": 700,
            "externship_hours": 120,
        }
    }
    _, body = call("POST", "/eligibility/RMA", answers)
    a = routes(body)["A"]
    assert a["met"] is False
    # the closest alternative is reported: programmatic accreditation lacks 1 item, the
    # institutional one 2 (hours and externship)
    assert missing(a) == {"PROGRAMMATIC_ACCREDITATION"}
    answers["education"] |= {"program_clock_hours": 720, "externship_hours": 160}
    _, body = call("POST", "/eligibility/RMA", answers)
    assert routes(body)["A"]["met"] is True


def test_r34_route_a_graduated_more_than_4_years_ago_is_missing_the_recency() -> None:
    old = EDUCATION | {"ma_program_graduation_date": "2021-06-15"}
    _, body = call("POST", "/eligibility/RMA", {"education": old})
    assert missing(routes(body)["A"]) == {"GRADUATED_WITHIN_4_YEARS"}


def test_r34_route_b_military_met_and_missing() -> None:
    _, met = call(
        "POST", "/eligibility/RMA", {"military": {"military_program_graduation_date": "2026-09-01"}}
    )
    assert routes(met)["B"]["met"] is True
    _, short = call("POST", "/eligibility/RMA", {})
    assert missing(routes(short)["B"]) == {"MILITARY_PROGRAM_GRADUATE"}


def test_r34_route_c_work_met_and_each_missing_item_listed() -> None:
    _, met = call("POST", "/eligibility/RMA", {"work": WORK})
    assert routes(met)["C"]["met"] is True
    short = WORK | {"ma_months_in_last_84": 59, "instructor_months_in_last_84": 25}
    short |= {"administrative_duties": False}
    _, body = call("POST", "/eligibility/RMA", {"work": short})
    assert missing(routes(body)["C"]) == {
        "MA_60_MONTHS_IN_LAST_84",
        "INSTRUCTOR_AT_MOST_24_MONTHS",
        "ADMINISTRATIVE_DUTIES",
    }


def test_r34_a_felony_answer_requires_a_review_and_fails_no_route() -> None:
    _, clean = call("POST", "/eligibility/RMA", {"work": WORK, "felonyConviction": False})
    _, felony = call("POST", "/eligibility/RMA", {"work": WORK, "felonyConviction": True})
    assert felony["felonyReviewRequired"] is True and clean["felonyReviewRequired"] is False
    assert "FELONY_REVIEW_REQUIRED" in {n["code"] for n in felony["notes"]}
    assert [r["met"] for r in felony["routes"]] == [r["met"] for r in clean["routes"]]
    assert routes(felony)["C"]["met"] is True


def test_r34_an_unknown_type_answers_404_both_ways() -> None:
    assert call("GET", "/eligibility/XYZ")[0] == 404
    status, body = call("POST", "/eligibility/XYZ", {})
    assert (status, body["code"]) == (404, "NOT_FOUND")


def test_r35_an_answer_that_is_no_question_is_refused_with_every_problem() -> None:
    status, body = call(
        "POST",
        "/eligibility/RMA",
        {"education": {"shoe_size": 9}, "work": {"clinical_duties": "yes"}, "hobbies": {}},
    )
    assert status == 422, body
    assert {e["code"] for e in body["errors"]} == {"ELIGIBILITY_ANSWER_INVALID"}
    assert len(body["errors"]) == 3


def test_r35_another_types_routes_are_a_policy_change_without_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R35: adding RPT's routes to the policy file is enough for the API to answer them."""
    policy = json.loads(BUNDLED_POLICY.read_text(encoding="utf-8"))
    assert "RPT" not in policy["eligibility"]
    policy["eligibility"]["RPT"] = [
        {
            "effective_from": "2026-01-01",
            "value": {
                "routes": [
                    {
                        "route": "A",
                        "name": "Phlebotomy programme",
                        "enabled": True,
                        "requires": {
                            "all_of": [
                                {
                                    "fact": "venipunctures",
                                    "op": "gte",
                                    "value": 50,
                                    "item": "FIFTY_VENIPUNCTURES",
                                    "message": "at least 50 successful venipunctures",
                                },
                                {
                                    "fact": "programme_kind",
                                    "op": "eq",
                                    "value": "ACCREDITED",
                                    "item": "ACCREDITED_PROGRAMME",
                                    "message": "an accredited phlebotomy programme",
                                },
                            ]
                        },
                    }
                ],
                "notes": [],
                "felony_fact": "felony",
                "questions": [
                    {
                        "group": "training",
                        "key": "venipunctures",
                        "label": "Venipunctures",
                        "type": "integer",
                    },
                    {
                        "group": "training",
                        "key": "programme_kind",
                        "label": "Programme",
                        "type": "enum",
                        "options": ["ACCREDITED", "OTHER"],
                    },
                ],
            },
        }
    ]
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy), encoding="utf-8")
    monkeypatch.setenv(POLICY_PATH_ENV, str(path))

    status, questions = call("GET", "/eligibility/RPT")
    assert status == 200, questions
    assert [(q["group"], q["key"], q["type"]) for q in questions["questions"]] == [
        ("training", "venipunctures", "integer"),
        ("training", "programme_kind", "enum"),
    ]
    answers = {"training": {"venipunctures": 60, "programme_kind": "OTHER"}}
    status, body = call("POST", "/eligibility/RPT", answers)
    assert status == 200, body
    assert body["certificationType"] == "RPT"
    assert missing(routes(body)["A"]) == {"ACCREDITED_PROGRAMME"}
    answers["training"]["programme_kind"] = "ACCREDITED"
    assert routes(call("POST", "/eligibility/RPT", answers)[1])["A"]["met"] is True


@pytest.mark.parametrize("body", [[{}], [], "x", 3])
def test_r34_a_body_that_is_not_an_object_is_refused(body: Any) -> None:
    status, _ = call("POST", "/eligibility/RMA", body)
    assert status in (400, 422)

"""Recertification through the public surface (R15, R23, R28-R33, R43): applications,
the review state machine (one execution per application), staff decisions, the exam
vendor's signed webhook, expiry by the daily sweep.

Every member here is RECERTIFICATION_REQUIRED on 2026-03-02 (a fee unpaid 3 years,
R22), except TENY (10+ years: exam only, R23) and GOOD (ACTIVE).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

from .renewal_support import table_items
from .scenario_support import ELIGIBLE_BY_WORK, certification, education, row

START = date(2026, 3, 2)
PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
REQUIRED = {"paid_through": "2020-06-30", "cycle_points": 30}
MEMBERS = [
    row(m, "2015-06-10", **REQUIRED)
    for m in (
        "CCPOK",
        "INCOMP",
        "UNPAID",
        "FELONOK",
        "FELONNO",
        "EXAMIN",
        "OTHER",
        "TWICE",
        "LATE",
        "FELONLATE",
        "EXAMNO",
    )
] + [row("TENY", "2008-09-10", paid_through="2010-09-30"), row("GOOD", "2025-01-10")]


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=START) as sandbox:
        assert not sandbox.load_members(MEMBERS).errors
        yield sandbox


def body(member: str, route: str = "CCP", **overrides: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "certificateNumber": f"RMA-{member}",
        "route": route,
        "felonyConviction": False,
        "attestation": {"signedName": f"Zebulon Quixote{member}", "signedOn": "2026-03-02"},
    }
    if route == "CCP":
        answer["activities"] = [education("2025-06-01", 20), education("2025-09-01", 12)]
    answer.update(overrides)
    return answer


def apply(sb: Sandbox, member: str, **overrides: Any) -> dict[str, Any]:
    status, created = sb.api(
        "POST", f"/members/{member}/recertifications", body(member, **overrides), as_member=member
    )
    assert status == 201, created
    return created


def read(sb: Sandbox, member: str, application: dict[str, Any]) -> dict[str, Any]:
    path = f"/members/{member}/recertifications/{application['applicationId']}"
    status, found = sb.api("GET", path, as_member=member)
    assert status == 200, found
    return found


def submit(sb: Sandbox, member: str, application: dict[str, Any]) -> dict[str, Any]:
    path = f"/members/{member}/recertifications/{application['applicationId']}/submit"
    status, answer = sb.api("POST", path, as_member=member)
    assert status == 202, answer
    return read(sb, member, application)


def upload_proofs(sb: Sandbox, member: str, application: dict[str, Any]) -> None:
    """R15: one grant per activity (itemId = activityId), the file through the grant."""
    for activity in application["activities"]:
        grant_body = {
            "purpose": "RECERTIFICATION",
            "applicationId": application["applicationId"],
            "itemId": activity["activityId"],
            "kind": "PROOF",
            "fileName": "certificate.pdf",
            "contentType": "application/pdf",
            "size": len(PDF),
        }
        status, grant = sb.api("POST", f"/members/{member}/uploads", grant_body, as_member=member)
        assert status == 201, grant
        assert sb.upload(grant, PDF)[0] in (200, 201, 204)


def pay_fee(sb: Sandbox, application: dict[str, Any]) -> None:
    fee = application["fee"]
    path = f"/staff/invoices/{fee['invoiceId']}/payments"
    status, paid = sb.api("POST", path, {"amount": fee["amount"], "method": "CHECK"}, as_staff=True)
    assert status == 201, paid


def decide(sb: Sandbox, application: dict[str, Any], route: str, decision: dict[str, Any]) -> Any:
    path = f"/staff/recertifications/{application['applicationId']}/{route}"
    return sb.api("POST", path, decision, as_staff="reviewer.ann")


def execution(sb: Sandbox, application: dict[str, Any]) -> Any:
    [found] = [e for e in sb.executions() if e.name == application["applicationId"]]
    return found


def status_of(sb: Sandbox, member: str) -> dict[str, Any]:
    return certification(sb.api("GET", f"/members/{member}/status", as_member=member)[1])


def kinds_to(sb: Sandbox, member: str) -> list[str]:
    return [e.kind for e in sb.emails if any(t.startswith(member.lower()) for t in e.to)]


def complete(sb: Sandbox, member: str, **overrides: Any) -> dict[str, Any]:
    application = apply(sb, member, **overrides)
    upload_proofs(sb, member, application)
    pay_fee(sb, application)
    return submit(sb, member, application)


# ---------------------------------------------------------------- CCP route


def test_r29_r32_r33_complete_ccp_application_approved_recertifies_with_a_new_cycle(
    sb: Sandbox,
) -> None:
    before = status_of(sb, "CCPOK")
    assert before["status"] == "RECERTIFICATION_REQUIRED"
    submitted = complete(sb, "CCPOK")
    assert submitted["status"] == "AWAITING_STAFF_REVIEW", submitted
    assert submitted["missing"] == [] and submitted["pointsClaimed"] == 32
    assert submitted["validUntil"] == "2027-03-02" and submitted["submittedOn"] == "2026-03-02"
    assert all(a["documents"] for a in submitted["activities"])
    assert execution(sb, submitted).status == "RUNNING"  # waiting for staff (R32)

    status, page = sb.api(
        "GET", "/staff/recertifications", as_staff=True, query={"status": "AWAITING_STAFF_REVIEW"}
    )
    assert status == 200
    assert submitted["applicationId"] in [a["applicationId"] for a in page["applications"]]

    status, decided = decide(sb, submitted, "decision", {"decision": "APPROVE", "reasons": []})
    assert status == 200, decided
    after = read(sb, "CCPOK", submitted)
    assert after["status"] == "RECERTIFIED"
    assert {"on": "2026-03-02", "event": "STAFF_APPROVED", "by": "staff:reviewer.ann"} in after[
        "history"
    ]
    done = execution(sb, submitted)
    assert (done.status, done.output["outcome"]) == ("SUCCEEDED", "RECERTIFIED")

    now = status_of(sb, "CCPOK")
    assert now["status"] == "ACTIVE"
    assert not [r for r in now["reasons"] if r["rule"] == "R22"]  # history now (R33)
    assert now["certificateNumber"] == "RMA-CCPOK" and now["ccp"] == "MANDATORY"
    assert (now["cycle"]["start"], now["cycle"]["end"]) == ("2026-03-02", "2029-03-01")
    assert now["nextInvoice"]["dueDate"] == "2027-03-31"  # anniversary moved to March (R3)
    outbox = sb.client("dynamodb").scan(TableName=sb.outputs["OutboxTableName"])["Items"]
    assert any(
        "CertificationActivated" in str(i) and "RECERTIFIED" in str(i) and "RMA-CCPOK" in str(i)
        for i in outbox
    )  # R36: the badge, through the domain events outbox
    assert "RECERTIFIED" in kinds_to(sb, "CCPOK")
    assert any(letter.kind == "RECERTIFIED" for letter in sb.letters)


def test_r29_incomplete_notice_lists_every_missing_item_then_resubmitted_and_approved(
    sb: Sandbox,
) -> None:
    application = apply(sb, "INCOMP")
    first = submit(sb, "INCOMP", application)
    assert first["status"] == "INCOMPLETE"
    codes = [m["code"] for m in first["missing"]]
    assert codes == ["PROOF_DOCUMENT_MISSING", "PROOF_DOCUMENT_MISSING", "FEE_UNPAID"]
    [notice] = [e for e in sb.emails if e.kind == "RECERT_INCOMPLETE" and "incomp" in str(e.to)]
    for item in first["missing"]:
        assert item["message"] in notice.text
    assert execution(sb, application).status == "RUNNING"  # waiting for the resubmission

    upload_proofs(sb, "INCOMP", application)
    pay_fee(sb, application)
    again = submit(sb, "INCOMP", application)
    assert (again["status"], again["missing"]) == ("AWAITING_STAFF_REVIEW", [])
    assert decide(sb, application, "decision", {"decision": "APPROVE"})[0] == 200
    assert read(sb, "INCOMP", application)["status"] == "RECERTIFIED"
    assert status_of(sb, "INCOMP")["status"] == "ACTIVE"
    assert execution(sb, application).output["outcome"] == "RECERTIFIED"


def test_r29_unpaid_fee_keeps_the_application_incomplete(sb: Sandbox) -> None:
    application = apply(sb, "UNPAID")
    upload_proofs(sb, "UNPAID", application)
    first = submit(sb, "UNPAID", application)
    assert [m["code"] for m in first["missing"]] == ["FEE_UNPAID"]
    again = submit(sb, "UNPAID", application)
    assert (again["status"], [m["code"] for m in again["missing"]]) == (
        "INCOMPLETE",
        ["FEE_UNPAID"],
    )
    status, invoices = sb.api("GET", "/members/UNPAID/invoices", as_member="UNPAID")
    fee = [i for i in invoices["invoices"] if i["invoiceId"] == application["fee"]["invoiceId"]]
    assert status == 200 and fee and fee[0]["status"] == "OPEN"  # listed like any invoice
    # the member's status check shows the open application and what is missing (R37)
    recert = status_of(sb, "UNPAID")["recertification"]
    assert recert["applicationId"] == application["applicationId"]
    assert recert["applicationStatus"] == "INCOMPLETE"


def test_r30_felony_cleared_goes_on_to_staff_review_and_approval(sb: Sandbox) -> None:
    extra = {"felonyConviction": True, "felonyExplanation": "2009 conviction, sentence served"}
    submitted = complete(sb, "FELONOK", **extra)
    assert submitted["status"] == "FELONY_REVIEW"
    assert submitted["felonyReview"]["status"] == "PENDING"
    assert submitted["felonyReview"]["dueOn"] == "2026-04-01"  # 30 days (policy)
    # the staff decision is not due yet: no approval skips the felony review (R30)
    assert decide(sb, submitted, "decision", {"decision": "APPROVE"})[0] == 409
    status, _ = decide(sb, submitted, "felony-review", {"decision": "CLEARED", "reason": "ok"})
    assert status == 200
    cleared = read(sb, "FELONOK", submitted)
    assert cleared["status"] == "AWAITING_STAFF_REVIEW"
    assert cleared["felonyReview"]["status"] == "CLEARED"
    assert cleared["felonyReview"]["decidedOn"] == "2026-03-02"
    assert decide(sb, submitted, "decision", {"decision": "APPROVE"})[0] == 200
    assert read(sb, "FELONOK", submitted)["status"] == "RECERTIFIED"


def test_r30_felony_denied_rejects_the_application_with_the_reason(sb: Sandbox) -> None:
    extra = {"felonyConviction": True, "felonyExplanation": "2024 conviction"}
    submitted = complete(sb, "FELONNO", **extra)
    status, _ = decide(
        sb, submitted, "felony-review", {"decision": "DENIED", "reason": "conviction relates"}
    )
    assert status == 200
    rejected = read(sb, "FELONNO", submitted)
    assert rejected["status"] == "REJECTED"
    assert execution(sb, submitted).output["outcome"] == "REJECTED"
    [notice] = [e for e in sb.emails if e.kind == "RECERT_REJECTED" and "felonno" in str(e.to)]
    assert "conviction relates" in notice.text
    assert status_of(sb, "FELONNO")["status"] == "RECERTIFICATION_REQUIRED"
    # closed: a new application may be made (the open marker is released)
    assert apply(sb, "FELONNO")["status"] == "DRAFT"


# ---------------------------------------------------------------- exam route


def test_r31_exam_fail_then_pass_recertifies_as_of_the_day_taken(sb: Sandbox) -> None:
    application = apply(sb, "EXAMIN", route="EXAM", eligibility=ELIGIBLE_BY_WORK)
    pay_fee(sb, application)
    submitted = submit(sb, "EXAMIN", application)
    assert submitted["status"] == "AWAITING_STAFF_REVIEW", submitted
    assert decide(sb, application, "decision", {"decision": "APPROVE"})[0] == 200
    authorised = read(sb, "EXAMIN", application)
    assert authorised["status"] == "AUTHORIZED_TO_TEST"
    exam = authorised["exam"]
    assert exam["validUntil"] == "2027-03-02" and exam["attempts"] == []
    assert "RECERT_AUTHORIZED_TO_TEST" in kinds_to(sb, "EXAMIN")

    sb.advance_to(date(2026, 4, 10))
    status, failed = sb.exam_result(exam["authorizationId"], "FAIL", date(2026, 4, 9))
    assert (status, failed["recorded"]) == (200, True)
    after_fail = read(sb, "EXAMIN", application)
    assert after_fail["status"] == "AUTHORIZED_TO_TEST"  # may retest while valid (R31)
    assert [a["result"] for a in after_fail["exam"]["attempts"]] == ["FAIL"]
    again = sb.exam_result(
        exam["authorizationId"], "FAIL", date(2026, 4, 9), attempt_id=failed["attemptId"]
    )
    assert again == (200, {**failed, "recorded": False})  # each attempt once

    sb.advance_to(date(2026, 5, 20))
    status, passed = sb.exam_result(exam["authorizationId"], "PASS", date(2026, 5, 18))
    assert status == 200, passed
    done = read(sb, "EXAMIN", application)
    assert done["status"] == "RECERTIFIED"
    assert [a["result"] for a in done["exam"]["attempts"]] == ["FAIL", "PASS"]
    now = status_of(sb, "EXAMIN")
    assert now["status"] == "ACTIVE" and now["cycle"]["start"] == "2026-05-18"
    assert now["certificateNumber"] == "RMA-EXAMIN"
    assert execution(sb, application).output["outcome"] == "RECERTIFIED"


def test_r31_exam_route_not_meeting_the_current_criteria_is_incomplete_with_what_is_missing(
    sb: Sandbox,
) -> None:
    """R31: judged by the Eligibility Assistant's engine on today's criteria (R34)."""
    short = {"work": {**ELIGIBLE_BY_WORK["work"], "ma_months_in_last_84": 40}}
    application = apply(sb, "EXAMNO", route="EXAM", eligibility=short)
    pay_fee(sb, application)
    submitted = submit(sb, "EXAMNO", application)
    assert submitted["status"] == "INCOMPLETE"
    [missing] = submitted["missing"]
    assert (missing["rule"], missing["code"]) == ("R31", "NOT_ELIGIBLE")
    assert "route C" in missing["message"], missing
    assert submitted["exam"] is None  # never authorised to test
    assert "RECERT_INCOMPLETE" in kinds_to(sb, "EXAMNO")


def test_r31_exam_webhook_refusals_write_nothing(sb: Sandbox) -> None:
    before = table_items(sb)
    status, answer = sb.exam_result("EXA-NOPE", "PASS", sb.today)
    assert (status, answer["code"]) == (404, "AUTHORIZATION_NOT_FOUND")
    raw = (
        '{"authorizationId": "EXA-X", "attemptId": "a", "result": "PASS", "takenOn": "2026-01-01"}'
    )
    headers = {"X-Exam-Timestamp": str(int(sb.now.timestamp())), "X-Exam-Signature": "v1=00"}
    status, answer = sb.api("POST", "/exam-results/webhook", raw, headers=headers)
    assert (status, answer["code"]) == (401, "SIGNATURE_INVALID")
    status, answer = sb.api("POST", "/exam-results/webhook", raw)
    assert (status, answer["code"]) == (401, "SIGNATURE_MISSING")
    assert table_items(sb) == before


# ---------------------------------------------------------------- refusals


def test_r23_lapsed_ten_years_is_refused_the_ccp_route_and_nothing_is_written(
    sb: Sandbox,
) -> None:
    before = table_items(sb)
    status, refused = sb.api(
        "POST", "/members/TENY/recertifications", body("TENY"), as_member="TENY"
    )
    assert (status, refused["code"]) == (422, "RECERT_BY_EXAM_REQUIRED")
    assert table_items(sb) == before


def test_r28_a_second_open_application_for_the_certification_is_refused(sb: Sandbox) -> None:
    apply(sb, "TWICE")
    before = table_items(sb)
    status, refused = sb.api(
        "POST", "/members/TWICE/recertifications", body("TWICE"), as_member="TWICE"
    )
    assert (status, refused["code"]) == (409, "APPLICATION_ALREADY_OPEN")
    assert table_items(sb) == before


def test_r28_an_active_certification_cannot_apply(sb: Sandbox) -> None:
    status, refused = sb.api(
        "POST", "/members/GOOD/recertifications", body("GOOD"), as_member="GOOD"
    )
    assert (status, refused["code"]) == (422, "NOT_RECERTIFICATION_REQUIRED")


def test_r37_another_members_application_is_invisible(sb: Sandbox) -> None:
    application = apply(sb, "OTHER")
    path = f"/members/OTHER/recertifications/{application['applicationId']}"
    mine = sb.api("GET", path, as_member="OTHER")
    assert mine[0] == 200
    assert sb.api("GET", path, as_member="GOOD")[0] == 404
    assert (
        sb.api(
            "GET",
            f"/members/GOOD/recertifications/{application['applicationId']}",
            as_member="GOOD",
        )[0]
        == 404
    )
    assert sb.api("POST", f"{path}/submit", as_member="GOOD")[0] == 404
    assert decide(sb, application, "decision", {"decision": "APPROVE"})[0] == 409
    assert sb.api("GET", "/staff/recertifications", as_member="OTHER")[0] == 403


# ---------------------------------------------------------------- expiry (the daily sweep)


def sweep(sb: Sandbox, day: date) -> dict[str, Any]:
    """The daily sweep's scheduled event for `day` (02:00 body time), as the scheduler sends
    it: without moving the clock through a year of every other schedule."""
    import json

    stamp = f"{day.isoformat()}T08:00:00Z"
    answer = sb.client("lambda").invoke(
        FunctionName=sb.functions["LifecycleSweepFunction"].name,
        Payload=json.dumps({"scheduledTime": stamp}).encode(),
    )
    result: dict[str, Any] = json.loads(answer["Payload"].read())
    sb.wait_for_executions()
    return result


def test_r30_a_felony_decision_past_due_is_flagged_once_by_the_sweep_and_still_decided(
    sb: Sandbox,
) -> None:
    extra = {"felonyConviction": True, "felonyExplanation": "2012 conviction, sentence served"}
    submitted = complete(sb, "FELONLATE", **extra)
    assert submitted["status"] == "FELONY_REVIEW"
    due = date.fromisoformat(submitted["felonyReview"]["dueOn"])
    assert due == sb.today + timedelta(days=30)  # policy felony_decision_days
    assert submitted["felonyReview"]["overdueSince"] is None

    sweep(sb, due)  # due that day: not overdue yet
    assert read(sb, "FELONLATE", submitted)["felonyReview"]["overdueSince"] is None
    assert sweep(sb, due + timedelta(days=1))["felonyReviewsOverdue"] == 1
    assert sweep(sb, due + timedelta(days=2))["felonyReviewsOverdue"] == 1  # still counted
    late = read(sb, "FELONLATE", submitted)
    assert late["status"] == "FELONY_REVIEW"  # never failed for the staff's delay (R30)
    assert late["felonyReview"]["overdueSince"] == (due + timedelta(days=1)).isoformat()
    flagged = [h for h in late["history"] if h["event"] == "FELONY_DECISION_OVERDUE"]
    assert flagged == [
        {"on": late["felonyReview"]["overdueSince"], "event": "FELONY_DECISION_OVERDUE",
         "by": "lifecycle-sweep"}
    ]  # fmt: skip

    status, _ = decide(sb, submitted, "felony-review", {"decision": "CLEARED", "reason": "ok"})
    assert status == 200
    assert read(sb, "FELONLATE", submitted)["status"] == "AWAITING_STAFF_REVIEW"
    assert sweep(sb, due + timedelta(days=3))["felonyReviewsOverdue"] == 0


def test_r29_an_application_expires_a_year_after_its_submission(sb: Sandbox) -> None:
    application = apply(sb, "LATE")
    submitted = submit(sb, "LATE", application)
    assert submitted["status"] == "INCOMPLETE"
    assert submitted["validUntil"] == sb.today.replace(year=sb.today.year + 1).isoformat()
    valid_until = date.fromisoformat(submitted["validUntil"])
    sweep(sb, valid_until)  # valid through that day
    assert read(sb, "LATE", application)["status"] == "INCOMPLETE"
    assert sweep(sb, valid_until + timedelta(days=1))["applicationsExpired"] >= 1
    expired = read(sb, "LATE", application)
    assert expired["status"] == "EXPIRED"
    assert execution(sb, application).output["outcome"] == "EXPIRED"
    assert "RECERT_EXPIRED" in kinds_to(sb, "LATE")
    assert sb.failures == []

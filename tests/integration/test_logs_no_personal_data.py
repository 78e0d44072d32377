"""No member's personal data in what the functions ship to CloudWatch (STYLE §8, issue 10
finding 10).

What is checked is what Lambda would ship for each call: the sandbox's runtime keeps in
`Invocation.logs` everything the handler's thread writes to stdout/stderr, every log
record any logger is handed (before filters and handlers, so whatever Powertools does
to them), and the runtime's report of an uncaught exception.

Every function of the template is reached through its real trigger (the list comes
from the template; the test fails when one is not reached): every HTTP route (also
from the template), the signed payment webhook with successful payments, the exam
vendor's webhook, uploads into an open audit case and into a recertification
application (S3), a course completion (learning bus), the domain event stream and
bus consumers, the schedules and the state machine tasks they start, and the Cognito
pre-token trigger.

Personal data looked for (docs/security.md "What is logged"): names, emails, postal
addresses, certificate numbers, member ids (one person's identifier, like the
certificate number; the access log leaves paths out for the same reason), the felony
explanation and the file names a member gives. The member base holds no phone
numbers or birth dates.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from staycertified_sandbox import Sandbox
from staycertified_sandbox.api import Route

from .renewal_support import webhook
from .scenario_support import ELIGIBLE_BY_WORK, education, row

PDF = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 60 + b"%%EOF\n"


def person(index: int, kind: str, certified_on: str, **overrides: Any) -> dict[str, str]:
    """A member whose every personal field is a word found nowhere else."""
    tag = string.ascii_lowercase[index // 26] + string.ascii_lowercase[index % 26]
    member_id = f"PDX{kind}{index:02d}"
    return row(
        member_id,
        certified_on,
        first_name=f"Wynnifred{tag}",
        last_name=f"Wrightsonby{tag}",
        email=f"wynnie.{tag}.private@mailbox.example.net",
        address_line1=f"{4100 + index} Marigold Terrace",
        address_line2=f"Flat {tag}",
        city=f"Quillfeather{tag}",
        certificate_number=f"RMA-PDX{kind}{index:02d}",
        **overrides,
    )


POOL = [person(i, "A", "2022-06-10") for i in range(20)]  # 2026 audit pool (R25): 1 case
LEARNER = person(30, "L", "2023-02-21", cycle_points=5)  # CCP notices by March (R17)
PAYER = person(31, "P", "2022-02-10", paid_through="2024-02-29")  # open invoices
REQUIRED = {"paid_through": "2020-06-30", "cycle_points": 30}  # RECERTIFICATION_REQUIRED
RECERT = person(32, "R", "2015-06-10", **REQUIRED)
EXAMINEE = person(33, "E", "2015-06-10", **REQUIRED)
MEMBERS = [*POOL, LEARNER, PAYER, RECERT, EXAMINEE]
NEW_EMAIL = "wynnie.moved.private@mailbox.example.net"
NEW_ADDRESS = {
    "line1": "12 Fennimorrow Lane",
    "city": "Quillfeather Heights",
    "state": "IL",
    "postalCode": "62998",
    "country": "US",
}
FELONY = "Convicted in Brackenhollow county, sentence served"


def personal_words() -> list[str]:
    words = {NEW_EMAIL, NEW_ADDRESS["line1"], NEW_ADDRESS["city"], FELONY, "mailbox.example.net"}
    for member in MEMBERS:
        words |= {
            member["member_id"],
            member["certificate_number"],
            member["first_name"],
            member["last_name"],
            member["email"],
            member["email"].partition("@")[0],
            member["address_line1"],
            member["city"],
        }
    return sorted(word.casefold() for word in words)


def full_name(member: dict[str, str]) -> str:
    return f"{member['first_name']} {member['last_name']}"


@dataclass
class Story:
    sb: Sandbox
    ids: dict[str, str] = field(default_factory=dict)  # path parameter -> a real value


def grant_and_upload(sb: Sandbox, member: dict[str, str], body: dict[str, Any]) -> str:
    grant_body = {
        "kind": "PROOF",
        "fileName": f"{full_name(member)} proof.pdf",
        "contentType": "application/pdf",
        "size": len(PDF),
        **body,
    }
    who = member["member_id"]
    status, grant = sb.api("POST", f"/members/{who}/uploads", grant_body, as_member=who)
    assert status == 201, grant
    assert sb.upload(grant, PDF)[0] in (200, 201, 204)
    return str(grant["documentId"])


def invoices_of(sb: Sandbox, member: dict[str, str]) -> list[dict[str, Any]]:
    who = member["member_id"]
    status, body = sb.api("GET", f"/members/{who}/invoices", as_member=who)
    assert status == 200, body
    return [i for i in body["invoices"] if i["status"] == "OPEN"]


def pay_by_webhook(sb: Sandbox, invoice: dict[str, Any], payment_id: str) -> None:
    status, answer = webhook(
        sb,
        {
            "type": "payment.succeeded",
            "paymentId": payment_id,
            "invoiceId": invoice["invoiceId"],
            "amount": invoice["amount"],
            "currency": "USD",
        },
    )
    assert status == 200 and answer.get("status") != "PAYMENT_REFUSED", answer


def member_calls(sb: Sandbox) -> None:
    """The learner's and staff's HTTP calls, each carrying the member's personal data."""
    who = LEARNER["member_id"]
    sb.api("GET", f"/members/{who}/status", as_member=who)
    sb.api("GET", f"/members/{who}/status", as_member=PAYER["member_id"])  # not theirs: 404
    sb.api("POST", f"/members/{who}/activities", education("2026-01-01", 2), as_member=who)
    sb.api("POST", f"/members/{who}/activities", {"title": full_name(LEARNER)}, as_member=who)
    signed = {"signedBy": full_name(LEARNER), "pointsByCategory": {}, "affirmed": True}
    sb.api("POST", f"/members/{who}/attestations", signed, as_member=who)
    contact = {"email": NEW_EMAIL, "address": NEW_ADDRESS}
    assert sb.api("PATCH", f"/members/{who}/contact", contact, as_member=who)[0] == 200
    sb.api("PATCH", f"/members/{who}/contact", {"email": full_name(LEARNER)}, as_member=who)
    for query in (LEARNER["last_name"], LEARNER["email"], NEW_EMAIL, LEARNER["certificate_number"]):
        assert sb.api("GET", "/staff/members", query={"query": query}, as_staff=True)[0] == 200
    certificate = LEARNER["certificate_number"]
    for last_name in (LEARNER["last_name"], PAYER["last_name"]):
        sb.api("GET", f"/verify/{certificate}", query={"lastName": last_name})
    for query in ({"email": LEARNER["email"]}, {"certificateNumber": certificate}):
        sb.api("GET", "/benefits/ce-discount", query=query, as_platform=True)  # R41
    sb.api("GET", "/benefits/ce-discount", query={"email": NEW_EMAIL, **query}, as_platform=True)


def course_and_token(sb: Sandbox) -> None:
    """The learning platform's course completion (bus) and Cognito's pre-token trigger."""
    who = LEARNER["member_id"]
    course = {
        "completionId": "PDX-1",
        "memberId": who,
        "courseId": "C",
        "title": f"Course of {full_name(LEARNER)}",
        "contactHours": 1,
        "completedOn": "2026-01-01",
    }
    sb.put_event("staycertified.learning", "CourseCompleted", course)
    sb.put_event("staycertified.learning", "CourseCompleted", {"memberId": who, "x": NEW_EMAIL})
    for email, member_id in ((NEW_EMAIL, who), (PAYER["email"], who)):  # mine / someone else's
        sb.client("lambda").invoke(  # as Cognito calls the trigger on each sign-in
            FunctionName=sb.functions["PreTokenFunction"].name,
            Payload=json.dumps(
                {
                    "version": "1",
                    "triggerSource": "TokenGeneration_Authentication",
                    "userName": email,
                    "request": {
                        "userAttributes": {
                            "email": email,
                            "email_verified": "true",
                            "custom:member_id": member_id,
                        }
                    },
                    "response": {},
                }
            ),
        )


def payments(sb: Sandbox, story: Story) -> None:
    """Successful webhook payments and a staff-recorded cheque (R6)."""
    open_invoices = invoices_of(sb, PAYER)
    assert len(open_invoices) >= 2, open_invoices
    pay_by_webhook(sb, open_invoices[0], "pay_pdx_1")
    pay_by_webhook(sb, open_invoices[0], "pay_pdx_1")  # the provider's retry
    cheque = {"amount": open_invoices[1]["amount"], "method": "CHECK"}
    path = f"/staff/invoices/{open_invoices[1]['invoiceId']}/payments"
    assert sb.api("POST", path, cheque, as_staff="pdx.staff")[0] == 201
    story.ids["invoiceId"] = open_invoices[0]["invoiceId"]


def recertify(sb: Sandbox, member: dict[str, str], route: str, **extra: Any) -> dict[str, Any]:
    """R28-R33: apply, upload the proofs into the application, pay the fee by the
    webhook, submit; staff decide."""
    who = member["member_id"]
    body: dict[str, Any] = {
        "certificateNumber": member["certificate_number"],
        "route": route,
        "felonyConviction": False,
        "attestation": {"signedName": full_name(member), "signedOn": "2026-01-01"},
        **extra,
    }
    if route == "CCP":
        body["activities"] = [education("2025-06-01", 20), education("2025-09-01", 12)]
    status, application = sb.api("POST", f"/members/{who}/recertifications", body, as_member=who)
    assert status == 201, application
    for activity in application["activities"]:
        upload = {
            "purpose": "RECERTIFICATION",
            "applicationId": application["applicationId"],
            "itemId": activity["activityId"],
        }
        grant_and_upload(sb, member, upload)
    fee = [i for i in invoices_of(sb, member) if i["invoiceId"] == application["fee"]["invoiceId"]]
    pay_by_webhook(sb, fee[0], f"pay_pdx_{route.lower()}")  # the provider's id
    path = f"/members/{who}/recertifications/{application['applicationId']}"
    assert sb.api("POST", f"{path}/submit", as_member=who)[0] == 202
    staff = f"/staff/recertifications/{application['applicationId']}"
    if extra.get("felonyConviction"):
        cleared = {"decision": "CLEARED", "reason": "explained"}
        assert sb.api("POST", f"{staff}/felony-review", cleared, as_staff="pdx.staff")[0] == 200
    decided = sb.api("POST", f"{staff}/decision", {"decision": "APPROVE"}, as_staff="pdx.staff")
    assert decided[0] == 200, decided
    return dict(sb.api("GET", path, as_member=who)[1])


def audit_case(sb: Sandbox, story: Story) -> None:
    """R26, R27: the drawn member uploads into the open case and submits; staff verify."""
    selected = json.loads(
        sb.client("s3")
        .get_object(Bucket=sb.env("MAIL_BUCKET"), Key="audits/2026/selected.json")["Body"]
        .read()
    )
    assert len(selected) == 1, selected
    who, case = selected[0]["memberId"], selected[0]["caseId"]
    [member] = [m for m in MEMBERS if m["member_id"] == who]  # one of POOL
    status, opened = sb.api("GET", f"/members/{who}/audits/{case}", as_member=who)
    assert status == 200, opened
    documents = [
        grant_and_upload(
            sb,
            member,
            {"purpose": "AUDIT", "caseId": case, "itemId": item["itemId"], "kind": "TRANSCRIPT"},
        )
        for item in opened["items"]
    ]
    assert sb.api("POST", f"/members/{who}/audits/{case}/submit", as_member=who)[0] in (200, 202)
    for item in opened["items"]:
        path = f"/staff/audits/{case}/items/{item['itemId']}/decision"
        assert sb.api("POST", path, {"decision": "VERIFIED"}, as_staff="pdx.staff")[0] == 200
    story.ids.update(
        caseMember=who, caseId=case, itemId=opened["items"][0]["itemId"], documentId=documents[0]
    )


@pytest.fixture(scope="module")
def story() -> Iterator[Story]:
    from staycertified.payments.signature import forget_secret

    forget_secret()  # a secret cached by an earlier test of this process hides the calls
    with Sandbox(start=date(2026, 1, 1)) as sb:
        assert sb.load_members(MEMBERS).errors == []
        told = Story(sb)
        member_calls(sb)
        course_and_token(sb)
        payments(sb, told)
        sb.put_document(f"uploads/{LEARNER['member_id']}/NOCASE/{full_name(LEARNER)}.pdf", b"%P")
        recertified = recertify(sb, RECERT, "CCP")
        assert recertified["status"] == "RECERTIFIED", recertified
        told.ids["applicationId"] = recertified["applicationId"]
        felony = {"felonyConviction": True, "felonyExplanation": FELONY}
        authorised = recertify(sb, EXAMINEE, "EXAM", eligibility=ELIGIBLE_BY_WORK, **felony)
        assert authorised["status"] == "AUTHORIZED_TO_TEST", authorised
        sb.advance_to(date(2026, 1, 3))  # the audit draw opens one case (R25)
        audit_case(sb, told)
        status, passed = sb.exam_result(authorised["exam"]["authorizationId"], "PASS", sb.today)
        assert status == 200, passed
        sb.advance_to(date(2026, 3, 5))  # CCP notices, renewal runs, dashboards, sweeps (R17)
        every_route(sb, told)
        sb.wait_for_executions()
        yield told


def every_route(sb: Sandbox, story: Story) -> None:
    """Each route of the template once more, with bodies full of personal data."""
    junk = {
        "fileName": f"{full_name(LEARNER)}.pdf",
        "email": LEARNER["email"],
        "signedBy": full_name(LEARNER),
        "lastName": LEARNER["last_name"],
        "reason": FELONY,
        "certificateNumber": LEARNER["certificate_number"],
    }
    for route in sb.routes:
        path = fill(route, story)
        body = junk if route.method in ("POST", "PUT", "PATCH") else None
        member = story.ids["caseMember"] if "{caseId}" in route.path else LEARNER["member_id"]
        if "{applicationId}" in route.path:
            member = RECERT["member_id"]
        if route.iam:
            sb.api(route.method, path, body, as_platform=True, query={"email": NEW_EMAIL})
        elif route.path.startswith("/staff/"):
            sb.api(route.method, path, body, as_staff="pdx.staff")
        else:
            sb.api(route.method, path, body, as_member=member)


def fill(route: Route, story: Story) -> str:
    values = {
        **story.ids,
        "certificateNumber": LEARNER["certificate_number"],
        "certificationType": "RMA",
    }
    member = story.ids["caseMember"] if "{caseId}" in route.path else LEARNER["member_id"]
    if "{applicationId}" in route.path:
        member = RECERT["member_id"]
    values["memberId"] = member
    return re.sub(r"\{([^}+]+)\+?\}", lambda m: values[m.group(1)], route.path)


# ---------------------------------------------------------------- tests


def test_every_function_of_the_template_is_reached_through_its_trigger(story: Story) -> None:
    reached = {invocation.function for invocation in story.sb.invocations}
    assert set(story.sb.functions) - reached == set()


def test_every_http_route_of_the_template_is_called(story: Story) -> None:
    called = {
        (invocation.function, invocation.event.get("routeKey"))
        for invocation in story.sb.invocations
        if isinstance(invocation.event, dict)
    }
    routes = {(route.function, route.route_key) for route in story.sb.routes}
    assert routes - called == set()


def test_the_capture_holds_the_records_the_functions_log(story: Story) -> None:
    """Powertools' records reach the capture (an ordinary logging handler got none)."""
    logs = {
        (invocation.function, line)
        for invocation in story.sb.invocations
        for line in ("payment applied", "documents processed", "lifecycle sweep", "badge call")
        if line in invocation.logs
    }
    assert {function for function, _ in logs} >= {
        "PaymentWebhookFunction",
        "DocumentUploadedFunction",
        "LifecycleSweepFunction",
        "BadgeEventsFunction",
    }


def test_no_personal_data_in_what_any_function_ships_to_cloudwatch(story: Story) -> None:
    words = personal_words()
    leaks: dict[str, set[str]] = {}
    for invocation in story.sb.invocations:
        text = invocation.logs.casefold()
        found = {word for word in words if word in text}
        if found:
            leaks.setdefault(invocation.function, set()).update(found)
    assert story.sb.failures == []
    assert leaks == {}

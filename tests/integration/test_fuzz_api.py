"""Fuzzing the HTTP API from its own OpenAPI document, in process (sb.api).

For every route: random and mutated requests. Whatever comes in, the answer is
never a 5xx; a body the document says is invalid never gets a 2xx; every error
has the one error shape. The generators also make hostile input (issue 10, item
6): free text with controls, ANSI escapes, CR/LF, bidi overrides, zero-width
characters, markup and lone surrogates (stored only normalised, or refused), and
raw bodies nested thousands deep, with 5000-digit numbers or bytes that are not
UTF-8 (a 400 with a body code on every route of the template, signed webhooks too). Validity is judged by the committed document itself
(jsonschema, formats checked), so the document and the code cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from staycertified_sandbox import Sandbox
from staycertified_sandbox.api import Route, routes_from_template
from staycertified_sandbox.sandbox import ACCOUNT, DEFAULT_TEMPLATE
from staycertified_sandbox.template import translate

from .scenario_support import row

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _document() -> dict[str, Any]:
    from staycertified.api.resolver import openapi_document

    return json.loads(openapi_document())


DOCUMENT = _document()


def validator(component: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{component}", "components": DOCUMENT["components"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=date(2026, 1, 5)) as sandbox:
        sandbox.load_members(
            [
                row("FUZZ", "2024-03-15", cycle_points=3),
                # RECERTIFICATION_REQUIRED (a fee unpaid 3 years, R22): may apply (R28)
                row("FUZZRR", "2015-06-10", paid_through="2020-06-30", cycle_points=30),
            ]
        )
        yield sandbox


def check_answer(status: int, body: Any) -> None:
    assert status < 500, body
    if status >= 400:
        assert set(body) == {"code", "message", "errors"}, body
        assert all(set(e) == {"rule", "code", "message"} for e in body["errors"]), body


# ---------------------------------------------------------------- strategies

# text a member may paste, or an attacker type (issue 10, item 6)
HOSTILE_PIECES = [
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\ufeff",
    "\ud800",  # a lone surrogate: no Unicode character
    "<script>alert(1)</script>",
    "e\u0301",  # decomposed: stored NFC
    "\u00a0 \t ",
    "Zoë O'Brien-Smith",
]
hostile_text = st.lists(
    st.sampled_from(HOSTILE_PIECES) | st.text(max_size=6), min_size=1, max_size=4
).map("".join)
free_text = st.text(min_size=1, max_size=40) | hostile_text


def raw_hostile_bodies() -> st.SearchStrategy[str | bytes]:
    """Bodies that break a naive parser: deep nesting, huge numbers, bytes not UTF-8."""
    return (
        st.integers(33, 5000).map(lambda n: '{"a":' * n)
        | st.integers(33, 3000).map(lambda n: "[" * n + "]" * n)
        | st.integers(41, 6000).map(lambda n: '{"quantity": ' + "9" * n + "}")
        | st.binary(max_size=8).map(lambda b: b'{"title":"' + b + b'\xff"}')
        | st.sampled_from(['{"title": "\\ud800"}', '{"quantity": NaN}', "[Infinity]"])
    )


def printable_as_stored(value: str) -> bool:
    """What a stored text may contain: no control or invisible format character."""
    import unicodedata

    return not any(
        unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")
        or (unicodedata.category(c) == "Cf" and c not in "\u200c\u200d")
        for c in value
    )


# values a lax parser would coerce: the document does not allow them
coercible = st.sampled_from(
    [0, 1, "1", "true", "yes", "on", 1.0, "2.5", "2026-01-01T00:00:00", 1767225600]
)
json_values = coercible | st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)
in_cycle = st.dates(min_value=date(2024, 3, 15), max_value=date(2026, 1, 5)).map(date.isoformat)
date_like = (
    dates
    | st.sampled_from(["2026-02-30", "2026-1-5", "20260105", "", "2026-01-05T00:00:00"])
    | st.integers()
)
numbers = (
    st.integers(-5, 20000)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=False, places=3, min_value=-10, max_value=100).map(str)
    | st.sampled_from(["1e3", "NaN", "-0", "abc", "2.5"])
)


def enum_or_junk(component: str, field: str) -> st.SearchStrategy[Any]:
    values = DOCUMENT["components"]["schemas"][component]["properties"][field].get("enum", [])
    return st.sampled_from(values) | st.text(max_size=15) | json_values if values else json_values


def mutated(
    valid: st.SearchStrategy[dict[str, Any]], alternatives: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[Any]:
    """A plausible body, with fields dropped, replaced, or added; or anything at all."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        body = dict(draw(valid))
        for name in draw(st.lists(st.sampled_from(sorted(alternatives)), max_size=3, unique=True)):
            if draw(st.booleans()):
                body.pop(name, None)
            else:
                body[name] = draw(alternatives[name])
        if draw(st.integers(0, 9)) == 0:
            body[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
        return body

    return st.integers(0, 9).flatmap(
        lambda n: json_values if n == 0 else st.text(max_size=40) if n == 1 else build()
    )


activity_ok = st.fixed_dictionaries(
    {
        "category": st.sampled_from(["PROFESSIONAL_EDUCATION", "AUTHORSHIP"]),
        "title": free_text,
        "completedOn": in_cycle,
        "quantity": st.decimals(min_value="0.25", max_value=40, places=2).map(float),
        "unit": st.sampled_from(["CONTACT_HOUR", "CEU", "ITEM"]),
        "qualifies": st.sampled_from(["JOB_PERFORMANCE", "HEALTHCARE_KNOWLEDGE"]),
    },
    optional={"provider": st.text(max_size=20) | hostile_text, "firstDelivery": st.booleans()},
)
activity_bodies = mutated(
    activity_ok,
    {
        "category": enum_or_junk("ActivityIn", "category"),
        "unit": enum_or_junk("ActivityIn", "unit"),
        "qualifies": enum_or_junk("ActivityIn", "qualifies"),
        "title": json_values | hostile_text,
        "completedOn": date_like,
        "periodStart": date_like,
        "periodEnd": date_like,
        "quantity": numbers,
        "certificateNumber": json_values,
        "firstDelivery": json_values,
    },
)
attestation_bodies = mutated(
    st.fixed_dictionaries(
        {
            "pointsByCategory": st.dictionaries(
                st.sampled_from(["PROFESSIONAL_EDUCATION", "EMPLOYMENT", "KNITTING"]),
                st.integers(0, 40),
                min_size=1,
                max_size=3,
            ),
            "signedBy": free_text,
            "affirmed": st.booleans(),
        }
    ),
    {
        "pointsByCategory": json_values,
        "signedBy": json_values | hostile_text,
        "affirmed": json_values,
    },
)
payment_bodies = mutated(
    st.fixed_dictionaries(
        {
            "amount": st.sampled_from(["50.00", "49.99", "-50.00", "0.00"]),
            "method": st.sampled_from(["CARD", "CHECK", "REFUND"]),
        }
    ),
    {"amount": numbers, "method": json_values, "reference": json_values},
)
path_text = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="/?#%"),
    min_size=1,
    max_size=30,
)


def is_valid(component: str, body: Any) -> bool:
    return validator(component).is_valid(body)


# ---------------------------------------------------------------- properties


@settings(FUZZ, max_examples=150)
@given(body=activity_bodies)
def test_record_activity_never_5xx_and_never_accepts_an_invalid_body(
    sb: Sandbox, body: Any
) -> None:
    from staycertified.text import normalise

    status, answer = sb.api("POST", "/members/FUZZ/activities", body, as_member="FUZZ")
    check_answer(status, answer)
    if not is_valid("ActivityIn", body):
        assert status >= 400, (body, answer)
    if status == 201:  # stored normalised, never as given
        assert answer["title"] == normalise(body["title"]), (body, answer)
        assert printable_as_stored(answer["title"] + answer["provider"]), answer


@FUZZ
@given(body=attestation_bodies)
def test_attestation_never_5xx_and_never_accepts_an_invalid_body(sb: Sandbox, body: Any) -> None:
    status, answer = sb.api("POST", "/members/FUZZ/attestations", body, as_member="FUZZ")
    check_answer(status, answer)
    if not is_valid("AttestationIn", body):
        assert status >= 400, (body, answer)


@FUZZ
@given(body=payment_bodies, invoice=st.sampled_from(["INV-RMA-FUZZ-2026", "INV-NOPE"]) | path_text)
def test_staff_payment_never_5xx_and_never_accepts_an_invalid_body(
    sb: Sandbox, body: Any, invoice: str
) -> None:
    path = f"/staff/invoices/{quote(invoice, safe='')}/payments"
    status, answer = sb.api("POST", path, body, as_staff=True)
    check_answer(status, answer)
    if not is_valid("StaffPaymentIn", body):
        assert status >= 400, (body, answer)


@FUZZ
@given(
    member=st.just("FUZZ") | path_text,
    cycle=st.none() | st.sampled_from(["current", "all"]) | st.text(max_size=8),
)
def test_reads_never_5xx(sb: Sandbox, member: str, cycle: str | None) -> None:
    segment = quote(member, safe="")
    for path, query in (
        (f"/members/{segment}/status", None),
        (f"/members/{segment}/activities", None if cycle is None else {"cycle": cycle}),
        (f"/members/{segment}/invoices", None),
    ):
        status, answer = sb.api("GET", path, as_member="FUZZ", query=query)
        check_answer(status, answer)
        if member != "FUZZ":
            assert status >= 400


@FUZZ
@given(
    email=st.none() | st.just("fuzz.zq@members.example.org") | st.text(max_size=300),
    certno=st.none() | st.just("RMA-FUZZ") | st.text(max_size=60),
)
def test_ce_discount_never_5xx_and_answers_only_eligible(
    sb: Sandbox, email: str | None, certno: str | None
) -> None:
    query = {k: v for k, v in (("email", email), ("certificateNumber", certno)) if v is not None}
    status, answer = sb.api("GET", "/benefits/ce-discount", query=query, as_platform=True)
    check_answer(status, answer)
    if status == 200:
        assert set(answer) == {"eligible"} and isinstance(answer["eligible"], bool)


@FUZZ
@given(certno=st.just("RMA-FUZZ") | path_text, last_name=st.none() | st.text(max_size=30))
def test_verify_never_5xx(sb: Sandbox, certno: str, last_name: str | None) -> None:
    query = None if last_name is None else {"lastName": last_name}
    status, answer = sb.api("GET", f"/verify/{quote(certno, safe='')}", query=query)
    check_answer(status, answer)
    if status == 200:
        assert set(answer) == {
            "name",
            "type",
            "status",
            "originalCertificationDate",
            "validThrough",
        }


eligibility_answers = st.fixed_dictionaries(
    {},
    optional={
        "education": st.fixed_dictionaries(
            {},
            optional={
                "ma_program_graduation_date": date_like | json_values,
                "program_programmatically_accredited": json_values,
                "program_clock_hours": numbers,
            },
        ),
        "work": st.dictionaries(
            st.sampled_from(["ma_months_in_last_84", "clinical_duties", "junk"]), json_values
        ),
        "felonyConviction": json_values,
    },
)


@FUZZ
@given(
    kind=st.sampled_from(["RMA", "XYZ"]) | path_text,
    body=eligibility_answers | json_values,
)
def test_eligibility_never_5xx_and_never_accepts_an_invalid_body(
    sb: Sandbox, kind: str, body: Any
) -> None:
    """R34: the public assistant, anonymous, whatever it is sent."""
    path = f"/eligibility/{quote(kind, safe='')}"
    status, answer = sb.api("POST", path, body)
    check_answer(status, answer)
    if not is_valid("EligibilityAnswersIn", body):
        assert status >= 400, (body, answer)
    if status == 200:
        assert set(answer) == {"certificationType", "routes", "felonyReviewRequired", "notes"}
    status, answer = sb.api("GET", path)
    check_answer(status, answer)


# ---------------------------------------------------------------- documents and audits (R15, R27)

upload_bodies = mutated(
    st.fixed_dictionaries(
        {
            "purpose": st.sampled_from(["AUDIT", "RECERTIFICATION", "OTHER"]),
            "caseId": st.sampled_from(["AUD-2026-RMA-FUZZ", "AUD-2026-RMA-OTHER"]),
            "kind": st.sampled_from(["PROOF", "TRANSCRIPT", "SELFIE"]),
            "fileName": st.text(min_size=1, max_size=60),
            "contentType": st.sampled_from(["application/pdf", "image/png", "text/html"]),
            "size": st.integers(-1, 12 * 1024 * 1024),
        },
        optional={"itemId": st.text(max_size=20), "applicationId": st.text(max_size=10)},
    ),
    {
        "purpose": json_values,
        "caseId": json_values,
        "applicationId": json_values,
        "itemId": json_values,
        "kind": json_values,
        "fileName": json_values,
        "contentType": json_values,
        "size": numbers,
    },
)
decision_bodies = mutated(
    st.fixed_dictionaries(
        {"decision": st.sampled_from(["VERIFIED", "REJECTED", "MAYBE"])},
        optional={"points": numbers, "reason": st.text(max_size=30)},
    ),
    {"decision": json_values, "points": numbers, "reason": json_values},
)
extension_bodies = mutated(
    st.fixed_dictionaries({"days": st.integers(-5, 400), "reason": st.text(max_size=30)}),
    {"days": numbers, "reason": json_values},
)
case_decision_bodies = mutated(
    st.fixed_dictionaries(
        {"outcome": st.sampled_from(["FAILED", "PASSED"]), "reason": st.text(max_size=30)}
    ),
    {"outcome": json_values, "reason": json_values},
)
case_ids = st.sampled_from(["AUD-2026-RMA-FUZZ", "AUD-1999-NOPE"]) | path_text


@FUZZ
@given(body=upload_bodies)
def test_upload_grant_never_5xx_and_never_accepts_an_invalid_body(sb: Sandbox, body: Any) -> None:
    status, answer = sb.api("POST", "/members/FUZZ/uploads", body, as_member="FUZZ")
    check_answer(status, answer)
    if not is_valid("UploadIn", body):
        assert status >= 400, (body, answer)
    assert status != 201, answer  # FUZZ has no audit case: no grant is ever given (R15)


@FUZZ
@given(case=case_ids, item=st.just("PRIOR-RECORDS") | path_text, body=decision_bodies)
def test_staff_item_decision_never_5xx_and_never_accepts_an_invalid_body(
    sb: Sandbox, case: str, item: str, body: Any
) -> None:
    path = f"/staff/audits/{quote(case, safe='')}/items/{quote(item, safe='')}/decision"
    status, answer = sb.api("POST", path, body, as_staff=True)
    check_answer(status, answer)
    if not is_valid("ItemDecisionIn", body):
        assert status >= 400, (body, answer)
    status, answer = sb.api("POST", path, body, as_member="FUZZ")
    check_answer(status, answer)
    assert status >= 400  # R27: only staff decide


@FUZZ
@given(case=case_ids, extension=extension_bodies, decision=case_decision_bodies)
def test_staff_extension_and_case_decision_never_5xx(
    sb: Sandbox, case: str, extension: Any, decision: Any
) -> None:
    segment = quote(case, safe="")
    for path, body, component in (
        (f"/staff/audits/{segment}/extension", extension, "ExtensionIn"),
        (f"/staff/audits/{segment}/decision", decision, "CaseDecisionIn"),
    ):
        status, answer = sb.api("POST", path, body, as_staff=True)
        check_answer(status, answer)
        if not is_valid(component, body):
            assert status >= 400, (body, answer)


@FUZZ
@given(
    member=st.just("FUZZ") | path_text,
    case=case_ids,
    query=st.dictionaries(
        st.sampled_from(["caseId", "applicationId", "status", "limit", "cursor"]),
        st.text(max_size=12),
        max_size=3,
    ),
)
def test_document_and_audit_reads_never_5xx(
    sb: Sandbox, member: str, case: str, query: dict[str, str]
) -> None:
    m, c = quote(member, safe=""), quote(case, safe="")
    for path, as_staff in (
        (f"/members/{m}/documents", False),
        (f"/members/{m}/audits/{c}", False),
        ("/staff/audits", True),
        (f"/staff/documents/{c}", True),
    ):
        status, answer = sb.api(
            "GET",
            path,
            as_member=None if as_staff else "FUZZ",
            as_staff=as_staff,
            query=query or None,
        )
        check_answer(status, answer)
        if member != "FUZZ" and not as_staff:
            assert status >= 400
    status, answer = sb.api("POST", f"/members/{m}/audits/{c}/submit", as_member="FUZZ")
    check_answer(status, answer)
    assert status >= 400


# ---------------------------------------------------------------- recertification (R28-R33)

recert_activity = st.fixed_dictionaries(
    {
        "category": st.sampled_from(["PROFESSIONAL_EDUCATION", "EMPLOYMENT", "KNITTING"]),
        "title": st.text(min_size=1, max_size=30),
        "completedOn": st.dates(date(2022, 1, 1), date(2026, 2, 1)).map(date.isoformat),
        "quantity": st.decimals(min_value="0.25", max_value=40, places=2).map(float),
        "unit": st.sampled_from(["CONTACT_HOUR", "CEU", "MONTH"]),
        "qualifies": st.sampled_from(["JOB_PERFORMANCE", "HEALTHCARE_KNOWLEDGE"]),
    }
)
recertification_bodies = mutated(
    st.fixed_dictionaries(
        {
            "certificateNumber": st.sampled_from(["RMA-FUZZRR", "RMA-FUZZ", "RMA-NOPE"]),
            "route": st.sampled_from(["CCP", "EXAM", "BOTH"]),
            "felonyConviction": st.booleans(),
            "attestation": st.fixed_dictionaries({"signedName": free_text, "signedOn": date_like}),
        },
        optional={
            "felonyExplanation": st.text(max_size=40) | hostile_text,
            "activities": st.lists(recert_activity, max_size=3),
            "eligibility": eligibility_answers,
        },
    ),
    {
        "certificateNumber": json_values,
        "route": json_values,
        "felonyConviction": json_values,
        "felonyExplanation": json_values,
        "attestation": json_values,
        "activities": json_values,
        "eligibility": json_values,
    },
)
felony_bodies = mutated(
    st.fixed_dictionaries(
        {"decision": st.sampled_from(["CLEARED", "DENIED", "MAYBE"]), "reason": st.text()}
    ),
    {"decision": json_values, "reason": json_values},
)
staff_decision_bodies = mutated(
    st.fixed_dictionaries(
        {"decision": st.sampled_from(["APPROVE", "REJECT", "DEFER"])},
        optional={"reasons": st.lists(st.text(max_size=20), max_size=3)},
    ),
    {"decision": json_values, "reasons": json_values},
)
application_ids = st.sampled_from(["RC0000000000000000", "RC-NOPE"]) | path_text


def open_applications(sb: Sandbox) -> list[str]:
    """The ids of FUZZRR's open applications (created by the fuzzing itself)."""
    from staycertified.store.members import load_member

    record = load_member(sb.table, "FUZZRR")
    assert record is not None
    return [a.application_id for c in record.certifications for a in c.applications if a.is_open]


@FUZZ
@given(body=recertification_bodies)
def test_recertification_application_never_5xx_and_never_accepts_an_invalid_body(
    sb: Sandbox, body: Any
) -> None:
    """R28: whatever the member sends, a stable refusal or one application (never two)."""
    status, answer = sb.api("POST", "/members/FUZZRR/recertifications", body, as_member="FUZZRR")
    check_answer(status, answer)
    if not is_valid("RecertificationIn", body):
        assert status >= 400, (body, answer)
    if status == 201:
        assert set(answer) >= {"applicationId", "status", "fee", "missing", "history"}
        assert answer["status"] == "DRAFT" and answer["fee"]["invoiceId"]
    status, answer = sb.api("POST", "/members/FUZZ/recertifications", body, as_member="FUZZ")
    check_answer(status, answer)
    assert status >= 400  # FUZZ is ACTIVE: never an application (R28)
    assert len(open_applications(sb)) <= 1  # one open application per certification (R28)


@FUZZ
@given(
    member=st.sampled_from(["FUZZRR", "FUZZ"]) | path_text,
    application=application_ids,
    query=st.dictionaries(
        st.sampled_from(["status", "limit", "cursor"]),
        st.sampled_from(["DRAFT", "INCOMPLETE", "NOPE", "0", "500", "{}", '{"PK": 1}'])
        | st.text(max_size=12),
        max_size=3,
    ),
)
def test_recertification_reads_and_submit_never_5xx(
    sb: Sandbox, member: str, application: str, query: dict[str, str]
) -> None:
    m, a = quote(member, safe=""), quote(application, safe="")
    status, answer = sb.api("GET", f"/members/{m}/recertifications/{a}", as_member="FUZZRR")
    check_answer(status, answer)
    assert status >= 400  # no such application (or not this member's)
    status, answer = sb.api("POST", f"/members/{m}/recertifications/{a}/submit", as_member="FUZZ")
    check_answer(status, answer)
    assert status >= 400
    status, answer = sb.api("GET", "/staff/recertifications", as_staff=True, query=query or None)
    check_answer(status, answer)
    if status == 200:
        assert set(answer) == {"applications", "nextCursor"}
    status, answer = sb.api("GET", "/staff/recertifications", as_member="FUZZ", query=query)
    check_answer(status, answer)
    assert status >= 400  # staff only
    status, answer = sb.api("GET", f"/staff/recertifications/{a}", as_staff=True)
    check_answer(status, answer)
    assert status >= 400


@FUZZ
@given(application=application_ids, felony=felony_bodies, decision=staff_decision_bodies)
def test_recertification_staff_decisions_never_5xx_and_never_accept_an_invalid_body(
    sb: Sandbox, application: str, felony: Any, decision: Any
) -> None:
    """R30, R32: staff decisions on no waiting review are refused, whatever the body."""
    segment = quote(application, safe="")
    for route, body, component in (
        ("felony-review", felony, "FelonyReviewIn"),
        ("decision", decision, "StaffDecisionIn"),
    ):
        path = f"/staff/recertifications/{segment}/{route}"
        status, answer = sb.api("POST", path, body, as_staff=True)
        check_answer(status, answer)
        if not is_valid(component, body):
            assert status >= 400, (body, answer)
        assert status >= 400  # nothing is waiting for a decision here
        status, answer = sb.api("POST", path, body, as_member="FUZZ")
        check_answer(status, answer)
        assert status >= 400  # only staff decide


def exam_signed(sb: Sandbox, raw: str, stamp: int | None = None) -> dict[str, str]:
    """The exam vendor's headers for `raw` (HMAC over "<timestamp>.<body>")."""
    from staycertified.payments.signature import sign

    secret_id = sb.functions["ExamResultsWebhookFunction"].environment["EXAM_SECRET_ID"]
    secret = sb.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    stamp = int(sb.now.timestamp()) if stamp is None else stamp
    return {"X-Exam-Timestamp": str(stamp), "X-Exam-Signature": sign(secret, stamp, raw)}


exam_bodies = mutated(
    st.fixed_dictionaries(
        {
            "authorizationId": st.sampled_from(["EXA0000", "EXA-NOPE"]) | st.text(max_size=20),
            "attemptId": st.text(min_size=1, max_size=20),
            "result": st.sampled_from(["PASS", "FAIL", "ABSENT"]),
            "takenOn": date_like,
        }
    ),
    {
        "authorizationId": json_values,
        "attemptId": json_values,
        "result": json_values,
        "takenOn": date_like | json_values,
    },
)


@FUZZ
@given(
    body=exam_bodies,
    signing=st.sampled_from(["signed", "unsigned", "stale", "garbled"]),
    raw_text=st.none() | st.text(max_size=40),
)
def test_exam_webhook_never_5xx_and_refusals_write_nothing(
    sb: Sandbox, body: Any, signing: str, raw_text: str | None
) -> None:
    """R31: the vendor's webhook, whatever arrives; no authorisation exists here, so
    every call is refused, and a refusal writes nothing."""
    from .renewal_support import table_items

    raw = raw_text if raw_text is not None else json.dumps(body)
    headers = {"Content-Type": "application/json"}
    if signing == "signed":
        headers |= exam_signed(sb, raw)
    elif signing == "stale":
        headers |= exam_signed(sb, raw, int(sb.now.timestamp()) - 3600)
    elif signing == "garbled":
        headers |= {"X-Exam-Timestamp": "soon", "X-Exam-Signature": "v1=zz"}
    before = table_items(sb)
    status, answer = sb.api("POST", "/exam-results/webhook", raw, headers=headers)
    assert status < 500, answer
    assert status >= 400 and set(answer) >= {"code", "message"}, answer
    if signing != "signed":
        assert status == 401, answer
    assert table_items(sb) == before


# ---------------------------------------------------------------- hostile raw bodies (issue 10)


def template_routes() -> list[Route]:
    return routes_from_template(
        translate(DEFAULT_TEMPLATE, "staycertified", "us-east-1", ACCOUNT, {})
    )


ROUTES = template_routes()


def webhook_headers(sb: Sandbox, raw: bytes) -> dict[str, str]:
    """Signed as the payment provider and as the exam vendor: each webhook reads its own."""
    from staycertified.payments.signature import sign

    secrets = sb.client("secretsmanager")
    stamp = int(sb.now.timestamp())
    headers = {"Content-Type": "application/json"}
    for prefix, function, variable in (
        ("Payment", "PaymentWebhookFunction", "PAYMENT_SECRET_ID"),
        ("Exam", "ExamResultsWebhookFunction", "EXAM_SECRET_ID"),
    ):
        secret_id = sb.functions[function].environment[variable]
        secret = secrets.get_secret_value(SecretId=secret_id)["SecretString"]
        headers[f"X-{prefix}-Timestamp"] = str(stamp)
        headers[f"X-{prefix}-Signature"] = sign(secret, stamp, raw)
    return headers


@settings(FUZZ, max_examples=80)
@given(route=st.sampled_from(ROUTES), raw=raw_hostile_bodies())
def test_hostile_raw_bodies_answer_400_with_a_body_code_on_every_route(
    sb: Sandbox, route: Route, raw: str | bytes
) -> None:
    """Issue 10, item 6: whatever the route (from the template), a body that is not
    plain, bounded JSON is a 400 with its code, and writes nothing."""
    from staycertified.body import CODES

    from .renewal_support import table_items

    path = re.sub(r"\{[^}]+\}", "FUZZ", route.path)
    data = raw if isinstance(raw, bytes) else raw.encode()
    before = table_items(sb)
    status, answer = sb.api(
        route.method,
        path,
        raw,
        as_staff=True,
        as_platform=True,
        headers=webhook_headers(sb, data),
    )
    codes = {*CODES, "VALIDATION_FAILED"} - {"BODY_NOT_JSON"}  # malformed: VALIDATION_FAILED
    assert (status, answer.get("code")) in {(400, code) for code in codes}, (route, answer)
    assert table_items(sb) == before

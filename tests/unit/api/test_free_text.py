"""Free text members send (issue 10, item 6): normalised (NFC, whitespace collapsed,
bounded after that) or refused with a stable code, never stored as given:
TEXT_NOT_PRINTABLE for control, bidi-override and invisible format characters,
TEXT_BLANK for text with nothing visible. Real names stay as typed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .support import answer, function_module, http_event, load_rows, member_row

TODAY = date(2026, 1, 20)
api = function_module("api")

HOSTILE = {
    "nul": "Infection\x00control",
    "ansi_escape": "\x1b[31mInfection control\x1b[0m",
    "cr_lf": "Infection control\r\nX-Injected: yes",
    "rtl_override": "Infection \u202econtrol.exe",
    "bidi_isolate": "Infection \u2066control\u2069",
    "zero_width_only": "\u200b\u200b\u200b",
    "byte_order_mark": "\ufeffInfection control",
    "line_separator": "Infection\u2028control",
}
NAMES = [
    "Zoë O'Brien-Smith",
    "José Ñúñez",
    "Łukasz Żółć",
    "Nguyễn Thị Minh Khai",
    "D’Arcy Saint-Exupéry",
    "李小龙",
    "محمد\u200cرضا",  # ZWNJ belongs to the Persian name
    "Ana 👩\u200d⚕️",  # ZWJ emoji sequence
]


ATTESTATION = {
    "pointsByCategory": {"PROFESSIONAL_EDUCATION": 20, "EMPLOYMENT": 10},
    "affirmed": True,
}


def call(table: Any, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("member", "M1")
    return answer(api.handle(http_event(method, path, **kwargs), None, table=table))


def education(**overrides: Any) -> dict[str, Any]:
    return {
        "category": "PROFESSIONAL_EDUCATION",
        "title": "Infection control",
        "completedOn": "2026-01-10",
        "quantity": 2,
        "unit": "CONTACT_HOUR",
        "qualifies": "JOB_PERFORMANCE",
    } | overrides


def stored_items(table: Any) -> list[dict[str, Any]]:
    return sorted(table.scan()["Items"], key=lambda item: (item["PK"], item["SK"]))


@pytest.fixture
def member(table: Any) -> Any:
    load_rows(table, [member_row("M1")], TODAY)
    return table


# ---------------------------------------------------------------- through the routes


def test_activity_title_and_provider_with_hostile_characters_are_refused_and_not_stored(
    member: Any,
) -> None:
    code = "TEXT_NOT_PRINTABLE"
    before = stored_items(member)
    for hostile in HOSTILE.values():
        for field in ("title", "provider"):
            body = education(**{field: hostile})
            status, answer_ = call(member, "POST", "/members/M1/activities", body=body)
            assert (status, answer_["code"]) == (400, code), (hostile, answer_)
            assert [e["code"] for e in answer_["errors"]] == [code]
            assert answer_["errors"][0]["message"].startswith(f"body.{field}:")
    assert stored_items(member) == before


def test_text_with_nothing_visible_is_blank(member: Any) -> None:
    table = member
    status, body = call(table, "POST", "/members/M1/activities", body=education(title="\u200d"))
    assert (status, body["code"]) == (400, "TEXT_BLANK"), body
    status, body = call(table, "POST", "/members/M1/activities", body=education(title=" \t "))
    assert status == 400, body  # nothing left: too short


def test_attestation_signature_with_hostile_characters_is_refused(member: Any) -> None:
    before = stored_items(member)
    for hostile in HOSTILE.values():
        body = {**ATTESTATION, "signedBy": hostile}
        status, answer_ = call(member, "POST", "/members/M1/attestations", body=body)
        assert status == 400 and answer_["code"] == "TEXT_NOT_PRINTABLE", answer_
    assert stored_items(member) == before


def test_contact_details_with_hostile_characters_are_refused(member: Any) -> None:
    address = {"line1": "1 Main St", "city": "Springfield", "state": "IL", "postalCode": "62701"}
    before = stored_items(member)
    for hostile in HOSTILE.values():
        for change in (
            {"address": address | {"line1": hostile}},
            {"address": address | {"city": hostile}},
            {"email": f"ada{hostile}@example.org"},
        ):
            status, answer_ = call(member, "PATCH", "/members/M1/contact", body=change)
            assert 400 <= status < 500, (change, answer_)
    assert stored_items(member) == before


def test_titles_are_stored_nfc_with_whitespace_collapsed(member: Any) -> None:
    table = member
    title = "  Cafe\u0301   infection\tcontrol  "  # e + combining acute
    status, body = call(table, "POST", "/members/M1/activities", body=education(title=title))
    assert status == 201, body
    assert body["title"] == "Café infection control"
    _, listed = call(table, "GET", "/members/M1/activities", query={"cycle": "all"})
    assert [a["title"] for a in listed["activities"]] == ["Café infection control"]


def test_the_length_bound_applies_to_the_normalised_title(member: Any) -> None:
    table = member
    padded = "a" + " " * 400 + "b"  # 402 characters as sent, "a b" as stored
    status, body = call(table, "POST", "/members/M1/activities", body=education(title=padded))
    assert (status, body["title"]) == (201, "a b"), body
    status, body = call(table, "POST", "/members/M1/activities", body=education(title="x" * 301))
    assert status == 400, body


def test_real_names_are_kept_as_typed(member: Any) -> None:
    from staycertified.text import normalise

    for name in NAMES:
        assert normalise(name) == name
        body = education(title=name, provider=name)
        status, answer_ = call(member, "POST", "/members/M1/activities", body=body)
        assert (status, answer_["title"], answer_["provider"]) == (201, name, name)
    body = {**ATTESTATION, "signedBy": NAMES[0]}
    status, answer_ = call(member, "POST", "/members/M1/attestations", body=body)
    assert status == 201, answer_


def test_markup_is_stored_as_text_the_pages_escape_it(member: Any) -> None:
    table = member
    """Decision: `<script>` is text like any other (Preact/htm escape every value;
    no page sets innerHTML); refusing it would refuse "Using <HTML> forms"."""
    title = "<script>alert(1)</script>"
    status, body = call(table, "POST", "/members/M1/activities", body=education(title=title))
    assert (status, body["title"]) == (201, title)


# ---------------------------------------------------------------- the models and the function


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_recertification_signed_name_and_felony_explanation_are_refused(name: str) -> None:
    from pydantic import ValidationError

    from staycertified.api.recertification import RecertificationIn

    def body(**overrides: Any) -> dict[str, Any]:
        return {
            "certificateNumber": "RMA-M1",
            "route": "CCP",
            "felonyConviction": True,
            "felonyExplanation": "A misdemeanour in 2001,\nreclassified in 2003.",
            "attestation": {"signedName": "Ada Lovelace", "signedOn": "2026-01-10"},
        } | overrides

    kept = RecertificationIn.model_validate(body())
    assert kept.felony_explanation == "A misdemeanour in 2001,\nreclassified in 2003."
    for hostile in (
        body(attestation={"signedName": HOSTILE[name], "signedOn": "2026-01-10"}),
        body(felonyExplanation=HOSTILE[name].replace("\r\n", "\x07")),  # CR/LF is a line break
    ):
        with pytest.raises(ValidationError) as refused:
            RecertificationIn.model_validate(hostile)
        assert {e["type"] for e in refused.value.errors()} == {"TEXT_NOT_PRINTABLE"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_normalise_refuses_control_and_invisible_characters(name: str) -> None:
    from staycertified.text import TextRefused, normalise

    with pytest.raises(TextRefused) as refused:
        normalise(HOSTILE[name])
    assert refused.value.code == "TEXT_NOT_PRINTABLE"


def test_normalise_keeps_line_breaks_of_paragraphs_only() -> None:
    from staycertified.text import TextRefused, normalise

    assert normalise(" First  line\r\n\r\n\r\n\r\n  second\rthird ", multiline=True) == (
        "First line\n\nsecond\nthird"
    )
    with pytest.raises(TextRefused):
        normalise("one\ntwo")
    assert normalise("e\u0301") == "é"
    assert normalise("\u00a0a\u3000b\u2003") == "a b"

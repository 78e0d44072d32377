"""The OpenAPI document: generated from the routes, committed, served publicly."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from staycertified.api.resolver import openapi_document

from .support import ROOT, answer, function_module, http_event

api = function_module("api")


def test_committed_document_equals_the_generated_one() -> None:
    committed = (ROOT / "docs" / "openapi.json").read_text()
    assert committed == openapi_document(), (
        "run: python -m staycertified.api.openapi > docs/openapi.json"
    )


def test_document_lists_every_route_of_the_template() -> None:
    paths = json.loads(openapi_document())["paths"]
    assert set(paths) == {
        "/members/{memberId}/status",
        "/members/{memberId}/activities",
        "/members/{memberId}/attestations",
        "/members/{memberId}/invoices",
        "/staff/invoices/{invoiceId}/payments",
        "/verify/{certificateNumber}",
    }


def test_document_is_served_without_a_token(table: Any) -> None:
    event = http_event("GET", "/openapi.json", today=date(2026, 1, 1))
    status, body = answer(api.handle(event, None, table=table))
    assert status == 200
    assert body["info"]["title"] == "Stay Certified API"

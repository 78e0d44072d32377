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


def template_routes() -> set[tuple[str, str]]:
    """Every HTTP route of template.yaml, as (METHOD, path)."""
    from staycertified_sandbox.template import load_template

    sam = load_template(ROOT / "template.yaml")
    return {
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for resource in sam["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
        for event in resource["Properties"].get("Events", {}).values()
        if event["Type"] == "HttpApi"
    }


def test_document_lists_every_route_of_the_template() -> None:
    paths = json.loads(openapi_document())["paths"]
    documented = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    routes = template_routes() - {("GET", "/openapi.json")}  # the document itself
    assert ("POST", "/payments/webhook") in routes
    assert documented == routes
    assert ("POST", "/eligibility/{certificationType}") in routes


def test_document_is_served_without_a_token(table: Any) -> None:
    event = http_event("GET", "/openapi.json", today=date(2026, 1, 1))
    status, body = answer(api.handle(event, None, table=table))
    assert status == 200
    assert body["info"]["title"] == "Stay Certified API"

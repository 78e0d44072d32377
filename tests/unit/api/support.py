"""Helpers of the API unit tests: HTTP API v2 events, function modules, member rows."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def http_event(
    method: str,
    path: str,
    *,
    today: date,
    body: Any = None,
    member: str | None = None,
    staff: bool = False,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event with JWT authorizer claims."""
    if claims is None:
        claims = {}
        if member:
            claims["custom:member_id"] = member
        if staff:
            claims["cognito:groups"] = "[staff]"
    noon = datetime.combine(today, time(18, 0), tzinfo=UTC)  # midday in Chicago
    context: dict[str, Any] = {
        "http": {
            "method": method,
            "path": path,
            "sourceIp": "198.51.100.7",
            "protocol": "HTTP/1.1",
        },
        "stage": "$default",
        "requestId": "req-1",
        "timeEpoch": int(noon.timestamp() * 1000),
    }
    if claims:
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "queryStringParameters": query,
        "requestContext": context,
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def function_module(name: str) -> Any:
    """functions/<name>/app.py as a module (each Lambda has its own `app`)."""
    import importlib.util

    path = ROOT / "functions" / name / "app.py"
    spec = importlib.util.spec_from_file_location(f"function_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def answer(result: dict[str, Any]) -> tuple[int, Any]:
    body = result.get("body")
    return result["statusCode"], json.loads(body) if body else None


def member_row(member_id: str = "M1", **overrides: Any) -> dict[str, str]:
    """A member import row (the lead's CSV format); one certification."""
    row = {
        "member_id": member_id,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": f"{member_id.lower()}@example.org",
        "address_line1": "1 Main St",
        "address_line2": "",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "country": "US",
        "certification_type": "RMA",
        "certificate_number": f"RMA-{member_id}",
        "certified_on": "2024-03-15",
        "recertified_on": "",
        "paid_through": "",
        "cycle_points": "",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def open_invoice(table: Any, member_id: str = "M1") -> Any:
    """A member certified 2024-03-15 with the open invoice of membership year 2026."""
    from staycertified.domain.invoicing import make_invoice
    from staycertified.policy import load_policy
    from staycertified.store.invoices import create_invoice_once
    from staycertified.store.members import load_member

    load_rows(table, [member_row(member_id, certified_on="2024-03-15")], date(2026, 2, 1))
    record = load_member(table, member_id)
    assert record is not None
    issued = make_invoice(
        record.certifications[0].certification, 2026, date(2026, 2, 1), load_policy()
    )
    assert create_invoice_once(table, issued)
    return issued


def signed_webhook_event(
    body: str, *, today: date, secret: str, base64_body: bool = False
) -> dict[str, Any]:
    """The payment provider's call: X-Payment-Timestamp (the request time) and signature."""
    import base64

    from staycertified.payments.signature import sign

    event = http_event("POST", "/payments/webhook", today=today)
    stamp = event["requestContext"]["timeEpoch"] // 1000
    event["headers"] = {
        "x-payment-timestamp": str(stamp),
        "x-payment-signature": sign(secret, stamp, body),
        "content-type": "application/json",
    }
    event["body"] = base64.b64encode(body.encode()).decode() if base64_body else body
    event["isBase64Encoded"] = base64_body
    return event


def load_rows(table: Any, rows: list[dict[str, str]], today: date) -> None:
    from staycertified.store.importer import import_members

    report = import_members(rows, table=table, today=today)
    assert not report.errors, report.errors

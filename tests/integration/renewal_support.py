"""Helpers of the renewal and payment integration tests (sandbox)."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from staycertified.payments.signature import sign

RENEWAL_KINDS = ("RENEWAL_NOTICE", "REMINDER", "PAST_DUE")


def row(
    member_id: str,
    certificate_number: str,
    cert_type: str,
    certified_on: str,
    *,
    email: bool = True,
    address: bool = True,
) -> dict[str, str]:
    return {
        "member_id": member_id,
        "first_name": "Test",
        "last_name": f"Member{member_id}",
        "email": f"{member_id.lower()}@example.com" if email else "",
        "address_line1": f"{member_id[-3:]} Oak St" if address else "",
        "address_line2": "",
        "city": "Springfield" if address else "",
        "state": "IL" if address else "",
        "postal_code": "62701" if address else "",
        "country": "US",
        "certification_type": cert_type,
        "certificate_number": certificate_number,
        "certified_on": certified_on,
        "recertified_on": "",
        "paid_through": "",
        "cycle_points": "50",
    }


def renewal_emails(sb: Any) -> Counter[tuple[str, str | None]]:
    """(recipient, kind) -> how many renewal emails went."""
    return Counter((e.to[0], e.kind) for e in sb.emails if e.kind in RENEWAL_KINDS)


def renewal_letters(sb: Any) -> list[Any]:
    return [letter for letter in sb.letters if letter.kind in RENEWAL_KINDS]


def invoke(sb: Any, logical_id: str, event: Any) -> Any:
    answer = sb.client("lambda").invoke(
        FunctionName=sb.functions[logical_id].name, Payload=json.dumps(event).encode()
    )
    payload = json.loads(answer["Payload"].read() or b"null")
    assert not answer.get("FunctionError"), payload
    return payload


def webhook(
    sb: Any,
    body: dict[str, Any] | str,
    *,
    skew: int = 0,
    secret: str | None = None,
    tamper: bool = False,
) -> tuple[int, Any]:
    raw = body if isinstance(body, str) else json.dumps(body)
    if secret is None:
        secret = sb.client("secretsmanager").get_secret_value(SecretId=sb.env("PAYMENT_SECRET_ID"))[
            "SecretString"
        ]
    stamp = int(sb.now.timestamp()) + skew
    signed = sign(secret, stamp, raw)
    if tamper:
        raw = raw.replace("50.00", "5.00")
    headers = {
        "X-Payment-Timestamp": str(stamp),
        "X-Payment-Signature": signed,
        "Content-Type": "application/json",
    }
    return sb.api("POST", "/payments/webhook", raw, headers=headers)


def table_items(sb: Any) -> list[dict[str, Any]]:
    items = []
    for page in sb.table.meta.client.get_paginator("scan").paginate(TableName=sb.table.name):
        items.extend(page["Items"])
    return sorted(items, key=lambda i: (i["PK"], i["SK"]))


def run_report(sb: Any, run_id: str) -> dict[str, Any]:
    body = sb.client("s3").get_object(
        Bucket=sb.env("MAIL_BUCKET"), Key=f"runs/{run_id}/report.json"
    )
    return json.loads(body["Body"].read())


def wait(sb: Any) -> None:
    time.sleep(0.05)
    sb.wait_for_executions()


def rerun_month(sb: Any, run_month: str, rerun: str) -> dict[str, Any]:
    """A fresh manual start of the month (run id ``renewals-<month>-<rerun>``), waited for."""
    answer = invoke(
        sb, "StartRunFunction", {"workflow": "renewals", "runMonth": run_month, "rerun": rerun}
    )
    sb.wait_for_executions()
    return dict(answer)

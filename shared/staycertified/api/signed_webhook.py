"""What the signed webhooks share (the payment provider's, `api.payment_webhook`, and the
exam vendor's, `api.exam_webhook`): one Powertools resolver each, the request
time as "now" (R40), the raw bytes checked against an HMAC signature before they are
read as bounded JSON (`staycertified.body`), the secret from Powertools Parameters with one
forced refetch on a mismatch (rotation), and the request body's schema added to the
OpenAPI document (the route reads the raw body, so Powertools cannot see it).

Each webhook names its `Signing` (its two headers, the env var holding its secret's
id, its rejection metric) and does its own work with the verified bytes:

    call = signed_call(app, SIGNING)
    if not isinstance(call, SignedCall):
        return call  # 400 / 401 answered, nothing read
    ... call.data (the JSON body), call.now (the request time)
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

JSON = "application/json"
Register = Callable[["APIGatewayHttpResolver"], None]


@dataclass(frozen=True)
class Signing:
    timestamp_header: str  # lower case, e.g. "x-payment-timestamp"
    signature_header: str
    secret_env: str  # the env var naming the secret (Secrets Manager id)
    rejected_metric: str  # counted on every refused signature
    name: str  # for the log line: "payment webhook", "exam webhook"


@dataclass(frozen=True)
class SignedCall:
    data: Any  # the body, verified, as bounded JSON
    now: datetime  # the request time


def answer(status: int, body: dict[str, Any]) -> Response[Any]:
    from aws_lambda_powertools.event_handler import Response

    return Response(status, JSON, json.dumps(body))


def request_time(app: APIGatewayHttpResolver) -> datetime | None:
    """API Gateway's request time (R40: "now" of a webhook call)."""
    epoch_ms = (app.current_event.raw_event.get("requestContext") or {}).get("timeEpoch")
    if not isinstance(epoch_ms, int | float):
        return None
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def verify(
    signing: Signing, headers: dict[str, str], body: bytes, now_epoch: float, secret: str | None
) -> None:
    """With `secret` when a test hands one in; else with the cached secret and, on a
    mismatch, once more with a fresh one (a rotation). Raises SignatureError."""
    from staycertified.payments import signature

    def check(key: str) -> None:
        signature.verify(
            secret=key,
            headers=headers,
            body=body,
            now_epoch=now_epoch,
            timestamp_header=signing.timestamp_header,
            signature_header=signing.signature_header,
        )

    if secret is not None:
        check(secret)
        return
    secret_id = os.environ[signing.secret_env]
    try:
        check(signature.webhook_secret(secret_id))
    except signature.SignatureError as error:
        if error.code != signature.SIGNATURE_INVALID:
            raise
        check(signature.webhook_secret(secret_id, refresh=True))


def signed_call(app: APIGatewayHttpResolver, signing: Signing) -> SignedCall | Response[Any]:
    """The verified body as JSON and the request time, or the 400/401 answer to send."""
    from staycertified import body as request_body
    from staycertified.observability import logger, metrics
    from staycertified.payments import signature

    now = request_time(app)
    if now is None:
        return answer(400, {"code": "VALIDATION_FAILED", "message": "no request time"})
    try:  # the signature is over the bytes sent; they are read as JSON once it holds
        body = request_body.event_bytes(app.current_event.raw_event)
        headers = dict(app.current_event.headers or {})
        try:
            verify(signing, headers, body, now.timestamp(), app.context["secret"])
        except signature.SignatureError as error:
            metrics.add_metric(name=signing.rejected_metric, unit="Count", value=1)
            logger.warning(f"{signing.name} signature refused", extra={"code": error.code})
            return answer(401, {"code": error.code, "message": error.message})
        return SignedCall(data=request_body.loads(body), now=now)
    except request_body.BodyRefused as refused:
        return answer(400, {"code": request_body.answer_code(refused), "message": refused.message})


@functools.cache
def resolver(register: Register) -> APIGatewayHttpResolver:
    """One resolver per webhook (the API's base resolver, its one route registered)."""
    from staycertified.api.routing import _base_resolver

    app = _base_resolver()
    register(app)
    return app


def handle(
    register: Register, event: dict[str, Any], context: Any, *, table: Any, secret: str | None
) -> dict[str, Any]:
    """Resolves one call; the table and the secret may be handed in by a test."""
    if table is None:
        from staycertified import config

        table = config.table()
    app = resolver(register)
    app.append_context(table=table, secret=secret)
    return app.resolve(event, context)


def document_body(document: dict[str, Any], path: str, name: str, schema: dict[str, Any]) -> None:
    """`schema` as the request body of the webhook's operation at `path`."""
    document.setdefault("components", {}).setdefault("schemas", {})[name] = schema
    document["paths"][path]["post"]["requestBody"] = {
        "required": True,
        "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }

"""Webhook signatures of the payment provider (R6).

The provider signs every webhook call with a shared secret (Secrets Manager,
secret id in the env var ``PAYMENT_SECRET_ID``) and sends two headers:

- ``X-Payment-Timestamp``: the Unix time (seconds) at which it signed;
- ``X-Payment-Signature``: ``v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>``
  (several ``v1=`` values separated by commas are accepted, for key rotation).

A call is accepted when one signature matches (constant-time compare) and the
timestamp is within ``TOLERANCE_SECONDS`` (300 s) of the request time, which
comes from the request (API Gateway's ``requestContext.timeEpoch``, R40), never
from the function's clock.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

TIMESTAMP_HEADER = "x-payment-timestamp"
SIGNATURE_HEADER = "x-payment-signature"
SCHEME = "v1"
TOLERANCE_SECONDS = 300
SECRET_TTL_SECONDS = 300

# Stable codes of a refused signature.
SIGNATURE_MISSING = "SIGNATURE_MISSING"
SIGNATURE_INVALID = "SIGNATURE_INVALID"
TIMESTAMP_OUT_OF_TOLERANCE = "TIMESTAMP_OUT_OF_TOLERANCE"


class SignatureError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def sign(secret: str, timestamp: int, body: bytes | str) -> str:
    """The ``X-Payment-Signature`` value for a body (used by the provider, and by tests)."""
    raw = body.encode() if isinstance(body, str) else body
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def verify(
    *,
    secret: str,
    headers: Mapping[str, str],
    body: bytes | str,
    now_epoch: float,
    timestamp_header: str = TIMESTAMP_HEADER,
    signature_header: str = SIGNATURE_HEADER,
) -> int:
    """Checks the signature; returns the signed timestamp or raises SignatureError.
    Another signed webhook (the exam vendor's) names its own two headers."""
    lowered = {k.lower(): v for k, v in headers.items()}
    stamp = lowered.get(timestamp_header)
    given = lowered.get(signature_header)
    if not stamp or not given:
        raise SignatureError(SIGNATURE_MISSING, "signature headers are missing")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError(SIGNATURE_INVALID, "timestamp is not an integer") from None
    if abs(now_epoch - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError(TIMESTAMP_OUT_OF_TOLERANCE, "timestamp outside the tolerance")
    expected = sign(secret, timestamp, body)
    candidates = [part.strip() for part in given.split(",")]
    # compare_digest against every candidate: no early exit on the first mismatch.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(candidate.encode(), expected.encode())
    if not matched:
        raise SignatureError(SIGNATURE_INVALID, "signature does not match")
    return timestamp


_provider: Any = None
# Finding 8: a bad signature may follow a rotation, so it may refetch the secret, but at
# most once per interval: unauthenticated callers cannot drive Secrets Manager calls.
REFETCH_MIN_INTERVAL_SECONDS = 60.0
_last_refetch = float("-inf")


def webhook_secret(
    secret_id: str | None = None, *, client: Any = None, refresh: bool = False
) -> str:
    """The shared secret (Powertools Parameters' Secrets Manager provider), cached for
    SECRET_TTL_SECONDS per process; ``refresh`` fetches it again (to follow a rotation), at
    most once per REFETCH_MIN_INTERVAL_SECONDS (finding 8)."""
    global _provider, _last_refetch
    import time

    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    if client is None:
        from staycertified.aws import secretsmanager

        client = secretsmanager()
    if _provider is None:
        _provider = SecretsProvider(boto3_client=client)
    _provider.client = client
    name = secret_id or os.environ["PAYMENT_SECRET_ID"]
    if refresh:
        now = time.monotonic()
        refresh = now - _last_refetch >= REFETCH_MIN_INTERVAL_SECONDS
        if refresh:
            _last_refetch = now
    return str(_provider.get(name, max_age=SECRET_TTL_SECONDS, force_fetch=refresh))


def forget_secret() -> None:
    """Drops the cached secret and the refetch interval (tests)."""
    global _last_refetch
    _last_refetch = float("-inf")
    if _provider is not None:
        _provider.clear_cache()

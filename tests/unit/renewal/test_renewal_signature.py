"""Webhook signatures (R6): HMAC-SHA256 over "<timestamp>.<body>", 300 s tolerance."""

from __future__ import annotations

import pytest

from staycertified.payments import signature

SECRET = "s3cret-key"
BODY = b'{"paymentId":"pay_1","invoiceId":"INV-RMA-1-2026","amount":"50.00"}'
NOW = 1_790_000_000


def headers(timestamp: int, value: str) -> dict[str, str]:
    return {"X-Payment-Timestamp": str(timestamp), "X-Payment-Signature": value}


def test_r6_given_a_body_signed_with_the_secret_when_verified_then_accepted() -> None:
    signed = signature.sign(SECRET, NOW, BODY)
    assert (
        signature.verify(
            secret=SECRET, headers=headers(NOW, signed), body=BODY, now_epoch=NOW + 299
        )
        == NOW
    )


def test_r6_given_a_rotated_key_when_one_of_several_signatures_matches_then_accepted() -> None:
    value = f"v1=deadbeef,{signature.sign(SECRET, NOW, BODY)}"
    assert signature.verify(secret=SECRET, headers=headers(NOW, value), body=BODY, now_epoch=NOW)


@pytest.mark.parametrize("skew", [301, -301, 10_000])
def test_r6_given_a_stale_or_future_timestamp_when_verified_then_refused(skew: int) -> None:
    signed = signature.sign(SECRET, NOW, BODY)
    with pytest.raises(signature.SignatureError) as refused:
        signature.verify(
            secret=SECRET, headers=headers(NOW, signed), body=BODY, now_epoch=NOW + skew
        )
    assert refused.value.code == signature.TIMESTAMP_OUT_OF_TOLERANCE


@pytest.mark.parametrize(
    ("secret", "body", "stamp"),
    [("other-secret", BODY, NOW), (SECRET, BODY + b" ", NOW), (SECRET, BODY, NOW + 1)],
    ids=["wrong secret", "body changed", "timestamp changed"],
)
def test_r6_given_a_signature_that_does_not_match_when_verified_then_signature_invalid(
    secret: str, body: bytes, stamp: int
) -> None:
    signed = signature.sign(secret, NOW, BODY)
    with pytest.raises(signature.SignatureError) as refused:
        signature.verify(secret=SECRET, headers=headers(stamp, signed), body=body, now_epoch=NOW)
    assert refused.value.code == signature.SIGNATURE_INVALID


def test_r6_given_no_signature_headers_when_verified_then_signature_missing() -> None:
    with pytest.raises(signature.SignatureError) as refused:
        signature.verify(secret=SECRET, headers={}, body=BODY, now_epoch=NOW)
    assert refused.value.code == signature.SIGNATURE_MISSING


def test_the_secret_is_read_once_and_cached() -> None:
    calls: list[str] = []

    class Fake:
        def get_secret_value(self, SecretId: str) -> dict[str, str]:
            calls.append(SecretId)
            return {"SecretString": "abc"}

    signature.forget_secret()
    try:
        assert signature.webhook_secret("id-1", client=Fake()) == "abc"
        assert signature.webhook_secret("id-1", client=Fake()) == "abc"
    finally:
        signature.forget_secret()
    assert calls == ["id-1"]


def test_r6_a_refresh_fetches_the_rotated_secret_once_more() -> None:
    values = iter(["old", "new"])

    class Rotating:
        def get_secret_value(self, SecretId: str) -> dict[str, str]:
            return {"SecretString": next(values)}

    signature.forget_secret()
    try:
        assert signature.webhook_secret("id-2", client=Rotating()) == "old"
        assert signature.webhook_secret("id-2", client=Rotating(), refresh=True) == "new"
        assert signature.webhook_secret("id-2", client=Rotating()) == "new"
    finally:
        signature.forget_secret()


def test_bad_signatures_refetch_the_secret_at_most_once_per_interval_finding_8() -> None:
    calls: list[str] = []

    class Counting:
        def get_secret_value(self, SecretId: str) -> dict[str, str]:
            calls.append(SecretId)
            return {"SecretString": "abc"}

    signature.forget_secret()
    try:
        signature.webhook_secret("id-3", client=Counting())
        for _ in range(20):  # what 20 badly signed webhook calls ask for
            signature.webhook_secret("id-3", client=Counting(), refresh=True)
    finally:
        signature.forget_secret()
    assert len(calls) == 2  # the first read, and one refetch to follow a rotation

"""The sandbox reads each sent email once, and never answers for one message with another.

Every sandbox seeds moto's random generator alike (stable resource names), so a later
sandbox's SES message ids repeat an earlier one's: a cache keyed by the id made a test
read the previous sandbox's emails (x000@example.com instead of k000@example.com).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from staycertified_sandbox import mail


@dataclass
class _Sent:
    """moto's SES message, as the sandbox reads it."""

    id: str
    source: str
    destinations: dict[str, list[str]] = field(default_factory=dict)
    subject: str = ""
    body: str = ""


def test_two_messages_with_one_id_are_read_apart() -> None:
    first = _Sent("same-id", "renewals@example.org", {"ToAddresses": ["x000@example.com"]})
    later = _Sent("same-id", "renewals@example.org", {"ToAddresses": ["k000@example.com"]})
    assert mail._email(first).to == ["x000@example.com"]
    assert mail._email(later).to == ["k000@example.com"]
    assert mail._email(first) is mail._email(first)  # still read once
    mail.forget_parsed()

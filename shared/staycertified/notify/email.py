"""Send an email through Amazon SES (API v2).

One convention, read back by the sandbox (`staycertified_sandbox.mail`):

- the message is sent as **Raw** content: a MIME `multipart/alternative` with
  the text and the HTML versions (SES's Simple content would do the same in
  AWS, but moto keeps only one of the two bodies and drops tags);
- its kind (`renewal_notice`, `reminder`, ...) is in the `X-StayCertified-Kind`
  header, and also an SES message tag `kind` (for SES event publishing in AWS).

The sender defaults to the `SENDER_EMAIL` environment variable, read at call
time. The client is built on first use. Never log the recipient.
"""

from __future__ import annotations

import email.policy
import os
from email.message import EmailMessage
from typing import Any

KIND_HEADER = "X-StayCertified-Kind"


def _sesv2() -> Any:
    from staycertified import aws

    return aws.sesv2()


def build_message(*, sender: str, to: str, subject: str, text: str, html: str, kind: str) -> bytes:
    """The MIME message as SES receives it: Date and Message-ID set (a message
    without them reads as spam to many filters), text and HTML alternatives."""
    from email.utils import formatdate, make_msgid

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message[KIND_HEADER] = kind
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # SMTP line ends; headers unfolded up to the RFC 5322 hard limit (a folded
    # Subject reads back with a leading space in some clients).
    return message.as_bytes(policy=email.policy.SMTP.clone(max_line_length=998))


def send_email(
    *, to: str, subject: str, text: str, html: str, kind: str, sender: str | None = None
) -> str:
    """Send one email; returns the SES message id."""
    source = sender or os.environ["SENDER_EMAIL"]
    raw = build_message(sender=source, to=to, subject=subject, text=text, html=html, kind=kind)
    response = _sesv2().send_email(
        FromEmailAddress=source,
        Content={"Raw": {"Data": raw}},
        EmailTags=[{"Name": "kind", "Value": kind}],
    )
    return response["MessageId"]

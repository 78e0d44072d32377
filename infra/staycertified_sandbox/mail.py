"""What the system sent: emails (from moto's SES backend) and letters (from the mail bucket).

Conventions, shared with `staycertified.notify`:

- an email is sent as SESv2 Raw content, a multipart/alternative text + HTML
  message; its kind travels in the `X-StayCertified-Kind` header;
- a letter is `letters/<key>.pdf` in the mail bucket, metadata `kind` and
  `address` (URL-quoted JSON list of lines).
"""

from __future__ import annotations

import email
import email.header
import email.policy
import json
import re
import shutil
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import unquote

KIND_HEADER = "X-StayCertified-Kind"
LETTERS_PREFIX = "letters/"


@dataclass(frozen=True)
class Email:
    message_id: str
    sender: str
    to: list[str]
    subject: str
    text: str
    html: str
    kind: str | None

    def as_message(self) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(self.to)
        message["Subject"] = self.subject
        message["Message-ID"] = f"<{self.message_id}@sandbox.staycertified>"
        if self.kind:
            message[KIND_HEADER] = self.kind
        message.set_content(self.text or "")
        if self.html:
            message.add_alternative(self.html, subtype="html")
        return message


@dataclass(frozen=True)
class Letter:
    key: str
    address: list[str]
    kind: str | None
    pdf: bytes


def emails_from_backend(account: str, region: str) -> list[Email]:
    return [_email(message) for message in sent_messages(account, region)]


def sent_messages(account: str, region: str) -> list[Any]:
    from moto.ses.models import ses_backends

    return list(ses_backends[account][region].sent_messages)


# A sent message never changes: parse it once. Keyed by the message object, not its id:
# every sandbox seeds moto's random generator alike (stable resource names), so the
# message ids of one sandbox come again in the next (a test read the last sandbox's
# emails). Sandbox.close forgets them.
_PARSED: dict[int, tuple[Any, Email]] = {}


def _email(message: Any) -> Email:
    known = _PARSED.get(id(message))
    if known is None or known[0] is not message:
        known = _PARSED[id(message)] = (message, _parse(message))
    return known[1]


def forget_parsed() -> None:
    _PARSED.clear()


def _parse(message: Any) -> Email:
    if hasattr(message, "raw_data"):
        return _email_from_raw(message.id, message.source, message.raw_data)
    destinations = getattr(message, "destinations", {}) or {}
    body = getattr(message, "body", "") or ""
    is_html = body.lstrip().startswith("<")
    return Email(
        message_id=message.id,
        sender=message.source,
        to=list(destinations.get("ToAddresses", [])),
        subject=getattr(message, "subject", ""),
        text="" if is_html else body,
        html=body if is_html else "",
        kind=None,
    )


def _email_from_raw(message_id: str, source: str, raw: str) -> Email:
    # compat32 parsing: several times faster than policy.default, same content here.
    parsed = email.message_from_string(raw, policy=email.policy.compat32)
    return Email(
        message_id=message_id,
        sender=_header(parsed, "From") or source,
        to=[a.strip() for a in _header(parsed, "To").split(",") if a.strip()],
        subject=_header(parsed, "Subject"),
        text=_part(parsed, "text/plain"),
        html=_part(parsed, "text/html"),
        kind=_header(parsed, KIND_HEADER) or None,
    )


def _header(parsed: Any, name: str) -> str:
    value = parsed.get(name)
    if value is None:
        return ""
    decoded = email.header.make_header(email.header.decode_header(str(value)))
    return " ".join(str(decoded).split())  # unfolded


def _part(parsed: Any, content_type: str) -> str:
    for part in parsed.walk():
        if part.get_content_type() == content_type and not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            return str(payload.decode(part.get_content_charset() or "utf-8"))
    return ""


_READ_LETTERS: dict[tuple[str, str, str], Letter] = {}  # (bucket, key, ETag): read once


def letters_from_bucket(s3: Any, bucket: str) -> list[Letter]:
    """Every letter in the mail bucket; an object already read (same ETag) is not read again."""
    letters = []
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=LETTERS_PREFIX):
        for item in page.get("Contents", []):
            seen = (bucket, item["Key"], item.get("ETag", ""))
            if seen not in _READ_LETTERS:
                _READ_LETTERS[seen] = _read_letter(s3, bucket, item["Key"])
            letters.append(_READ_LETTERS[seen])
    return letters


def _read_letter(s3: Any, bucket: str, key: str) -> Letter:
    stored = s3.get_object(Bucket=bucket, Key=key)
    metadata = stored.get("Metadata", {})
    address = json.loads(unquote(metadata["address"])) if "address" in metadata else []
    return Letter(key=key, address=address, kind=metadata.get("kind"), pdf=stored["Body"].read())


def write_outbox(folder: Path, messages: list[Any], letters: list[Letter]) -> Path:
    """Every email (SES's sent messages) as a .eml file and every letter as a .pdf, in a
    folder a person can open. File names carry a sequence number and the kind, never
    an address. A raw message is written as SES received it (no parse, no rebuild).
    The folder's `emails/` and `letters/` are emptied first: the outbox holds only
    this sandbox's messages (nothing else in the folder is touched)."""
    for sub in ("emails", "letters"):
        if (folder / sub).is_dir():
            shutil.rmtree(folder / sub)
        (folder / sub).mkdir(parents=True)
    for number, message in enumerate(messages, start=1):
        kind, eml = _eml(message)
        (folder / "emails" / f"{number:05d}-{kind or 'email'}.eml").write_bytes(eml)
    for letter in letters:
        relative = letter.key.removeprefix(LETTERS_PREFIX)
        target = folder / "letters" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(letter.pdf)
    return folder


_KIND_LINE = re.compile(
    rb"^" + KIND_HEADER.encode() + rb":[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE
)


def _eml(message: Any) -> tuple[str | None, bytes]:
    raw = getattr(message, "raw_data", None)
    if raw is None:
        sent = _email(message)
        return sent.kind, sent.as_message().as_bytes()
    data = raw.encode() if isinstance(raw, str) else bytes(raw)
    headers = data.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = _KIND_LINE.search(headers)
    return (found.group(1).decode() if found else None), data

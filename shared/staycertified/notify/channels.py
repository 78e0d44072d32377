"""Channel adapters: how a notice is rendered and handed over on each channel.

An adapter knows its channel's template(s) (`notify.render`), its transport
(a callable with real defaults; tests hand fakes) and what the ledger stores
once the message is sent. `ADAPTERS` is the one dispatch table. An adapter reads
of a notice only what `Addressed` names (`notify.outbox.Notice` is one), so the
outbox imports the adapters and not the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from staycertified.domain.model import Channel

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.config import OrganisationProfile
    from staycertified.domain.model import Member
    from staycertified.notify.catalogue import NoticeKind

Transport = Any  # a callable with the channel's keyword arguments; returns an id or a key


class TransientError(Exception):
    """A send stopped on a transient fault (throttling, a timeout) that outlived the
    clients' retries; state machines retry it (Retry on `TransientError`)."""


class Addressed(Protocol):
    """What an adapter reads of the notice it renders and hands over."""

    @property
    def kind(self) -> str: ...

    @property
    def member(self) -> Member: ...

    @property
    def letter_key(self) -> str: ...

    @property
    def letter_date(self) -> str: ...


class ChannelAdapter(Protocol):
    @property
    def channel(self) -> Channel: ...

    def render(self, kind: NoticeKind, notice: Addressed, context: dict[str, Any]) -> Any: ...

    def deliver(self, rendered: Any, notice: Addressed, transport: Transport) -> dict[str, Any]: ...

    def default_transport(self) -> Transport: ...


@dataclass(frozen=True)
class EmailAdapter:
    channel: Channel = Channel.EMAIL

    def render(self, kind: NoticeKind, notice: Addressed, context: dict[str, Any]) -> Any:
        from staycertified.notify.render import render_email

        return render_email(kind, context)

    def deliver(self, rendered: Any, notice: Addressed, transport: Transport) -> dict[str, Any]:
        assert notice.member.email is not None
        message_id = transport(
            to=notice.member.email,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            kind=notice.kind,
        )
        return {"message_id": message_id}

    def default_transport(self) -> Transport:
        from staycertified.notify.email import send_email

        return send_email


@dataclass(frozen=True)
class LetterAdapter:
    channel: Channel = Channel.MAIL

    def render(self, kind: NoticeKind, notice: Addressed, context: dict[str, Any]) -> Any:
        """`context["org"]` (the organisation profile) gives the return address."""
        from staycertified.notify.letters import render_letter
        from staycertified.notify.render import format_day, render_letter_body

        assert notice.member.address is not None
        org: OrganisationProfile = context["org"]
        body = render_letter_body(kind, context)
        return render_letter(
            title=body.title,
            address_lines=notice.member.address.lines(notice.member.full_name),
            letter_date=format_day(notice.letter_date),
            blocks=body.blocks,
            return_address=org.postal_lines,
            creator=org.name,
        )

    def deliver(self, rendered: Any, notice: Addressed, transport: Transport) -> dict[str, Any]:
        assert notice.member.address is not None
        key = transport(
            address_lines=notice.member.address.lines(notice.member.full_name),
            kind=notice.kind,
            pdf=rendered.pdf,
            key=notice.letter_key,
        )
        return {"letter_key": key, "pages": rendered.pages}

    def default_transport(self) -> Transport:
        from staycertified.notify.mailroom import post_letter

        return post_letter


ADAPTERS: dict[Channel, ChannelAdapter] = {
    Channel.EMAIL: EmailAdapter(),
    Channel.MAIL: LetterAdapter(),
}

_TRANSIENT = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "InternalFailure",
    "ServiceUnavailable",
    "SlowDown",
    "LimitExceededException",
}


def is_transient(error: Exception) -> bool:
    code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code", "")
    if code in _TRANSIENT:
        return True
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import ReadTimeoutError

    return isinstance(error, BotoConnectionError | ReadTimeoutError)

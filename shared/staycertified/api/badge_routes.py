"""Staff see the Credly badge calls that did not land (R36): `GET /staff/badge-calls`.

A badge call that still failed after the Credly client's retries is FAILED in the
ledger, in the open-calls index (GSI1 BADGECALL#OPEN), until the daily retry lands
it; a call claimed and never finished (a function that died mid-call) is PENDING
there. This route lists them, oldest first: which certification, which event, the
error code and how many runs tried. No personal data (member id and certificate
number only).

No `from __future__ import annotations`: Powertools reads the route's annotations.
"""

from datetime import date
from typing import TYPE_CHECKING, Literal

from staycertified.api.schemas import Camel

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

LIST_LIMIT = 200


class BadgeCallOut(Camel):
    member_id: str
    certificate_number: str
    event_id: str
    event_type: str
    state: Literal["PENDING", "FAILED"]
    attempts: int
    error: str | None
    claimed_on: date


class BadgeCallList(Camel):
    """The open badge calls (FAILED or PENDING), oldest first; `more`: the list was cut."""

    calls: list[BadgeCallOut]
    more: bool


def register_badge_routes(app: "APIGatewayHttpResolver") -> None:
    from staycertified.api.routing import _context, _error_responses, _require_staff

    @app.get(
        "/staff/badge-calls",
        summary="Staff see the Credly badge calls not landed yet, oldest first (R36)",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "FAILED calls wait for the daily retry."}}
        | _error_responses(400, 401, 403),
    )
    def badge_calls() -> BadgeCallList:
        from staycertified.store import badges as badge_store

        table, caller, _ = _context(app)
        _require_staff(caller)
        found = badge_store.open_calls(table)
        calls = [
            BadgeCallOut(
                member_id=call.member_id,
                certificate_number=call.certificate_number,
                event_id=call.event_id,
                event_type=call.detail_type,
                state="FAILED" if call.state == badge_store.CallState.FAILED else "PENDING",
                attempts=call.attempts,
                error=call.error,
                claimed_on=call.claimed_on,
            )
            for call in found[:LIST_LIMIT]
        ]
        return BadgeCallList(calls=calls, more=len(found) > LIST_LIMIT)

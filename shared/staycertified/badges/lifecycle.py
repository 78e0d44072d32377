"""The badge subscriber's work (R36): one Credly call per (certification, event).

- CertificationActivated -> issue (or, when an issued badge exists, replace it:
  a certification has at most one ISSUED badge);
- FeePaid, CycleRolledOver -> replace the issued badge with the new expiry (none
  issued, or the same expiry: nothing to do);
- RecertificationRequired -> revoke the issued badge, with the reason.

Expiry = the earlier of `paid_through` and the end of the cycle in progress on
the event's day (`domain.badges.badge_expiry`; verification shows the same date,
R38). Each call is claimed in the ledger first (`store.badges`); a call already
DONE is not made again, so replays and redeliveries change nothing. A call that
fails after the client's retries is FAILED in the ledger (staff see it; the daily
retry makes it again). A retried call first asks Credly what it holds for the
certificate number, so a call that landed but whose answer was lost is adopted,
not repeated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from staycertified.badges.credly import (
    BadgeRequest,
    CredlyBadge,
    CredlyClient,
    CredlyError,
    CredlyRejected,
)
from staycertified.domain import cycles
from staycertified.domain.badges import badge_expiry
from staycertified.events import catalog
from staycertified.store import badges as store
from staycertified.store import members as member_store
from staycertified.store.badges import Badge, BadgeCall, BadgeState

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.policy import Policy

HANDLED = frozenset(
    {
        catalog.DetailType.CERTIFICATION_ACTIVATED,
        catalog.DetailType.FEE_PAID,
        catalog.DetailType.CYCLE_ROLLED_OVER,
        catalog.DetailType.RECERTIFICATION_REQUIRED,
    }
)
ACTIVE_AT_CREDLY = frozenset({"pending", "accepted"})


# Calls that cannot be made until the data changes (FAILED, listed for staff, retried daily):
BADGE_TEMPLATE_MISSING = "BADGE_TEMPLATE_MISSING"  # template parameter CredlyBadgeTemplates
RECIPIENT_EMAIL_MISSING = "RECIPIENT_EMAIL_MISSING"  # the member has no email yet
# ...so the event's handler does not fail for them: retrying the invocation cannot help,
# and a failed invocation would end in the dead-letter queue and page the on-call.
WAITING_FOR_DATA = frozenset({BADGE_TEMPLATE_MISSING, RECIPIENT_EMAIL_MISSING})


class BadgeCallFailed(Exception):
    """A Credly call failed after its retries; the ledger has it as FAILED."""


class BadgeOutcome(BaseModel):
    model_config = ConfigDict(defer_build=True)

    outcome: str  # ISSUED, REPLACED, REVOKED, DUPLICATE, SKIPPED_..., FAILED
    certificate_number: str
    code: str | None = None  # FAILED: why (one of WAITING_FOR_DATA)


class BadgeWork:
    def __init__(
        self,
        table: Table,
        credly: CredlyClient,
        templates: Mapping[str, str],
        policy: Policy,
    ) -> None:
        self.table = table
        self.credly = credly
        self.templates = templates
        self.policy = policy

    def handle(self, detail_type: str, detail: dict[str, Any]) -> BadgeOutcome:
        parsed = catalog.parse_detail(detail_type, detail)
        number = parsed.certificate_number
        call = store.claim_call(
            self.table,
            member_id=parsed.member_id,
            certificate_number=number,
            event_id=parsed.event_id,
            detail_type=detail_type,
            detail=detail,
            today=parsed.occurred_on,
        )
        if call is None:
            return BadgeOutcome(outcome="DUPLICATE", certificate_number=number)
        try:
            outcome, badge = self._apply(call, parsed)
        except CredlyError as error:
            code = error.code or f"CREDLY_{error.status or 'UNREACHABLE'}"
            store.fail_call(self.table, call, code)
            if code in WAITING_FOR_DATA:
                return BadgeOutcome(outcome="FAILED", certificate_number=number, code=code)
            raise BadgeCallFailed(f"{detail_type} {parsed.event_id}: {code}") from error
        store.finish_call(self.table, call, outcome, badge)
        return BadgeOutcome(outcome=outcome, certificate_number=number)

    def retry(self, call: BadgeCall) -> BadgeOutcome:
        """A FAILED (or never finished) call, made again from its stored event."""
        return self.handle(call.detail_type, json.loads(call.detail))

    # ------------------------------------------------------------ decisions
    def _apply(self, call: BadgeCall, event: catalog.Detail) -> tuple[str, Badge | None]:
        record = member_store.load_member(self.table, event.member_id)
        cert = record.certification(event.certificate_number) if record else None
        if record is None or cert is None:
            return "SKIPPED_UNKNOWN_CERTIFICATION", None
        current = store.get_badge(self.table, event.member_id, event.certificate_number)
        issued = current if current and current.state == BadgeState.ISSUED else None
        retried = call.attempts > 0
        if isinstance(event, catalog.RecertificationRequired):
            if issued is None:
                return "SKIPPED_NO_BADGE", None
            reason = f"{event.rule}: recertification required since {event.since.isoformat()}"
            return "REVOKED", self._revoke(issued, reason, retried)
        certification = cert.certification
        today = event.occurred_on
        cycle = cycles.current_cycle(certification, today, self.policy)
        expiry = badge_expiry(certification.paid_through or cycle.end, cycle)
        if isinstance(event, catalog.CertificationActivated):
            request = self._request(record.member, certification.type, event.certificate_number)
            if issued is None:
                return "ISSUED", self._issue(request(today, expiry), retried, previous=current)
            return "REPLACED", self._replace(issued, request(today, expiry), retried)
        if issued is None:
            return "SKIPPED_NO_BADGE", None
        if issued.expires_on == expiry:
            return "SKIPPED_SAME_EXPIRY", None
        request = self._request(record.member, certification.type, event.certificate_number)
        return "REPLACED", self._replace(issued, request(today, expiry), retried)

    def _request(self, member: Any, certification_type: str, number: str) -> Any:
        template = self.templates.get(certification_type)
        if not template:
            message = f"no Credly badge template for {certification_type}"
            raise CredlyRejected(message, code=BADGE_TEMPLATE_MISSING)
        if not member.email:
            message = "the member has no email for Credly"
            raise CredlyRejected(message, code=RECIPIENT_EMAIL_MISSING)

        def build(issued_on: date, expires_on: date) -> BadgeRequest:
            return BadgeRequest(
                badge_template_id=template,
                recipient_email=member.email,
                first_name=member.first_name,
                last_name=member.last_name,
                issued_on=issued_on,
                expires_on=expires_on,
                issuer_earner_id=number,
            )

        return build

    # ------------------------------------------------------------ Credly calls
    def _held(self, number: str) -> list[CredlyBadge]:
        return [b for b in self.credly.find(number) if b.state in ACTIVE_AT_CREDLY]

    def _issue(self, request: BadgeRequest, retried: bool, previous: Badge | None) -> Badge:
        landed = (
            next(
                (
                    b
                    for b in self._held(request.issuer_earner_id)
                    if b.expires_at == request.expires_on
                ),
                None,
            )
            if retried
            else None
        )
        made = landed or self.credly.issue(request)
        history = [
            *(previous.previous_badge_ids if previous else []),
            *([previous.credly_badge_id] if previous else []),
        ]
        return _badge(request, made, history)

    def _replace(self, issued: Badge, request: BadgeRequest, retried: bool) -> Badge:
        landed = None
        if retried:
            landed = next(
                (
                    b
                    for b in self._held(request.issuer_earner_id)
                    if b.badge_id != issued.credly_badge_id and b.expires_at == request.expires_on
                ),
                None,
            )
        made = landed or self.credly.replace(issued.credly_badge_id, request)
        return _badge(request, made, [*issued.previous_badge_ids, issued.credly_badge_id])

    def _revoke(self, issued: Badge, reason: str, retried: bool) -> Badge:
        held = {b.badge_id for b in self._held(issued.certificate_number)} if retried else None
        if held is None or issued.credly_badge_id in held:
            self.credly.revoke(issued.credly_badge_id, reason)
        return issued.model_copy(update={"state": BadgeState.REVOKED, "revoke_reason": reason})


def _badge(request: BadgeRequest, made: CredlyBadge, history: list[str]) -> Badge:
    return Badge(
        certificate_number=request.issuer_earner_id,
        state=BadgeState.ISSUED,
        credly_badge_id=made.badge_id,
        expires_on=made.expires_at or request.expires_on,
        url=made.url,
        issued_on=request.issued_on,
        previous_badge_ids=history,
    )

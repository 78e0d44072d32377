"""Who is calling, from the claims the API Gateway JWT authorizer put in the event.

A member's ID token carries `custom:member_id` (put there by the pool's
pre-token-generation trigger from the body's own record, R37); a staff token has
exactly `staff` among its `cognito:groups`, which API Gateway passes either as a
list or as the string "[staff other]" (it flattens arrays). Claims are parsed
exactly: no trimming, no quotes or commas taken apart, only ID tokens
(`token_use: id`). No claims -> anonymous.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict

STAFF_GROUP = "staff"


class Caller(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    member_id: str | None = None
    is_staff: bool = False
    username: str | None = None  # who decided, recorded with staff decisions (R27)

    @property
    def authenticated(self) -> bool:
        return self.is_staff or bool(self.member_id)

    def may_read(self, member_id: str) -> bool:
        """R37: a member reads only their own record; staff read any."""
        return self.is_staff or (self.member_id is not None and self.member_id == member_id)


# API Gateway's JWT authorizer passes an array claim as "[a b c]" (one space between
# names; Cognito group names have no whitespace). Anything else is not a group list.
_GROUP_LIST = re.compile(r"\[([^\s\[\]]+(?: [^\s\[\]]+)*)?\]")
_MEMBER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _groups(raw: Any) -> frozenset[str]:
    """R37 (finding 7): the groups exactly as Cognito issued them; no trimming, no splitting on commas."""
    if isinstance(raw, list | tuple):
        return frozenset(g for g in raw if isinstance(g, str))
    if isinstance(raw, str):
        found = _GROUP_LIST.fullmatch(raw)
        if found is None:
            return frozenset()
        return frozenset((found.group(1) or "").split(" ")) - {""}
    return frozenset()


def _member_id(raw: Any) -> str | None:
    """The claim as issued: a member id, or nothing (never trimmed or reinterpreted)."""
    return raw if isinstance(raw, str) and _MEMBER_ID.fullmatch(raw) else None


def caller_from_event(event: dict[str, Any]) -> Caller:
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") or {}
    claims = (authorizer.get("jwt") or {}).get("claims") or {}
    return caller_from_claims(claims)


def caller_from_claims(claims: Any) -> Caller:
    """The caller a JWT authorizer's claims name (exactly; see the module doc)."""
    if not isinstance(claims, dict):
        return Caller()
    # Who decided (R27): the name the admin gave the account (preferred_username, which the
    # app client cannot write); else Cognito's username (with email sign-in, the sub).
    username = (
        claims.get("preferred_username") or claims.get("cognito:username") or claims.get("sub")
    )
    return Caller(
        member_id=_member_id(claims.get("custom:member_id")),
        is_staff=STAFF_GROUP in _groups(claims.get("cognito:groups")),
        username=str(username) if username else None,
    )

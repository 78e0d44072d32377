"""Who is calling, from the claims the API Gateway JWT authorizer put in the event.

A member token carries `custom:member_id`; a staff token has `staff` in
`cognito:groups`, which API Gateway passes either as a list or as the string
"[staff other]" (it flattens arrays). No claims → anonymous.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

STAFF_GROUP = "staff"


class Caller(BaseModel):
    model_config = ConfigDict(frozen=True)

    member_id: str | None = None
    is_staff: bool = False
    username: str | None = None  # who decided, recorded with staff decisions (R27)

    @property
    def authenticated(self) -> bool:
        return self.is_staff or bool(self.member_id)

    def may_read(self, member_id: str) -> bool:
        """R37: a member reads only their own record; staff read any."""
        return self.is_staff or (self.member_id is not None and self.member_id == member_id)


def _groups(raw: Any) -> set[str]:
    if isinstance(raw, list | tuple):
        return {str(g).strip() for g in raw}
    if isinstance(raw, str):
        text = raw.strip().removeprefix("[").removesuffix("]")
        return {g.strip().strip('"') for g in text.replace(",", " ").split() if g.strip()}
    return set()


def caller_from_event(event: dict[str, Any]) -> Caller:
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") or {}
    claims = (authorizer.get("jwt") or {}).get("claims") or {}
    if not isinstance(claims, dict):
        return Caller()
    member_id = claims.get("custom:member_id")
    member_id = member_id.strip() if isinstance(member_id, str) and member_id.strip() else None
    username = claims.get("cognito:username") or claims.get("sub")
    return Caller(
        member_id=member_id,
        is_staff=STAFF_GROUP in _groups(claims.get("cognito:groups")),
        username=str(username) if username else None,
    )

"""Who a Cognito account is, decided from the body's own record (finding 1, R37).

The user pool allows no self sign-up and its app client cannot write
`custom:member_id`; accounts are created by staff for members of the member base
(Cognito's admin-created invitation, the member's email on file). Whatever an
account's attributes say, the pre-token-generation trigger
(`functions/pre_token`) puts into the token only what the body's record
confirms: `custom:member_id` when the member profile exists and its email on
file is the account's verified email; otherwise the claim is suppressed.
Staff are staff only through the `staff` group, which only admins manage: the
trigger never adds a group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.store import keys

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

MEMBER_ID_CLAIM = "custom:member_id"


def confirmed_member_id(table: Table, attributes: dict[str, Any]) -> str | None:
    """The account's member id if the body's record confirms it, else None."""
    member_id = attributes.get(MEMBER_ID_CLAIM)
    email = attributes.get("email")
    if not (isinstance(member_id, str) and member_id and isinstance(email, str) and email):
        return None
    if str(attributes.get("email_verified", "")).lower() != "true":
        return None
    item = table.get_item(
        Key={"PK": keys.member_pk(member_id), "SK": keys.PROFILE},
        ProjectionExpression="email",
        ConsistentRead=True,
    ).get("Item")
    on_file = item.get("email") if item else None
    if not isinstance(on_file, str) or on_file.strip().lower() != email.strip().lower():
        return None
    return member_id


def claims_override(table: Table, event: dict[str, Any]) -> dict[str, Any]:
    """The trigger's `claimsOverrideDetails` for one token generation event (V1 shape)."""
    attributes = (event.get("request") or {}).get("userAttributes") or {}
    member_id = confirmed_member_id(table, attributes)
    if member_id is None:
        return {"claimsToSuppress": [MEMBER_ID_CLAIM]}
    return {"claimsToAddOrOverride": {MEMBER_ID_CLAIM: member_id}}

"""CCP activities of a certification (R10-R14, R19), written exactly once.

Keys (see `keys.py`):

| what                                   | key                                                   |
|----------------------------------------|-------------------------------------------------------|
| an activity                            | PK = MEMBER#<memberId>, SK = CERT#<certNo>#ACT#<date>#<activityId> |
| a member write, once per Idempotency-Key | PK = MEMBER#<memberId>, SK = IDEMPOTENCY#<sha256(key)>  (condition) |
| a provider completion, once (R13)      | PK = PROVIDERCE#<completionId>, SK = COMPLETION (condition) |

A write and its "once" marker go in one transaction, so a replay writes nothing
and a crash between the two cannot happen. Activities are read with the member
record (`members.load_member`), never on their own.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from staycertified.domain.model import Activity
from staycertified.store import keys
from staycertified.store.members import activity_item
from staycertified.store.table import is_conditional_check_failure, put_all_new

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

IDEMPOTENCY = "Idempotency"
PROVIDER_COMPLETION = "ProviderCompletion"
COMPLETION_SK = "COMPLETION"


class WriteOutcome(BaseModel):
    """What a once-only write did: `created` False means it had been done before."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    created: bool
    activity_id: str
    fingerprint: str = ""
    matches: bool = True  # the earlier write carried the same request (same fingerprint)


def idempotency_sk(key: str) -> str:
    return "IDEMPOTENCY#" + hashlib.sha256(key.encode()).hexdigest()


def _put_once(table: Table, activity_item_: dict[str, Any], marker: dict[str, Any]) -> bool:
    """Writes the activity and its marker together; False if the marker existed."""
    try:
        put_all_new(table, [marker, activity_item_])
    except Exception as error:  # botocore ClientError; kept generic to keep imports light
        if is_conditional_check_failure(error):
            return False
        raise
    return True


def put_member_activity(
    table: Table,
    member_id: str,
    activity: Activity,
    *,
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> WriteOutcome:
    """Records a member's activity; with an Idempotency-Key, at most once per key.

    A replay with the same key returns the first activity's id (`created` False),
    and `matches` tells whether the replayed request was the same one.
    """
    item = activity_item(member_id, activity)
    if idempotency_key is None:
        table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        return WriteOutcome(created=True, activity_id=activity.activity_id)
    marker_sk = idempotency_sk(idempotency_key)
    marker = {
        "PK": keys.member_pk(member_id),
        "SK": marker_sk,
        "entity": IDEMPOTENCY,
        "activity_id": activity.activity_id,
        "activity_sk": item["SK"],
        "fingerprint": fingerprint,
    }
    if _put_once(table, item, marker):
        return WriteOutcome(created=True, activity_id=activity.activity_id, fingerprint=fingerprint)
    return earlier_request(table, member_id, idempotency_key, fingerprint) or WriteOutcome(
        created=False, activity_id="", matches=False
    )


def earlier_request(
    table: Table, member_id: str, idempotency_key: str, fingerprint: str
) -> WriteOutcome | None:
    """The activity an earlier request with this Idempotency-Key recorded (`created`
    False), or None when the key is new; `matches`: the same request body."""
    earlier = table.get_item(
        Key={"PK": keys.member_pk(member_id), "SK": idempotency_sk(idempotency_key)},
        ConsistentRead=True,
    ).get("Item")
    if earlier is None:
        return None
    earlier_fingerprint = str(earlier.get("fingerprint", ""))
    return WriteOutcome(
        created=False,
        activity_id=str(earlier.get("activity_id", "")),
        fingerprint=earlier_fingerprint,
        matches=earlier_fingerprint == fingerprint,
    )


def put_provider_activity(
    table: Table, member_id: str, completion_id: str, activity: Activity
) -> WriteOutcome:
    """Records a provider CE completion once (R13): a replayed completion writes nothing."""
    marker = {
        "PK": keys.provider_ce_pk(completion_id),
        "SK": COMPLETION_SK,
        "entity": PROVIDER_COMPLETION,
        "member_id": member_id,
        "certificate_number": activity.certificate_number,
        "activity_id": activity.activity_id,
    }
    created = _put_once(table, activity_item(member_id, activity), marker)
    return WriteOutcome(created=created, activity_id=activity.activity_id)

"""The stored audit draw of a year (R25): one item, written once.

| what                         | key                                          |
|------------------------------|----------------------------------------------|
| the draw of an audit year    | PK = AUDIT#<YYYY>, SK = DRAW (condition)     |

The item holds the seed, the rate and minimum in force, the counts and the key
of `audits/<YYYY>/draw.json` in the mail bucket (the pool and the selection,
which can be larger than an item may be). It is written with
`attribute_not_exists(PK)` *before* the S3 object, so two runs of the same year
can never store two seeds: the loser reads the winner's item and reuses its
seed, and the same pool with the same seed selects the same certifications.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from staycertified.store.table import is_conditional_check_failure

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

AUDIT_DRAW = "AuditDraw"
DRAW_SK = "DRAW"


def draw_key(audit_year: int) -> dict[str, str]:
    return {"PK": f"AUDIT#{audit_year:04d}", "SK": DRAW_SK}


class StoredDraw(BaseModel):
    """What the table keeps of a year's draw (R25)."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    audit_year: int
    seed: str
    rate: Decimal
    minimum: int
    pool_size: int
    selected_count: int
    draw_object: str
    drawn_on: date
    run_id: str

    def item(self) -> dict[str, Any]:
        item: dict[str, Any] = self.model_dump(mode="json")
        item["rate"] = str(self.rate)
        item.update(draw_key(self.audit_year))
        item["entity"] = AUDIT_DRAW
        return item


def get_draw(table: Table, audit_year: int) -> StoredDraw | None:
    item = table.get_item(Key=draw_key(audit_year), ConsistentRead=True).get("Item")
    return StoredDraw.model_validate(item) if item else None


def store_draw(table: Table, draw: StoredDraw) -> StoredDraw:
    """Stores the year's draw once; returns the stored one (this one, or an earlier run's)."""
    try:
        table.put_item(Item=draw.item(), ConditionExpression="attribute_not_exists(PK)")
    except Exception as error:
        if not is_conditional_check_failure(error):
            raise
        earlier = get_draw(table, draw.audit_year)
        assert earlier is not None
        return earlier
    return draw

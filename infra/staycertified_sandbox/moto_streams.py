"""DynamoDB streams -> Lambda as AWS delivers them (moto's StreamShard.add replaced).

moto invokes every event source mapping of a table synchronously inside the
write, handing it ALL the records the shard still holds (cleared only after the
call returns) and ignoring the mapping's FilterCriteria. A handler that writes
to its own table (the event relay marks what it published) then sees its first
record again, recursively. Here, as in AWS:

- each record is delivered once, in order, to each enabled mapping;
- a mapping's `FilterCriteria` (EventBridge pattern syntax, applied to the
  record) drops what does not match, as Lambda's event filtering does;
- batches of at most `BatchSize` records.

Not modelled: retries of a failed batch (AWS retries until MaximumRetryAttempts;
here the error stays with the invocation, `Sandbox.failures`). The outbox's
scheduled relay is what the system relies on for that case anyway.
Delivery stays synchronous (the write returns after the handler ran).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .patches import Patches


def deliver_stream_records_as_aws_does(patches: Patches) -> None:
    from moto.dynamodb.models.table import StreamRecord, StreamShard

    def add(self: Any, old: Any, new: Any) -> None:
        kind = self.table.stream_specification["StreamViewType"]
        event_name = "INSERT" if old is None else ("REMOVE" if new is None else "MODIFY")
        seq = len(self.items) + self.starting_sequence_number
        record = StreamRecord(self.table, kind, event_name, old, new, seq)
        self.items.append(record)
        for function_arn, mapping in list(self.table.lambda_event_source_mappings.items()):
            if mapping.enabled and _matches(mapping, record.to_json()):
                _deliver(self.account_id, function_arn, mapping, [record])

    patches.replace(StreamShard, "add", add)


def _matches(mapping: Any, record: dict[str, Any]) -> bool:
    from moto.events.models import EventPattern

    filters = (mapping.filter_criteria or {}).get("Filters") or []
    if not filters:
        return True
    plain = json.loads(json.dumps(record, default=str))
    return any(EventPattern.load(f["Pattern"]).matches_event(plain) for f in filters)


def _deliver(account: str, function_arn: str, mapping: Any, records: list[Any]) -> None:
    from moto.awslambda.utils import get_backend

    region = function_arn.split(":")[3]
    get_backend(account, region).send_dynamodb_items(
        function_arn, records, mapping.event_source_arn
    )

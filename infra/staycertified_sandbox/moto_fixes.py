"""Where moto 5.2.5 differs from AWS or is slow, corrected for a Sandbox's lifetime.

`install()` applies the corrections and `uninstall()` puts moto's own code back
(the Sandbox does both: start and close). Two kinds, kept apart:
`PARITY` makes moto behave as AWS does (results change to AWS's), `SPEED` makes
it faster without changing any result (tests/infra/test_moto_fixes.py checks
results with and without). Each correction names what it replaces below.

DynamoDB Query (speed only, results unchanged): moto sorts the whole table
before every query and sorts the candidates again after; on a table of a few
thousand items a GSI query costs ~0.2 s. The sandbox hands `query` the items
unsorted and only those of the queried partition (for an index, the items whose
index hash attribute equals the queried value); moto's own filter and sort of
the candidates still decide and order the results.

DynamoDB TransactWriteItems (speed only, same semantics): moto deep-copies every
table a transaction touches, whole, to roll back on cancellation: O(table) per
call, seconds on a table of thousands of items. The sandbox snapshots only the
items the transaction touches and restores those if it is cancelled (proposed by
the renewal-run benchmark, bench/renewal_month.py).

StartExecution without a name: AWS names the execution with a UUID; moto names
it `None`, so a second unnamed start is taken for the first one.

S3 notifications: moto URL-encodes the whole object key (`uploads%2Fa+b.pdf`);
S3 keeps the slashes (`uploads/a+b.pdf`, AWS docs "Event message structure":
"red flower.jpg" becomes "red+flower.jpg"). The sandbox encodes like S3.

EventBridge rule targets moto does not deliver to: Lambda functions and state machines.

moto 5.2.5 delivers rule targets to SQS, CloudWatch Logs, archives and other
buses, and raises NotImplementedError for a Lambda target. The sandbox wraps
`Rule.send_to_targets` (once per process): Lambda and Step Functions targets
are delivered here, the rest still by moto. As in AWS, the event's `time` is
an ISO-8601 UTC string, a target's `Input` replaces the event, and its
`InputTransformer` builds the input (`$.a.b` paths; the predefined
`<aws.events.event.ingestion-time>` is the sandbox clock when the event arrived,
`ingestion_clock`).
DynamoDB results (speed only, same wire format): moto 5.2 serializes every
DynamoDB answer through botocore's shape model, walking each attribute of each
item (about 18 ms for a member record of a dozen items: most of the sandbox's
time). A DynamoDB result is already the JSON wire structure (`dynamo_to_dict`),
so it is dumped directly; binary values are base64-encoded as AWS does, and
errors still take moto's path.

DynamoDB item size check (speed only, same limit): moto builds a stored item one
attribute at a time and, for each one, re-measures every attribute already set
(`LimitedSizeDict.__setitem__`), so writing an item of n attributes costs O(n^2)
size walks (~0.5 ms for a ledger entry; AWS measures an item once). The sandbox
builds a new item with one running total: the same 405,000-byte limit, the same
`ItemSizeTooLarge` at the same attribute. Updates of stored items keep moto's path.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from . import moto_streams
from .patches import Patches

_active: Patches | None = None
# When EventBridge received an event: the simulated clock while a sandbox runs.
ingestion_clock: Any = None

# The moto release these corrections were written against and checked with:
# another release may have fixed, moved or changed what they replace.
WRITTEN_FOR = "5.2.5"


class MotoVersionMismatch(RuntimeError):
    """The installed moto is not the release the sandbox's corrections were written for."""


def check_moto_version(installed: str | None = None) -> None:
    import moto

    found = installed or moto.__version__
    if found != WRITTEN_FOR:
        raise MotoVersionMismatch(
            f"the sandbox's moto corrections were written for moto {WRITTEN_FOR}, "
            f"moto {found} is installed: re-check each one (infra/staycertified_sandbox/"
            "moto_fixes.py) against it, then update WRITTEN_FOR"
        )


def install() -> None:
    """Apply every correction (refused while they are already applied)."""
    global _active
    if _active is not None:
        raise RuntimeError("the moto corrections are already installed (one sandbox at a time)")
    check_moto_version()
    patches = Patches()
    for correction in (*PARITY, *SPEED):
        correction(patches)
    _active = patches


def uninstall() -> None:
    """Put moto's own code back."""
    global _active
    if _active is not None:
        _active.undo()
        _active = None


@contextlib.contextmanager
def corrections() -> Iterator[None]:
    install()
    try:
        yield
    finally:
        uninstall()


def _deliver_rule_targets_to_lambda_and_states(patches: Patches) -> None:
    from moto.events.models import Rule

    original = Rule.send_to_targets

    def send_to_targets(
        self: Any, original_event: dict[str, Any], transform_input: bool = True
    ) -> None:
        if not self.event_pattern.matches_event(original_event):
            return
        ours = [
            target for target in self.targets if _service(target["Arn"]) in ("lambda", "states")
        ]
        for target in ours:
            deliver(target, _as_delivered(original_event), self.account_id, self.region_name)
        others = [target for target in self.targets if target not in ours]
        if others:
            saved, self.targets = self.targets, others
            try:
                original(self, original_event, transform_input)
            finally:
                self.targets = saved

    patches.replace(Rule, "send_to_targets", send_to_targets)


def _transactions_without_copying_tables(patches: Patches) -> None:
    import moto.dynamodb.models as models
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items

    class _CopyAllButTables:
        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        snapshots = [_snapshot(self, entry) for entry in transact_items]
        saved, models.copy = models.copy, _CopyAllButTables  # type: ignore[assignment]
        try:
            original(self, transact_items)
        except Exception:
            for snapshot in reversed([s for s in snapshots if s is not None]):
                _restore(*snapshot)
            raise
        finally:
            models.copy = saved

    patches.replace(models.DynamoDBBackend, "transact_write_items", transact_write_items)


def _snapshot(backend: Any, entry: dict[str, Any]) -> tuple[Any, Any, Any, Any] | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    operation, spec = next(iter(entry.items()))
    table = backend.tables.get(spec.get("TableName"))
    if table is None:
        return None
    attributes = spec["Item"] if operation == "Put" else spec["Key"]
    hash_key = DynamoType(attributes[table.hash_key_attr])
    range_key = DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None
    before = table.get_item(hash_key, range_key)
    return table, hash_key, range_key, copy.deepcopy(before)


def _restore(table: Any, hash_key: Any, range_key: Any, before: Any) -> None:
    _changed(table)
    if before is None:
        with contextlib.suppress(Exception):
            table.delete_item(hash_key, range_key)
    elif range_key is not None:
        table.items[hash_key][range_key] = before
    else:
        table.items[hash_key] = before


def _query_without_sorting_the_table(patches: Patches) -> None:
    from moto.dynamodb.models.table import Table

    original = Table.query
    signature = inspect.signature(original)

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = signature.bind(self, hash_key, *args, **kwargs).arguments.get("index_name")
        if index_name is None and hash_key is not None:
            partition = self.items.get(hash_key)
            candidates = _partition_items(partition, self.range_key_attr)
        else:
            candidates = _index_partition(self, index_name, hash_key)
        self.all_items = lambda: list(candidates)  # instance attribute, for this call only
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    patches.replace(Table, "query", query)


def _partition_items(partition: Any, range_key_attr: str | None) -> list[Any]:
    if partition is None:
        return []
    return list(partition.values()) if range_key_attr else [partition]


def _index_partition(table: Any, index_name: str | None, hash_key: Any) -> list[Any]:
    """The items whose index hash attribute equals the queried one (a superset of the
    matches moto's own filter then keeps), or every item when that cannot be told.

    The grouping of a table's items by an index hash attribute is kept until a
    write touches an item that has (or had) that attribute."""
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    hash_attributes = (
        [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"] if index else []
    )
    if hash_key is None or len(hash_attributes) != 1:
        return _unsorted_items(table)
    attribute = hash_attributes[0]
    generation = table.__dict__.setdefault(_GENERATIONS, {}).get(attribute, 0)
    cache = table.__dict__.setdefault(_INDEX_CACHE, {})
    cached = cache.get(attribute)
    if cached is None or cached[0] != generation:
        cached = cache[attribute] = (generation, _grouped(table, attribute))
    return list(cached[1].get((hash_key.type, hash_key.value), ()))


_GENERATIONS = "_sandbox_generations"  # index hash attribute -> writes that touched it
_INDEX_CACHE = "_sandbox_index_cache"
_EVERY_ATTRIBUTE = None


def _grouped(table: Any, attribute: str) -> dict[tuple[str, Any], list[Any]]:
    # Key attributes are scalars (S, N, B), so their values are hashable.
    groups: dict[tuple[str, Any], list[Any]] = {}
    partitions = table.items.values() if table.range_key_attr else [table.items]
    for partition in partitions:
        for item in partition.values():
            value = item.attrs.get(attribute)
            if value is not None:
                groups.setdefault((value.type, value.value), []).append(item)
    return groups


def _changed(table: Any, attributes: Any = _EVERY_ATTRIBUTE) -> None:
    """A write touched items with these attributes (None: any item, e.g. a rollback)."""
    generations = table.__dict__.setdefault(_GENERATIONS, {})
    cached = table.__dict__.get(_INDEX_CACHE, {})
    for attribute in set(cached) | set(generations):
        if attributes is _EVERY_ATTRIBUTE or attribute in attributes:
            generations[attribute] = generations.get(attribute, 0) + 1


def _index_cache_invalidated_on_every_write(patches: Patches) -> None:
    import moto.dynamodb.models as models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    def stored(table: Any, key: dict[str, Any]) -> Any:
        try:
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            return table.get_item(DynamoType(key[table.hash_key_attr]), range_key)
        except Exception:
            return None

    def names(*items: Any) -> set[str]:
        return {name for item in items if item is not None for name in item.attrs}

    put_item, delete_item = Table.put_item, Table.delete_item
    update_item = models.DynamoDBBackend.update_item

    def put(self: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        before = stored(self, item_attrs)
        try:
            return put_item(self, item_attrs, *args, **kwargs)
        finally:
            _changed(self, set(item_attrs) | names(before))

    def delete(self: Any, *args: Any, **kwargs: Any) -> Any:
        removed = delete_item(self, *args, **kwargs)
        _changed(self, names(removed))
        return removed

    def update(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        table = self.tables.get(table_name)
        before = stored(table, key) if table is not None else None
        touched = names(before)
        try:
            after = update_item(self, table_name, key, *args, **kwargs)
            touched |= names(after)
            return after
        finally:
            if table is not None:
                _changed(table, touched or _EVERY_ATTRIBUTE)

    patches.replace(Table, "put_item", put)
    patches.replace(Table, "delete_item", delete)
    patches.replace(models.DynamoDBBackend, "update_item", update)


def _unsorted_items(table: Any) -> list[Any]:
    if table.range_key_attr:
        return [item for partition in table.items.values() for item in partition.values()]
    return list(table.items.values())


def _name_unnamed_executions(patches: Patches) -> None:
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original = StepFunctionsParserBackend.start_execution

    def start_execution(
        self: Any, state_machine_arn: str, name: Any = None, *args: Any, **kwargs: Any
    ) -> Any:
        return original(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)

    patches.replace(StepFunctionsParserBackend, "start_execution", start_execution)


def _encode_s3_event_keys_like_s3(patches: Patches) -> None:
    import functools
    from urllib.parse import quote_plus

    from moto.s3 import notifications

    patches.replace(notifications, "quote_plus", functools.partial(quote_plus, safe="/"))


def _service(arn: str) -> str:
    return arn.split(":")[2]


def _as_delivered(event: dict[str, Any]) -> dict[str, Any]:
    delivered = copy.deepcopy(event)
    delivered.pop("ingestion-time", None)
    delivered.pop("replay-name", None)
    moment = delivered.get("time")
    if isinstance(moment, int | float):
        delivered["time"] = iso_utc(datetime.fromtimestamp(moment, UTC))
    elif isinstance(moment, datetime):
        delivered["time"] = iso_utc(moment)
    return delivered


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def deliver(target: dict[str, Any], event: dict[str, Any], account: str, region: str) -> None:
    """Send one event to a Lambda (asynchronously in AWS: errors stay with the function)."""
    if "Input" in target:
        payload = json.loads(target["Input"])
    elif "InputTransformer" in target:
        payload = transformed(target["InputTransformer"], event)
    else:
        payload = event
    if _service(target["Arn"]) == "lambda":
        from moto.awslambda.utils import get_backend

        function = get_backend(account, region).get_function(target["Arn"])
        function.invoke(json.dumps(payload), {"x-amz-invocation-type": "Event"}, {})
    else:
        from moto.stepfunctions.parser.models import stepfunctions_parser_backends

        stepfunctions_parser_backends[account][region].start_execution(
            target["Arn"], name=str(uuid.uuid4()), execution_input=json.dumps(payload)
        )


def transformed(transformer: dict[str, Any], event: dict[str, Any]) -> Any:
    """An InputTransformer applied as EventBridge does (JSON templates)."""
    now = ingestion_clock() if ingestion_clock else datetime.now(UTC)
    values: dict[str, Any] = {"aws.events.event.ingestion-time": iso_utc(now)}
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        value: Any = event
        for part in str(path).removeprefix("$").strip(".").split("."):
            value = value.get(part) if isinstance(value, dict) and part else value
        values[name] = value
    template = transformer["InputTemplate"]

    def insert(match: Any) -> str:
        value = values.get(match.group(1))
        return value if isinstance(value, str) else json.dumps(value)

    import re

    return json.loads(re.sub(r"<([A-Za-z0-9_.-]+)>", insert, template))


def _dynamodb_results_as_plain_json(patches: Patches) -> None:
    from moto.dynamodb.responses import DynamoResult

    def execute_result(self: Any, context: Any) -> tuple[int, dict[str, str], str]:
        body = json.dumps(self.result, default=_wire_value, separators=(",", ":"))
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    patches.replace(DynamoResult, "execute_result", execute_result)


def _wire_value(value: Any) -> Any:
    """JSON for what `dynamo_to_dict` leaves as Python objects (bytes, datetimes)."""
    import base64

    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__} for DynamoDB")


ITEM_SIZE_LIMIT = 405_000  # moto's LimitedSizeDict: AWS's 400 KB, as measured by moto


def _items_measured_once(patches: Patches) -> None:
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    def __init__(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        self.attrs = LimitedSizeDict()
        size = 0
        for key, value in attrs.items():
            typed = DynamoType(value)
            size += bytesize(key) + typed.size()
            if size > ITEM_SIZE_LIMIT:
                raise ItemSizeTooLarge
            dict.__setitem__(self.attrs, key, typed)

    patches.replace(Item, "__init__", __init__)


# Corrections that make moto answer as AWS does.
PARITY: tuple[Callable[[Patches], None], ...] = (
    _deliver_rule_targets_to_lambda_and_states,
    moto_streams.deliver_stream_records_as_aws_does,
    _encode_s3_event_keys_like_s3,
    _name_unnamed_executions,
)
# Corrections that only make moto faster: the same results, the same errors.
SPEED: tuple[Callable[[Patches], None], ...] = (
    _query_without_sorting_the_table,
    _index_cache_invalidated_on_every_write,
    _transactions_without_copying_tables,
    _dynamodb_results_as_plain_json,
    _items_measured_once,
)

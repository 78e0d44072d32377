"""Domain events: what changed a certification's standing, published once to the
system's own event bus (docs/events.md).

- `catalog`: the detail-types, their schemas (pydantic, camelCase) and one builder
  per event; each event id is derived from the change's business key, so the same
  change always carries the same id and consumers are idempotent on it.
- `outbox`: how a change publishes: the event is written to the outbox table in
  the SAME DynamoDB transaction as the state change (`outbox.entry` appended last
  to your TransactItems, or `outbox.transact`); the outbox table's stream runs
  EventRelayFunction, which puts it on the bus, and a scheduled run of the same
  relay republishes anything still pending (a relay that died mid-way).
"""

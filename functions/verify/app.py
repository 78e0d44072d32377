"""VerifyFunction: public employer verification (R38), read-only, throttled in the template.

Answers only name, type, Active / Not active, original certification date and
valid-through; a wrong last name answers exactly like an unknown number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.observability import lambda_entry

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def handle(event: dict[str, Any], context: Any, *, table: Table | None = None) -> dict[str, Any]:
    from staycertified.api import resolver

    return resolver.answer(resolver.verify_api(), event, context, table=table)


lambda_handler = lambda_entry(handle, with_context=True)

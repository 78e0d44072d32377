"""ApiFunction: member and staff routes of the HTTP API (R37, R10-R19, R6).

Thin: Powertools decorators, then `handle`, which takes its dependencies as
parameters. The resolver, boto3 and pydantic models load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.observability import lambda_entry

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def handle(event: dict[str, Any], context: Any, *, table: Table | None = None) -> dict[str, Any]:
    from staycertified.api import resolver

    return resolver.answer(resolver.member_api(), event, context, table=table)


lambda_handler = lambda_entry(handle, with_context=True)

"""CeDiscountFunction: the learning platform asks whether a person qualifies for
discounted CE (R41); IAM authorisation on the route, read-only.

Answers `{"eligible": bool}` and nothing else, to the platform's principal only
(`LEARNING_PLATFORM_PRINCIPAL`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.observability import lambda_entry

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def handle(event: dict[str, Any], context: Any, *, table: Table | None = None) -> dict[str, Any]:
    from staycertified.api import resolver

    return resolver.answer(resolver.benefits_api(), event, context, table=table)


lambda_handler = lambda_entry(handle, with_context=True)

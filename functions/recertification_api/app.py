"""RecertificationApiFunction: recertification applications, member and staff routes (R28-R33).

Thin: Powertools decorators, then `handle`. The only function that starts the review
(first submission) and resumes it (resubmission, felony review, staff decision).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.observability import lambda_entry

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def handle(event: dict[str, Any], context: Any, *, table: Table | None = None) -> dict[str, Any]:
    from staycertified.api import resolver

    return resolver.answer(resolver.recertification_api(), event, context, table=table)


lambda_handler = lambda_entry(handle, with_context=True)

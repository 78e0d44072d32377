"""PreTokenFunction: the user pool's pre-token-generation trigger (finding 1, R37).

Puts into every token the member id the body's own record confirms, never the
one an account claims (`staycertified.identity`). Thin: one GetItem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staycertified.observability import lambda_entry, logger

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def handle(event: dict[str, Any], context: Any, *, table: Table | None = None) -> dict[str, Any]:
    from staycertified.identity import claims_override
    from staycertified.store.table import default_table

    override = claims_override(table or default_table(), event)
    response = dict(event.get("response") or {})
    response["claimsOverrideDetails"] = override
    confirmed = "claimsToAddOrOverride" in override
    logger.info("token claims decided", extra={"memberConfirmed": confirmed})
    return {**event, "response": response}


lambda_handler = lambda_entry(handle, with_context=True)

"""What every route of the HTTP API shares: the base resolver (request validation and
the one error shape), the documented error answers, the path patterns, and the
request's context (table, caller, "today", R40) with the access checks (R37).

The resolvers (`api.resolver`), the route modules (`api.badge_routes`,
`api.review_routes`, `api.benefits`) and the signed webhooks (`api.signed_webhook`)
build on it; it imports none of them, so no route module imports the resolver that
registers it.

No `from __future__ import annotations` here: Powertools reads the route
functions' annotations at registration, so they must be real objects.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from staycertified.api import errors
from staycertified.api.auth import Caller, caller_from_event
from staycertified.clock import request_day

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from mypy_boto3_dynamodb.service_resource import Table

JSON = "application/json"

MEMBER_ID = r"^[A-Za-z0-9_-]{1,64}$"
CERTIFICATE = r"^[A-Za-z0-9_-]{1,40}$"
INVOICE_ID = r"^[A-Za-z0-9_-]{1,80}$"


def _error_responses(*statuses: int) -> dict[int, Any]:
    from staycertified.api.schemas import ErrorBody

    described = {
        400: (
            "The request is malformed (VALIDATION_FAILED); free text with control or "
            "invisible characters (TEXT_NOT_PRINTABLE) or nothing visible (TEXT_BLANK); "
            "a body that is not plain, bounded JSON (BODY_NOT_UTF8, "
            "BODY_TOO_DEEP, NUMBER_TOO_LONG)."
        ),
        401: "No authenticated caller (UNAUTHORIZED).",
        403: "Staff only (FORBIDDEN).",
        404: "Unknown, or not the caller's (NOT_FOUND): the same answer for both.",
        409: "Conflict: Idempotency-Key reused, invoice already paid, attestation filed.",
        422: "Rules broken: every failed rule is listed in `errors`.",
        501: "Not implemented yet.",
    }
    # Powertools documents a 422 on every validated route; it is ours, with our body.
    return {
        s: {"description": described[s], "content": {JSON: {"model": ErrorBody}}}
        for s in sorted({*statuses, 422})
    }


def _base_resolver() -> "APIGatewayHttpResolver":
    """A resolver that validates requests (OpenAPI validation) and answers our error shape.
    The OpenAPI document's configuration (`_documented`) is left to `document_api()`:
    Powertools' OpenAPI models (~80 pydantic classes) are needed only to write the
    document, not to serve a request (cold start)."""
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
    from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

    from staycertified.domain.errors import DomainError

    app = APIGatewayHttpResolver(enable_validation=True)

    def render(error: errors.ApiError) -> Response[Any]:
        return Response(error.status, JSON, error.json())

    @app.exception_handler(errors.ApiError)
    def _api_error(error: errors.ApiError) -> Response[Any]:
        return render(error)

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response[Any]:
        return render(errors.from_domain(error))

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[Any]:
        return render(errors.from_validation(list(error.errors())))

    @app.not_found
    def _no_route(_: Exception) -> Response[Any]:
        return render(errors.ApiError(404, errors.NOT_FOUND, "No such route."))

    return app


def _context(app: "APIGatewayHttpResolver") -> tuple["Table", Caller, date]:
    event = app.current_event.raw_event
    return app.context["table"], caller_from_event(event), _today(app)


def _today(app: "APIGatewayHttpResolver") -> date:
    try:
        return request_day(app.current_event.raw_event, app.context["time_zone"])
    except ValueError:
        raise errors.ApiError(
            400, errors.VALIDATION_FAILED, "The request time is missing."
        ) from None


def _require_staff(caller: Caller) -> None:
    if not caller.authenticated:
        raise errors.ApiError(401, errors.UNAUTHORIZED, "Authentication required.")
    if not caller.is_staff:
        raise errors.ApiError(403, errors.FORBIDDEN, "Staff only.")


def _require_member_access(caller: Caller, member_id: str) -> None:
    if not caller.authenticated:
        raise errors.ApiError(401, errors.UNAUTHORIZED, "Authentication required.")
    if not caller.may_read(member_id):
        raise errors.not_found()

"""The CE discount route (R41): the learning platform asks, machine to machine,
whether a person holds at least one ACTIVE certification.

`GET /benefits/ce-discount?email=...` or `?certificateNumber=...` (exactly one),
behind API Gateway's IAM authorisation (`Auth: {Authorizer: AWS_IAM}`): API
Gateway admits only SigV4-signed callers whose policy allows `execute-api:Invoke`
on the route, and this route answers only the platform's principal
(`LEARNING_PLATFORM_PRINCIPAL`, template parameter `LearningPlatformPrincipal`);
any other IAM caller gets 403 FORBIDDEN. The answer is `{"eligible": bool}` and
nothing else: an unknown email or number is `false`, like a person with no
ACTIVE certification, so the answer tells the platform nothing more.

No `from __future__ import annotations`: Powertools reads the route's annotations.
"""

import os
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict

from staycertified.api import errors

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver


class CeDiscountOut(BaseModel):
    """R41: yes or no, and nothing else."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    eligible: bool


def _require_platform(app: "APIGatewayHttpResolver") -> None:
    from staycertified.benefits import PLATFORM_PRINCIPAL_ENV, is_platform

    iam = app.current_event.request_context.authorizer.iam
    if not is_platform(iam.user_arn, iam.account_id, os.environ.get(PLATFORM_PRINCIPAL_ENV, "")):
        raise errors.ApiError(403, errors.FORBIDDEN, "The learning platform only.")


def register_benefit_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler.openapi.params import Query

    from staycertified import benefits
    from staycertified.api.routing import _error_responses, _today
    from staycertified.policy import load_policy

    @app.get(
        "/benefits/ce-discount",
        summary="The learning platform asks whether a person qualifies for discounted CE (R41)",
        description=(
            "IAM authorisation (SigV4): the learning platform's principal only. Give exactly "
            "one of `email` or `certificateNumber`. `eligible` is true when the person holds "
            "at least one ACTIVE certification today; an unknown person is not eligible."
        ),
        tags=["benefits"],
        security=[{"awsSigV4": []}],
        responses={200: {"description": "Eligible or not, nothing else."}}
        | _error_responses(400, 403),
    )
    def ce_discount(
        email: Annotated[str | None, Query(min_length=3, max_length=254)] = None,
        certificateNumber: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,40}$")] = None,
    ) -> CeDiscountOut:
        _require_platform(app)
        if (email is None) == (certificateNumber is None):
            raise errors.ApiError(
                400, errors.VALIDATION_FAILED, "Give exactly one of email or certificateNumber."
            )
        table = app.context["table"]
        people = (
            benefits.people_by_email(table, email)
            if email is not None
            else benefits.person_by_certificate(table, str(certificateNumber))
        )
        today = _today(app)
        return CeDiscountOut(
            eligible=benefits.holds_active_certification(people, today, load_policy())
        )

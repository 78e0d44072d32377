"""The Powertools HTTP API resolvers, built lazily (cold start, STYLE §2).

`member_api()` serves the ApiFunction routes, `verify_api()` the public
VerifyFunction route, `benefits_api()` the learning platform's CeDiscountFunction
route (R41, IAM), `document_api()` has them all, for the OpenAPI document
(`openapi_document()`, served at /openapi.json and committed as docs/openapi.json).

Routes are thin: they read the caller, "today" (R40) and the table from the
resolver context (`handle`), call `staycertified.api.service`, and answer.
Every non-2xx answer has one shape: `{"code", "message", "errors": [...]}`.

No `from __future__ import annotations` here: Powertools reads the route
functions' annotations at registration, so they must be real objects.
"""

import functools
import json
from typing import TYPE_CHECKING, Annotated, Any

from staycertified.api import errors
from staycertified.api.auth import Caller
from staycertified.api.routing import (
    CERTIFICATE,
    INVOICE_ID,
    JSON,
    MEMBER_ID,
    _base_resolver,
    _context,
    _error_responses,
    _require_member_access,
    _require_staff,
    _today,
)
from staycertified.clock import request_instant

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from mypy_boto3_dynamodb.service_resource import Table

API_TITLE = "Stay Certified API"
API_VERSION = "1.0.0"


def _documented(app: "APIGatewayHttpResolver") -> "APIGatewayHttpResolver":
    """The OpenAPI document's title, description and security schemes."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, HTTPBearer

    app.configure_openapi(
        title=API_TITLE,
        version=API_VERSION,
        description=(
            "Stay Certified: member status (R37), CCP activities (R10-R15, R19), "
            "attestations (R18), invoices and payments (R6), public verification (R38). "
            "Member routes need a Cognito JWT; dates are YYYY-MM-DD in the body's time zone."
        ),
        security_schemes={
            "cognitoJwt": HTTPBearer(bearerFormat="JWT"),
            # The learning platform's route (R41): AWS Signature Version 4, IAM authorisation.
            "awsSigV4": APIKey(
                name="Authorization",
                in_=APIKeyIn.header,
                description="AWS Signature Version 4 (API Gateway IAM authorisation).",
            ),
        },
    )
    return app


# ---------------------------------------------------------------- routes


def register_member_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query

    from staycertified.api import service
    from staycertified.api.schemas import (
        ActivityIn,
        ActivityList,
        ActivityOut,
        AttestationIn,
        AttestationOut,
        CategoryList,
        ContactIn,
        ContactOut,
        Dashboard,
        InvoiceList,
        MemberSearch,
        MemberStatus,
        PaymentOut,
        StaffMemberRecord,
        StaffPaymentIn,
    )

    MemberId = Annotated[str, Path(pattern=MEMBER_ID, description="The member's id.")]

    @app.get(
        "/members/<memberId>/status",
        summary="The member's status per certification (R37)",
        tags=["members"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "The status, with reasons and next actions (R24)."}}
        | _error_responses(400, 401, 404),
    )
    def get_status(memberId: MemberId) -> MemberStatus:
        table, caller, today = _context(app)
        _require_member_access(caller, memberId)
        return service.member_status(table, memberId, today)

    @app.get(
        "/members/<memberId>/activities",
        summary="The member's CCP activities, current cycle or all (R10-R14)",
        tags=["activities"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "Activities with their points."}}
        | _error_responses(400, 401, 404),
    )
    def list_activities(
        memberId: MemberId,
        cycle: Annotated[str, Query(pattern="^(current|all)$")] = "current",
    ) -> ActivityList:
        table, caller, today = _context(app)
        _require_member_access(caller, memberId)
        return service.list_activities(table, memberId, cycle, today)

    @app.post(
        "/members/<memberId>/activities",
        summary="Record a CCP activity (R10-R14, R19); idempotent with Idempotency-Key",
        description=(
            "Clients SHOULD send an `Idempotency-Key` header (a new random value, e.g. "
            "a UUID, per activity the member means to record, reused for every retry "
            "of that same submission; the portal's forms do). With a key, a repeated "
            "request records nothing more and answers the first activity with "
            "`Idempotent-Replayed: true`; the same key with another body answers 409 "
            "IDEMPOTENCY_KEY_REUSED. Without a key every request records an activity; "
            "one that looks like an activity already recorded is recorded and the "
            "answer's `warnings` says so (R13 ACTIVITY_POSSIBLE_DUPLICATE), as it says "
            "when a quantity was rounded down (R11 QUANTITY_ROUNDED_DOWN)."
        ),
        tags=["activities"],
        security=[{"cognitoJwt": []}],
        responses={
            201: {
                "description": "Recorded, with the points computed and counted (or capped).",
                "content": {JSON: {"model": ActivityOut}},
            }
        }
        | _error_responses(400, 401, 404, 409, 422),
    )
    def record_activity(
        memberId: MemberId,
        activity: Annotated[ActivityIn, Body(embed=False)],
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key",
                max_length=200,
                description=(
                    "One value per activity meant (a UUID), the same on each retry: "
                    "recorded at most once per member and key (keys do not expire)."
                ),
            ),
        ] = None,
    ) -> Response[ActivityOut]:
        table, caller, today = _context(app)
        _require_member_access(caller, memberId)
        recorded, replayed = service.record_activity(
            table, memberId, activity, today, idempotency_key=idempotency_key, staff=caller.is_staff
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else None
        return Response(201, JSON, recorded, headers=headers)

    @app.post(
        "/members/<memberId>/attestations",
        summary="File a CCP attestation for the current cycle (R18)",
        tags=["activities"],
        security=[{"cognitoJwt": []}],
        responses={201: {"description": "Filed.", "content": {JSON: {"model": AttestationOut}}}}
        | _error_responses(400, 401, 404, 422),
    )
    def file_attestation(
        memberId: MemberId,
        attestation: Annotated[AttestationIn, Body(embed=False)],
    ) -> Response[AttestationOut]:
        table, caller, today = _context(app)
        _require_member_access(caller, memberId)
        filed = service.file_attestation(table, memberId, attestation, today)
        return Response(201, JSON, filed)

    @app.get(
        "/members/<memberId>/invoices",
        summary="The member's invoices (R6)",
        tags=["invoices"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "Invoices, oldest membership year first."}}
        | _error_responses(400, 401, 404),
    )
    def list_invoices(memberId: MemberId) -> InvoiceList:
        table, caller, _ = _context(app)
        _require_member_access(caller, memberId)
        return service.list_invoices(table, memberId)

    @app.post(
        "/staff/invoices/<invoiceId>/payments",
        summary="Staff record a payment received for an invoice (R6, R7)",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={
            201: {
                "description": (
                    "Recorded. An invoice already paid (a double submit included) answers "
                    "409 INVOICE_ALREADY_PAID and a void one 409 INVOICE_VOID; nothing is "
                    "written (R6)."
                ),
                "content": {JSON: {"model": PaymentOut}},
            }
        }
        | _error_responses(400, 401, 403, 404, 409, 422),
    )
    def record_payment(
        invoiceId: Annotated[str, Path(pattern=INVOICE_ID)],
        payment: Annotated[StaffPaymentIn, Body(embed=False)],
    ) -> Response[PaymentOut]:
        table, caller, today = _context(app)
        _require_staff(caller)
        return Response(201, JSON, service.record_staff_payment(table, invoiceId, payment, today))

    @app.get(
        "/ccp/categories",
        summary="The CCP categories, their units and points per unit today (R10, R11)",
        tags=["activities"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "What the activity form offers."}}
        | _error_responses(400, 401),
    )
    def ccp_categories() -> CategoryList:
        _, caller, today = _context(app)
        if not caller.authenticated:
            raise errors.ApiError(401, errors.UNAUTHORIZED, "Authentication required.")
        return service.ccp_categories(today)

    @app.get(
        "/members/<memberId>/contact",
        summary="The member's contact details (email, postal address)",
        tags=["members"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "Name, email and postal address."}}
        | _error_responses(400, 401, 404),
    )
    def get_contact(memberId: MemberId) -> ContactOut:
        table, caller, _ = _context(app)
        _require_member_access(caller, memberId)
        return service.get_contact(table, memberId)

    @app.patch(
        "/members/<memberId>/contact",
        summary="Correct the member's email and/or postal address (validated, audited)",
        tags=["members"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "The contact details now, and the fields changed."}}
        | _error_responses(400, 401, 404),
    )
    def update_contact(
        memberId: MemberId, contact: Annotated[ContactIn, Body(embed=False)]
    ) -> ContactOut:
        table, caller, _ = _context(app)
        _require_member_access(caller, memberId)
        now = request_instant(app.current_event.raw_event)
        changed_by = "STAFF" if caller.is_staff else "MEMBER"
        return service.update_contact(table, memberId, contact, changed_by=changed_by, now=now)

    @app.get(
        "/staff/members",
        summary="Staff search members by last name, name, email, member id or certificate number",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "Up to 25 members."}} | _error_responses(400, 401, 403),
    )
    def search_members(query: Annotated[str, Query(min_length=1, max_length=100)]) -> MemberSearch:
        table, caller, _ = _context(app)
        _require_staff(caller)
        return service.search_members(table, query)

    @app.get(
        "/staff/members/<memberId>",
        summary="Staff read a member's whole record (standing, activities, invoices, notices)",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "The record."}} | _error_responses(400, 401, 403, 404),
    )
    def staff_member(memberId: MemberId) -> StaffMemberRecord:
        table, caller, today = _context(app)
        _require_staff(caller)
        return service.staff_member_record(table, memberId, today)

    @app.get(
        "/staff/dashboard",
        summary="Staff dashboards: stored monthly snapshots and renewal run reports",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "The figures."}} | _error_responses(400, 401, 403),
    )
    def staff_dashboard() -> Dashboard:
        import os

        from staycertified import aws

        table, caller, _ = _context(app)
        _require_staff(caller)
        return service.dashboard(table, s3=aws.s3(), mail_bucket=os.environ["MAIL_BUCKET"])

    from staycertified.api.badge_routes import register_badge_routes
    from staycertified.api.review_routes import register_review_routes

    register_review_routes(app)
    register_badge_routes(app)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> Response[Any]:
        return Response(200, JSON, openapi_document())


def register_verify_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler.openapi.params import Path, Query

    from staycertified.api import verification as service
    from staycertified.api.schemas import VerificationOut

    @app.get(
        "/verify/<certificateNumber>",
        summary="Public employer verification (R38)",
        tags=["verification"],
        responses={200: {"description": "Name, type, Active / Not active, dates."}}
        | _error_responses(400, 404),
    )
    def verify(
        certificateNumber: Annotated[str, Path(pattern=CERTIFICATE)],
        lastName: Annotated[str, Query(min_length=1, max_length=100)],
    ) -> VerificationOut:
        return service.verify(app.context["table"], certificateNumber, lastName, _today(app))


APPLICATION_ID = r"^[A-Za-z0-9_-]{1,64}$"


def _who(caller: Caller) -> str:
    """Who acted, for the application's history (R30, R32): the staff user (the name the
    admin gave the account, `Caller.username`), or the member."""
    if caller.is_staff:
        return f"staff:{(caller.username or 'unknown')[:64]}"
    return f"member:{caller.member_id}"


def register_recertification_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

    from staycertified.api import applications as service
    from staycertified.api.recertification import (
        ApplicationOut,
        ApplicationPage,
        FelonyReviewIn,
        RecertificationIn,
        StaffDecisionIn,
    )

    MemberId = Annotated[str, Path(pattern=MEMBER_ID, description="The member's id.")]
    ApplicationId = Annotated[str, Path(pattern=APPLICATION_ID, description="The application.")]

    @app.post(
        "/members/<memberId>/recertifications",
        summary="Apply to recertify by CCP or exam (R28-R31); the fee becomes an invoice",
        tags=["recertification"],
        security=[{"cognitoJwt": []}],
        responses={
            201: {"description": "Created (DRAFT).", "content": {JSON: {"model": ApplicationOut}}}
        }
        | _error_responses(400, 401, 404, 409, 422),
    )
    def create_recertification(
        memberId: MemberId, application: Annotated[RecertificationIn, Body(embed=False)]
    ) -> Response[ApplicationOut]:
        table, caller, today = _context(app)
        _require_member_access(caller, memberId)
        created = service.create_application(table, memberId, application, today, by=_who(caller))
        return Response(201, JSON, created)

    @app.get(
        "/members/<memberId>/recertifications/<applicationId>",
        summary="A recertification application: status, what is missing, fee, review, exam",
        tags=["recertification"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "The application."}} | _error_responses(400, 401, 404),
    )
    def get_recertification(memberId: MemberId, applicationId: ApplicationId) -> ApplicationOut:
        table, caller, _ = _context(app)
        _require_member_access(caller, memberId)
        return service.get_application(table, memberId, applicationId)

    @app.post(
        "/members/<memberId>/recertifications/<applicationId>/submit",
        summary="Submit (starts the review) or resubmit an incomplete application (R29)",
        tags=["recertification"],
        security=[{"cognitoJwt": []}],
        responses={
            202: {
                "description": "Accepted: the review goes on.",
                "content": {JSON: {"model": ApplicationOut}},
            }
        }
        | _error_responses(400, 401, 404, 409),
    )
    def submit_recertification(
        memberId: MemberId, applicationId: ApplicationId
    ) -> Response[ApplicationOut]:
        table, caller, today = _context(app)
        _require_member_access(caller, memberId)
        submitted = service.submit(table, memberId, applicationId, today, by=_who(caller))
        return Response(202, JSON, submitted)

    @app.get(
        "/staff/recertifications",
        summary="Applications in a status, oldest first, paged (R30, R32)",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "A page; nextCursor when there is more."}}
        | _error_responses(400, 401, 403),
    )
    def staff_recertifications(
        status: Annotated[
            str, Query(pattern=r"^[A-Z_]{1,32}$", description="An application status.")
        ] = "AWAITING_STAFF_REVIEW",
        limit: Annotated[int, Query(ge=1, le=100)] = 25,
        cursor: Annotated[str | None, Query(max_length=2000)] = None,
    ) -> ApplicationPage:
        table, caller, _ = _context(app)
        _require_staff(caller)
        return service.staff_list(table, status, limit, cursor)

    @app.get(
        "/staff/recertifications/<applicationId>",
        summary="One application, for staff",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "The application."}} | _error_responses(400, 401, 403, 404),
    )
    def staff_recertification(applicationId: ApplicationId) -> ApplicationOut:
        table, caller, _ = _context(app)
        _require_staff(caller)
        return service.staff_get(table, applicationId)

    @app.post(
        "/staff/recertifications/<applicationId>/felony-review",
        summary="Staff decide a felony review: CLEARED continues, DENIED rejects (R30)",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "Recorded (who and when)."}}
        | _error_responses(400, 401, 403, 404, 409),
    )
    def felony_review(
        applicationId: ApplicationId, decision: Annotated[FelonyReviewIn, Body(embed=False)]
    ) -> ApplicationOut:
        table, caller, today = _context(app)
        _require_staff(caller)
        return service.felony_review(table, applicationId, decision, today, by=_who(caller))

    @app.post(
        "/staff/recertifications/<applicationId>/decision",
        summary="Staff approve or reject a complete application, with reasons (R32)",
        tags=["staff"],
        security=[{"cognitoJwt": []}],
        responses={200: {"description": "Recorded (who and when)."}}
        | _error_responses(400, 401, 403, 404, 409, 422),
    )
    def staff_decision(
        applicationId: ApplicationId, decision: Annotated[StaffDecisionIn, Body(embed=False)]
    ) -> ApplicationOut:
        table, caller, today = _context(app)
        _require_staff(caller)
        return service.staff_decision(table, applicationId, decision, today, by=_who(caller))


def register_eligibility_routes(app: "APIGatewayHttpResolver") -> None:
    from aws_lambda_powertools.event_handler.openapi.params import Body, Path

    from staycertified.api import eligibility
    from staycertified.policy import load_policy

    CertificationType = Annotated[
        str, Path(pattern=r"^[A-Z][A-Z0-9]{0,15}$", description="The certification type.")
    ]

    @app.get(
        "/eligibility/<certificationType>",
        summary="The Eligibility Assistant's questions for a type (R34, R35); public",
        tags=["eligibility"],
        responses={200: {"description": "The questions a form is built from."}}
        | _error_responses(400, 404),
    )
    def eligibility_questions(certificationType: CertificationType) -> eligibility.QuestionList:
        return eligibility.questions(certificationType, _today(app), load_policy())

    @app.post(
        "/eligibility/<certificationType>",
        summary="Which routes an applicant meets, each met or with what is missing (R34)",
        tags=["eligibility"],
        responses={200: {"description": "Every route of the policy, met or missing items."}}
        | _error_responses(400, 404, 422),
    )
    def eligibility_assess(
        certificationType: CertificationType,
        answers: Annotated[eligibility.EligibilityAnswersIn, Body(embed=False)],
    ) -> eligibility.EligibilityOut:
        if not isinstance(app.current_event.json_body, dict):  # Powertools unwraps [{}]
            raise errors.ApiError(
                400, errors.VALIDATION_FAILED, "The answers must be one JSON object."
            )
        return eligibility.assess(certificationType, answers, _today(app), load_policy())


@functools.cache
def member_api() -> "APIGatewayHttpResolver":
    app = _base_resolver()
    register_member_routes(app)
    return app


@functools.cache
def recertification_api() -> "APIGatewayHttpResolver":
    app = _base_resolver()
    register_recertification_routes(app)
    return app


@functools.cache
def verify_api() -> "APIGatewayHttpResolver":
    app = _base_resolver()
    register_verify_routes(app)
    return app


@functools.cache
def eligibility_api() -> "APIGatewayHttpResolver":
    app = _base_resolver()
    register_eligibility_routes(app)
    return app


@functools.cache
def benefits_api() -> "APIGatewayHttpResolver":
    from staycertified.api.benefits import register_benefit_routes

    app = _base_resolver()
    register_benefit_routes(app)
    return app


@functools.cache
def document_api() -> "APIGatewayHttpResolver":
    from staycertified.api.benefits import register_benefit_routes
    from staycertified.api.exam_webhook import register_exam_routes
    from staycertified.api.payment_webhook import register_webhook_routes

    app = _documented(_base_resolver())
    register_member_routes(app)
    register_verify_routes(app)
    register_webhook_routes(app)
    register_eligibility_routes(app)
    register_benefit_routes(app)
    register_recertification_routes(app)
    register_exam_routes(app)
    return app


@functools.cache
def openapi_document() -> str:
    """The OpenAPI 3 document of every route (committed as docs/openapi.json)."""
    from staycertified.api import exam_webhook as exam
    from staycertified.api.payment_webhook import document_request_body

    document = json.loads(document_api().get_openapi_json_schema())
    document_request_body(document)
    exam.document_request_body(document)
    return json.dumps(document, indent=2) + "\n"


def handle(
    app: "APIGatewayHttpResolver",
    event: dict[str, Any],
    context: Any,
    *,
    table: "Table | None",
    time_zone: str,
) -> dict[str, Any]:
    """Resolves one HTTP API event with its dependencies in the resolver context.
    A body that is not plain, bounded JSON is refused first, on every route
    (`staycertified.body`): 400 with its stable code, nothing read or written."""
    from staycertified import body

    try:
        body.check_event(event)
    except body.BodyRefused as refused:
        item = {"rule": "", "code": refused.code, "message": refused.message}
        code = body.answer_code(refused)
        return refusal(errors.ApiError(400, code, refused.message, [item]))
    app.append_context(table=table, time_zone=time_zone)
    return app.resolve(event, context)


def refusal(error: errors.ApiError) -> dict[str, Any]:
    """An error answer built outside a route (API Gateway HTTP API, payload 2.0)."""
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": JSON},
        "body": error.json(),
        "isBase64Encoded": False,
    }


def answer(
    app: "APIGatewayHttpResolver",
    event: dict[str, Any],
    context: Any,
    *,
    table: "Table | None",
    uses_table: bool = True,
) -> dict[str, Any]:
    """What an HTTP function does: resolve with the deployed table and the body's time
    zone (unless a test hands its own table), and count the answer by status family.
    A function that reads no table (`uses_table=False`) never builds a client."""
    from aws_lambda_powertools.metrics import MetricUnit

    from staycertified import config
    from staycertified.observability import metrics

    response = handle(
        app,
        event,
        context,
        table=table if table is not None or not uses_table else config.table(),
        time_zone=config.settings().body_time_zone,
    )
    status = int(response.get("statusCode", 500))
    family = "2xx" if status < 300 else "4xx" if status < 500 else "5xx"
    metrics.add_metric(name=f"ApiResponses{family}", unit=MetricUnit.Count, value=1)
    return response

"""Every route of the template x every kind of caller, with real Cognito JWTs (issue 10).

Routes come from the template's HttpApi events (so routes added later are covered
without touching this file); callers are anonymous, an expired token, a token of
another user pool, the member whose data it is, another member, staff, and forged
claims (our pool's issuer and audience, signed with another key). Nothing
answers 5xx; no caller but the member and staff reads or writes the member's data.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from staycertified_sandbox import Sandbox
from staycertified_sandbox.api import Route, routes_from_template
from staycertified_sandbox.sandbox import ACCOUNT, DEFAULT_TEMPLATE
from staycertified_sandbox.template import translate

from .scenario_support import education, row

VICTIM, OTHER = "MXVICTIM", "MXOTHER"
CALLERS = ("anonymous", "expired", "other_pool", "forged", "member_other", "member_own", "staff")
UNTRUSTED = ("anonymous", "expired", "other_pool", "forged", "member_other")
# Bodies a route would accept (a well-formed write is the dangerous one); others get {}.
BODIES = {
    "POST /members/{memberId}/activities": education("2026-01-10", 2),
    "POST /members/{memberId}/attestations": {
        "pointsByCategory": {"PROFESSIONAL_EDUCATION": 10},
        "signedBy": "Someone",
        "affirmed": True,
    },
    "POST /staff/invoices/{invoiceId}/payments": {"amount": "1.00", "method": "CHECK"},
    "POST /members/{memberId}/recertifications": {
        "certificateNumber": f"RMA-{VICTIM}",
        "route": "CCP",
        "felonyConviction": False,
        "attestation": {"signedName": "Someone", "signedOn": "2026-01-10"},
        "activities": [education("2025-06-01", 30)],
    },
    "POST /staff/recertifications/{applicationId}/felony-review": {
        "decision": "CLEARED",
        "reason": "x",
    },
    "POST /staff/recertifications/{applicationId}/decision": {"decision": "APPROVE"},
    "POST /exam-results/webhook": {
        "authorizationId": "EXA1",
        "attemptId": "a1",
        "result": "PASS",
        "takenOn": "2026-01-10",
    },
}


def template_routes() -> list[Route]:
    return routes_from_template(
        translate(DEFAULT_TEMPLATE, "staycertified", "us-east-1", ACCOUNT, {})
    )


@pytest.fixture(scope="module")
def world(sandbox: Sandbox) -> Iterator[dict[str, Any]]:
    victim = row(VICTIM, "2022-05-17", paid_through="2024-05-31")
    other = row(OTHER, "2022-05-17")
    sandbox.load_members([victim, other])
    invoices = [
        item
        for item in sandbox.table.query(KeyConditionExpression=Key("PK").eq(f"MEMBER#{VICTIM}"))[
            "Items"
        ]
        if item.get("entity") == "Invoice"
    ]
    yield {
        "memberId": VICTIM,
        "certificateNumber": victim["certificate_number"],
        "invoiceId": invoices[0]["invoice_id"] if invoices else "INV-NONE",
        "tokens": caller_tokens(sandbox),
    }


def caller_tokens(sb: Sandbox) -> dict[str, str | None]:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=2)
    return {
        "anonymous": None,
        "expired": sb.id_token(as_member=VICTIM, issued_at=an_hour_ago),
        "other_pool": other_pool_token(sb),
        "forged": forged_token(sb),
        "member_other": sb.id_token(as_member=OTHER),
        "member_own": sb.id_token(as_member=VICTIM),
        "staff": sb.id_token(as_staff="matrix"),
    }


def other_pool_token(sb: Sandbox) -> str:
    """A genuine token, for the victim's member id, from a pool that is not the template's."""
    cognito = sb.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName="elsewhere")["UserPool"]["Id"]
    cognito.add_custom_attributes(
        UserPoolId=pool, CustomAttributes=[{"Name": "member_id", "AttributeDataType": "String"}]
    )
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="x")["UserPoolClient"]
    cognito.admin_create_user(
        UserPoolId=pool,
        Username="intruder",
        UserAttributes=[{"Name": "custom:member_id", "Value": VICTIM}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool, Username="intruder", Password="Elsewhere-Passw0rd", Permanent=True
    )
    result = cognito.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "intruder", "PASSWORD": "Elsewhere-Passw0rd"},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def forged_token(sb: Sandbox) -> str:
    """Our pool's issuer and audience, the victim's id and the staff group, another key."""
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    genuine = sb.verify_token(f"Bearer {sb.id_token(as_member=OTHER)}")
    now = int(time.time())
    claims = {
        **genuine,
        "custom:member_id": VICTIM,
        "cognito:groups": ["staff"],
        "iat": now,
        "exp": now + 3600,
    }
    key = RSAKey.generate_key(2048)
    return jwt.encode({"alg": "RS256", "kid": "dummy"}, claims, key)


def fill(route: Route, world: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).rstrip("+")
        for known in ("memberId", "certificateNumber", "invoiceId"):
            if name == known:
                return str(world[known])
        return "X1"

    return re.sub(r"\{([^}]+)\}", value, route.path)


def snapshot(sb: Sandbox) -> set[str]:
    items = sb.table.scan()["Items"]
    return {json.dumps(item, sort_keys=True, default=str) for item in items}


ROUTES = template_routes()


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_no_caller_reaches_another_members_data_and_nothing_answers_5xx(
    sandbox: Sandbox, world: dict[str, Any], route: Route
) -> None:
    path = fill(route, world)
    body = BODIES.get(route.route_key, {}) if route.method in ("POST", "PUT", "PATCH") else None
    answers = {}
    for caller in CALLERS:
        before = snapshot(sandbox)
        token = world["tokens"][caller]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        status, answer = sandbox.api(route.method, path, body, headers=headers)
        answers[caller] = status
        assert status < 500, (caller, route.route_key, status, answer)
        if caller in UNTRUSTED:
            written = snapshot(sandbox) - before
            assert not [item for item in written if VICTIM in item], (caller, route.route_key)
            if route.authorizer and caller != "member_other":
                assert (status, answer) == (401, {"message": "Unauthorized"}), caller
            members_data = "{memberId}" in route.path or route.path.startswith("/staff/")
            if route.authorizer and caller == "member_other" and members_data:
                assert status in (400, 401, 403, 404, 422), (route.route_key, status, answer)
                assert VICTIM not in json.dumps(answer), route.route_key
    # Reads of the member's own record (only {memberId} in the path: other ids are made up).
    own_record = re.findall(r"\{[^}]+\}", route.path) == ["{memberId}"]
    if route.authorizer and own_record and route.method == "GET":
        assert answers["staff"] == 200, answers
        if not route.path.startswith("/staff/"):
            assert answers["member_own"] == 200, answers


def test_the_matrix_covers_every_route_of_the_template() -> None:
    keys = {route.route_key for route in ROUTES}
    assert "GET /members/{memberId}/status" in keys and "POST /payments/webhook" in keys
    assert len(keys) == len(ROUTES) >= 9

"""Cognito in the sandbox: the template's user pools, real sign-in, and API Gateway's JWT check.

moto's CloudFormation skips `AWS::Cognito::*`, so the sandbox creates each user
pool, app client and group of the template through moto's Cognito API (its
ids become the stack's physical ids). Members and staff sign in for real
(`ADMIN_USER_PASSWORD_AUTH`; moto signs RS256 tokens with its pool key and
serves the JWKS), and the router checks each token as API Gateway's JWT
authorizer does: signature against the issuer's JWKS, `iss` equal to the
authorizer's issuer, `aud` (ID token) or `client_id` (access token) among its
audiences, `exp`/`nbf`/`iat` against the wall clock (token lifetimes are real
time, as in AWS; the simulated clock is the business clock).

moto runs no Cognito triggers and does not enforce an app client's
`WriteAttributes`: the sandbox creates accounts as the body's invitation does
(the admin API sets `custom:member_id`), and template tests prove what AWS
enforces (no self sign-up, no client write access to the member id, the
pre-token-generation trigger).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from unittest import mock

import boto3

from .intrinsics import Stack, resolve
from .template import Translated, parameter_values, pseudo_parameters

STAFF_GROUP = "staff"
REFRESH_MARGIN_SECONDS = 60
# Cognito user pool properties the CreateUserPool API takes under the same name.
_POOL_PROPERTIES = (
    "Policies",
    "AutoVerifiedAttributes",
    "UsernameAttributes",
    "AdminCreateUserConfig",
    "Schema",
    "MfaConfiguration",
    "UserPoolTags",
    "AccountRecoverySetting",
    "DeletionProtection",
)
_CLIENT_PROPERTIES = (
    "ExplicitAuthFlows",
    "ReadAttributes",
    "WriteAttributes",
    "GenerateSecret",
    "PreventUserExistenceErrors",
    "AccessTokenValidity",
    "IdTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
)


class TokenError(ValueError):
    """A token API Gateway's JWT authorizer would refuse (401)."""


@dataclass(frozen=True)
class JwtAuthorizer:
    issuer: str
    audiences: tuple[str, ...]


@dataclass
class UserPools:
    """The template's pools as created in moto, and the sign-ins made so far."""

    region: str
    pools: dict[str, str] = field(default_factory=dict)  # logical id -> pool id
    clients: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # logical id -> (pool, client)
    _password: str = field(default_factory=lambda: "Sb-" + secrets.token_urlsafe(18) + "a1A")
    _tokens: dict[tuple[str, str | None, str | None], tuple[str, int]] = field(default_factory=dict)
    _jwks: dict[str, Any] = field(default_factory=dict)

    @property
    def _cognito(self) -> Any:
        return boto3.client("cognito-idp", region_name=self.region)

    def issuer(self, pool_id: str) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{pool_id}"

    def client_for(self, authorizer: JwtAuthorizer) -> tuple[str, str]:
        """(pool id, client id) of the template's app client this authorizer accepts."""
        for pool_id, client_id in self.clients.values():
            if self.issuer(pool_id) == authorizer.issuer and client_id in authorizer.audiences:
                return pool_id, client_id
        raise TokenError(f"no user pool of the template issues tokens for {authorizer.issuer}")

    # ------------------------------------------------------------ sign-in
    def id_token(
        self,
        authorizer: JwtAuthorizer,
        *,
        member_id: str | None = None,
        staff: str | None = None,
        issued_at: float | None = None,
    ) -> str:
        """A real ID token of the pool behind `authorizer`, signed in as that member and/or staff.

        Cached until a minute before it expires. `issued_at` (epoch seconds) mints an
        uncached token as of that instant (an expired one for tests).
        """
        pool_id, client_id = self.client_for(authorizer)
        key = (client_id, member_id, staff)
        cached = self._tokens.get(key)
        if issued_at is None and cached and cached[1] - REFRESH_MARGIN_SECONDS > time.time():
            return cached[0]
        username = self._ensure_user(pool_id, member_id, staff)
        with _moto_clock(issued_at):
            result = self._cognito.admin_initiate_auth(
                UserPoolId=pool_id,
                ClientId=client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": self._password},
            )["AuthenticationResult"]
        token = result["IdToken"]
        if issued_at is None:
            self._tokens[key] = (token, int(time.time()) + int(result["ExpiresIn"]))
        return token

    def _ensure_user(self, pool_id: str, member_id: str | None, staff: str | None) -> str:
        """The account an invitation would create: the member id set by the admin API."""
        identity = f"{member_id}|{staff}".encode()
        username = f"user-{hashlib.sha256(identity).hexdigest()[:20]}@accounts.sandbox.invalid"
        cognito = self._cognito
        try:
            cognito.admin_get_user(UserPoolId=pool_id, Username=username)
            return username
        except cognito.exceptions.UserNotFoundException:
            pass
        attributes = [
            {"Name": "email", "Value": username},
            {"Name": "email_verified", "Value": "true"},
        ]
        if member_id is not None:
            attributes.append({"Name": "custom:member_id", "Value": member_id})
        if staff is not None:  # the staff name the admin gives the account (R27: who decided)
            attributes.append({"Name": "preferred_username", "Value": staff})
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=attributes,
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=username, Password=self._password, Permanent=True
        )
        if staff is not None:
            cognito.admin_add_user_to_group(
                UserPoolId=pool_id, Username=username, GroupName=STAFF_GROUP
            )
        return username

    # ------------------------------------------------------------ verification
    def verify(self, authorization: str | None, authorizer: JwtAuthorizer) -> dict[str, Any]:
        """The token's claims if API Gateway's JWT authorizer would pass it; else TokenError."""
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        if not authorization:
            raise TokenError("no token")
        raw = authorization.removeprefix("Bearer ").strip()
        keys = self._jwks.get(authorizer.issuer)
        if keys is None:
            keys = self._jwks[authorizer.issuer] = KeySet.import_key_set(
                self._fetch_jwks(authorizer.issuer)
            )
        try:
            token = jwt.decode(raw, keys, algorithms=["RS256"])
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise TokenError(f"bad token: {type(error).__name__}") from error
        claims = dict(token.claims)
        _check_claims(claims, authorizer)
        return claims

    def _fetch_jwks(self, issuer: str) -> dict[str, Any]:
        import requests

        answer = requests.get(f"{issuer}/.well-known/jwks.json", timeout=5)
        if answer.status_code != 200:
            raise TokenError(f"no JWKS at {issuer}")
        return answer.json()  # type: ignore[no-any-return]


def _check_claims(claims: dict[str, Any], authorizer: JwtAuthorizer) -> None:
    now = time.time()
    if claims.get("iss") != authorizer.issuer:
        raise TokenError("issuer")
    use = claims.get("token_use")
    audience = claims.get("client_id") if use == "access" else claims.get("aud")
    if use not in ("id", "access") or audience not in authorizer.audiences:
        raise TokenError("audience")
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires <= now:
        raise TokenError("expired")
    for name in ("nbf", "iat"):
        value = claims.get(name)
        if value is not None and (not isinstance(value, int | float) or value > now + 300):
            raise TokenError(f"{name} in the future")


def gateway_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway hands them to the function: strings, arrays as "[a b]"."""
    passed = {}
    for name, value in claims.items():
        if isinstance(value, list):
            passed[name] = "[" + " ".join(str(item) for item in value) + "]"
        elif isinstance(value, bool):
            passed[name] = str(value).lower()
        else:
            passed[name] = str(value)
    return passed


@contextmanager
def _moto_clock(at: float | None) -> Iterator[None]:
    if at is None:
        yield
        return
    from moto.cognitoidp import models

    with mock.patch.object(models, "time", SimpleNamespace(time=lambda: at)):
        yield


COGNITO_TYPES = (
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
)


def provide_user_pools(
    translated: Translated, stack_name: str, region: str, account: str, overrides: dict[str, str]
) -> tuple[UserPools, Stack]:
    """Create the template's Cognito resources first, then take them out of what moto deploys.

    moto's CloudFormation skips them but refuses a `GetAtt` to one (the trigger's
    Lambda permission names the pool's ARN): every reference becomes the created value.
    Returns the pools and a Stack holding only their ids and types.
    """
    parameters = parameter_values(translated.sam, overrides)
    parameters.update(pseudo_parameters(stack_name, region, account))
    resources = translated.cfn["Resources"]
    types = {lid: res["Type"] for lid, res in resources.items() if res["Type"] in COGNITO_TYPES}
    provided = Stack(parameters=parameters, physical_ids={}, types=types)
    pools = create_user_pools(translated, provided)
    for logical_id in types:
        del resources[logical_id]
    translated.cfn = _inline(translated.cfn, provided, set(types))
    return pools, provided


def _inline(value: Any, provided: Stack, ids: set[str]) -> Any:
    if isinstance(value, list):
        return [_inline(item, provided, ids) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Ref" and argument in ids:
            return provided.ref(argument)
        if name == "Fn::GetAtt":
            logical_id, attribute = (
                argument if isinstance(argument, list) else argument.split(".", 1)
            )
            if logical_id in ids:
                return provided.get_att(logical_id, attribute)
        if name == "Fn::Sub":
            if isinstance(argument, list):
                return {"Fn::Sub": [_sub_text(argument[0], provided, ids), argument[1]]}
            return {"Fn::Sub": _sub_text(argument, provided, ids)}
    inlined = {key: _inline(item, provided, ids) for key, item in value.items()}
    if isinstance(inlined.get("DependsOn"), list):
        inlined["DependsOn"] = [d for d in inlined["DependsOn"] if d not in ids]
    elif inlined.get("DependsOn") in ids:
        del inlined["DependsOn"]
    return inlined


def _sub_text(text: str, provided: Stack, ids: set[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        logical_id, _, attribute = match.group(1).partition(".")
        if logical_id not in ids:
            return match.group(0)
        if attribute:
            return provided.get_att(logical_id, attribute)
        return provided.ref(logical_id)

    return re.sub(r"\$\{([A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?)\}", replace, text)


def create_user_pools(translated: Translated, stack: Stack) -> UserPools:
    """Every user pool, app client and group of the template, in moto's Cognito."""
    cognito = boto3.client("cognito-idp", region_name=stack.region)
    pools = UserPools(region=stack.region)
    stack_name = stack.parameters["AWS::StackName"]
    for logical_id, props in translated.cfn_resources("AWS::Cognito::UserPool"):
        options = {key: resolve(props[key], stack) for key in _POOL_PROPERTIES if key in props}
        name = resolve(props.get("UserPoolName"), stack) or f"{stack_name}-{logical_id}"
        created = cognito.create_user_pool(PoolName=name, **options)["UserPool"]
        stack.physical_ids[logical_id] = created["Id"]
        pools.pools[logical_id] = created["Id"]
    for logical_id, props in translated.cfn_resources("AWS::Cognito::UserPoolClient"):
        pool_id = resolve(props["UserPoolId"], stack)
        options = {key: resolve(props[key], stack) for key in _CLIENT_PROPERTIES if key in props}
        client = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName=props.get("ClientName", logical_id), **options
        )["UserPoolClient"]
        stack.physical_ids[logical_id] = client["ClientId"]
        pools.clients[logical_id] = (pool_id, client["ClientId"])
    for logical_id, props in translated.cfn_resources("AWS::Cognito::UserPoolGroup"):
        group = resolve(props["GroupName"], stack)
        cognito.create_group(
            GroupName=group,
            UserPoolId=resolve(props["UserPoolId"], stack),
            Description=props.get("Description", ""),
        )
        stack.physical_ids[logical_id] = group
    return pools


def jwt_authorizers(translated: Translated, stack: Stack) -> dict[tuple[str, str], JwtAuthorizer]:
    """(HttpApi logical id, authorizer name) -> what that JWT authorizer accepts."""
    found = {}
    for api_id, props in translated.sam_resources("AWS::Serverless::HttpApi"):
        for name, spec in ((props.get("Auth") or {}).get("Authorizers") or {}).items():
            config = resolve(spec.get("JwtConfiguration") or {}, stack)
            audiences = config.get("audience") or []
            found[(api_id, name)] = JwtAuthorizer(
                issuer=str(config.get("issuer", "")),
                audiences=tuple(str(a) for a in audiences),
            )
    return found

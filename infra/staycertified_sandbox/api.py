"""The template's HTTP API, routed in process (what `sam local start-api` does).

Routes come from the `HttpApi` events of the SAM functions. A request becomes
the API Gateway HTTP API payload (format 2.0) and goes to the function through
lambda.invoke; the function's answer is translated back like API Gateway does.

Authorization: a route behind a JWT authorizer takes the request's
`Authorization` header, which `identity.UserPools.verify` checks as API
Gateway does (signature, issuer, audience, expiry); a missing or refused token
gets 401 `{"message": "Unauthorized"}` without invoking, a passed one puts its
claims in `requestContext.authorizer.jwt.claims` as API Gateway does (strings,
arrays as `"[a b]"`). A route with `Auth: {Authorizer: NONE}` (or no
authorizer) is invoked anonymously; an unknown route gets 404
`{"message": "Not Found"}`.

A route with `Auth: {Authorizer: AWS_IAM}` (`Route.iam`, its `authorizer` None)
admits only a SigV4-signed IAM caller: the sandbox signs for `as_platform` and
puts the caller in `requestContext.authorizer.iam` as API Gateway does
(`iam_context`); any other request gets 403 `{"message": "Forbidden"}` without
invoking.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .template import Translated

UNAUTHORIZED = (401, {"message": "Unauthorized"})
FORBIDDEN = (403, {"message": "Forbidden"})
IAM = "AWS_IAM"
NOT_FOUND = (404, {"message": "Not Found"})
INTERNAL_ERROR = (500, {"message": "Internal Server Error"})


@dataclass(frozen=True)
class Route:
    method: str  # upper case, or "ANY"
    path: str  # "/members/{memberId}/status", or "$default"
    function: str  # logical id
    api: str  # logical id of the HttpApi, or "ServerlessHttpApi"
    authorizer: str | None  # a JWT authorizer's name; None: none (or IAM, see `iam`)
    iam: bool = False  # `Auth: {Authorizer: AWS_IAM}`: SigV4-signed IAM callers only

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", method):
            return None
        if self.path == "$default":
            return {}
        found = _path_pattern(self.path).fullmatch(path)
        return found.groupdict() if found else None

    def specificity(self) -> tuple[int, int, int, int]:
        """API Gateway prefers static segments, then parameters, then greedy; then a method."""
        segments = self.path.strip("/").split("/")
        greedy = any(segment.endswith("+}") for segment in segments)
        statics = sum(1 for segment in segments if not segment.startswith("{"))
        return (
            0 if self.path == "$default" else 1,
            -int(greedy),
            statics * 100 + len(segments),
            int(self.method != "ANY"),
        )


def _path_pattern(template: str) -> re.Pattern[str]:
    pattern = ""
    for piece in re.split(r"(\{[^}]+\})", template):
        if piece.startswith("{") and piece.endswith("+}"):
            pattern += f"(?P<{_group(piece[1:-2])}>.+)"
        elif piece.startswith("{"):
            pattern += f"(?P<{_group(piece[1:-1])}>[^/]+)"
        else:
            pattern += re.escape(piece)
    return re.compile(pattern)


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


def routes_from_template(translated: Translated) -> list[Route]:
    apis = dict(translated.sam_resources("AWS::Serverless::HttpApi"))
    routes = []
    for function_id, props in translated.sam_resources("AWS::Serverless::Function"):
        for event in (props.get("Events") or {}).values():
            if event.get("Type") != "HttpApi":
                continue
            spec = event.get("Properties") or {}
            api_id = _api_id(spec.get("ApiId"))
            authorizer = _authorizer(spec, apis.get(api_id, {}))
            routes.append(
                Route(
                    method=str(spec.get("Method", "ANY")).upper(),
                    path=spec.get("Path", "$default"),
                    function=function_id,
                    api=api_id,
                    authorizer=None if authorizer == IAM else authorizer,
                    iam=authorizer == IAM,
                )
            )
    return sorted(routes, key=Route.specificity, reverse=True)


def _api_id(api_ref: Any) -> str:
    if isinstance(api_ref, dict) and "Ref" in api_ref:
        return api_ref["Ref"]
    return "ServerlessHttpApi"


def _authorizer(event_props: dict[str, Any], api_props: dict[str, Any]) -> str | None:
    name = (event_props.get("Auth") or {}).get("Authorizer")
    if name is None:
        name = (api_props.get("Auth") or {}).get("DefaultAuthorizer")
    return None if name in (None, "NONE") else name


def iam_context(principal: str, account: str, session: str = "sandbox") -> dict[str, Any]:
    """`requestContext.authorizer.iam` of a caller signing with `principal`'s credentials:
    a role is seen as the session that assumed it, an account root as itself."""
    match = re.fullmatch(r"arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([^/]+)", principal)
    if match is not None:
        partition, account, name = match.groups()
        user_arn = f"arn:{partition}:sts::{account}:assumed-role/{name}/{session}"
        user_id = f"AROASANDBOX{name.upper()[:8]}:{session}"
    else:
        root = re.fullmatch(r"arn:(aws[a-z-]*):iam::(\d{12}):root", principal)
        account = root.group(2) if root else account
        user_arn, user_id = principal, account
    return {
        "accessKey": "ASIASANDBOXACCESSKEY",
        "accountId": account,
        "callerId": user_id,
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": user_arn,
        "userId": user_id,
    }


def find_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        parameters = route.match(method.upper(), path)
        if parameters is not None:
            return route, parameters
    return None


def build_event(
    route: Route,
    path_parameters: dict[str, str],
    request: Request,
    now: datetime,
    account: str,
    claims: dict[str, str] | None,
    *,
    iam: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event for one request.

    `claims`: those of the token the JWT authorizer passed (None: no authorizer);
    `iam`: the signed IAM caller of an IAM route (`iam_context`).
    """
    body, is_base64 = _encode_body(request.body)
    headers = {key.lower(): value for key, value in (request.headers or {}).items()}
    if body is not None and not isinstance(request.body, str | bytes):
        headers.setdefault("content-type", "application/json")
    query = dict(request.query or {})
    request_context: dict[str, Any] = {
        "accountId": account,
        "apiId": route.api,
        "domainName": "sandbox.local",
        "http": {
            "method": request.method.upper(),
            "path": request.path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": headers.get("user-agent", "staycertified-sandbox"),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": route.route_key,
        "stage": "$default",
        "time": now.strftime("%d/%b/%Y:%H:%M:%S %z"),
        "timeEpoch": int(now.timestamp() * 1000),
    }
    if iam is not None:
        request_context["authorizer"] = {"iam": iam}
    if claims is not None:
        request_context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": request.path,
        "rawQueryString": urlencode(query),
        "headers": headers,
        "requestContext": request_context,
        "isBase64Encoded": is_base64,
    }
    if query:
        event["queryStringParameters"] = {key: str(value) for key, value in query.items()}
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body is not None:
        event["body"] = body
    return event


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: Any = None
    headers: dict[str, str] | None = None
    query: dict[str, str] | None = None

    @classmethod
    def from_target(cls, method: str, target: str, **kwargs: Any) -> Request:
        """A request whose path may carry a query string (`/x?a=1`)."""
        path, _, raw_query = target.partition("?")
        query = dict(parse_qsl(raw_query)) if raw_query else None
        return cls(method, path, query=kwargs.pop("query", None) or query, **kwargs)


def _encode_body(body: Any) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    if isinstance(body, bytes):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            return base64.b64encode(body).decode("ascii"), True
    if isinstance(body, str):
        return body, False
    return json.dumps(body), False


def translate_response(payload: Any) -> tuple[int, Any]:
    """A function's answer as API Gateway returns it (format 2.0, shorthand included)."""
    if not (isinstance(payload, dict) and "statusCode" in payload):
        return 200, payload  # shorthand: the value is the JSON body
    body = payload.get("body")
    if body is not None and payload.get("isBase64Encoded"):
        body = base64.b64decode(body)
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return int(payload["statusCode"]), body
    return int(payload["statusCode"]), _parse_body(body)


def _parse_body(body: Any) -> Any:
    if not isinstance(body, str):
        return body
    try:
        return json.loads(body)
    except ValueError:
        return body

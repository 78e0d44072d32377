"""A small CloudFormation intrinsic-function resolver over a deployed stack.

moto resolves what it creates, but drops (or leaves as `${X}`) every reference
to a resource it skips. The sandbox wires those resources itself and resolves
the template's values with this resolver: environment variables, outputs,
schedule targets, bucket notifications.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class UnresolvableError(ValueError):
    """A value refers to something the sandbox does not know how to resolve."""


@dataclass
class Stack:
    """What the resolver knows: parameters (pseudo ones included) and resources."""

    parameters: dict[str, str]
    physical_ids: dict[str, str]  # logical id -> what Ref returns
    types: dict[str, str]  # logical id -> CloudFormation type

    @property
    def region(self) -> str:
        return self.parameters["AWS::Region"]

    @property
    def account(self) -> str:
        return self.parameters["AWS::AccountId"]

    def ref(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical_ids:
            return self.physical_ids[name]
        raise UnresolvableError(f"Ref to unknown name {name!r}")

    def get_att(self, logical_id: str, attribute: str) -> str:
        if logical_id not in self.physical_ids:
            raise UnresolvableError(f"GetAtt on unknown resource {logical_id!r}")
        physical = self.physical_ids[logical_id]
        kind = self.types.get(logical_id, "")
        builder = _ATTRIBUTES.get((kind, attribute))
        if builder is None:
            raise UnresolvableError(f"GetAtt {logical_id}.{attribute} ({kind}) not supported")
        return builder(self, physical)


def _last_segment(arn: str) -> str:
    return arn.rsplit(":", 1)[-1]


_ATTRIBUTES = {
    ("AWS::Lambda::Function", "Arn"): lambda s, p: (
        f"arn:aws:lambda:{s.region}:{s.account}:function:{p}"
    ),
    ("AWS::StepFunctions::StateMachine", "Arn"): lambda s, p: p,
    ("AWS::StepFunctions::StateMachine", "Name"): lambda s, p: _last_segment(p),
    ("AWS::S3::Bucket", "Arn"): lambda s, p: f"arn:aws:s3:::{p}",
    ("AWS::S3::Bucket", "DomainName"): lambda s, p: f"{p}.s3.amazonaws.com",
    ("AWS::DynamoDB::Table", "Arn"): lambda s, p: (
        f"arn:aws:dynamodb:{s.region}:{s.account}:table/{p}"
    ),
    ("AWS::SQS::Queue", "Arn"): lambda s, p: (
        f"arn:aws:sqs:{s.region}:{s.account}:{p.rstrip('/').rsplit('/', 1)[-1]}"
    ),
    ("AWS::SQS::Queue", "QueueName"): lambda s, p: p.rstrip("/").rsplit("/", 1)[-1],
    ("AWS::Logs::LogGroup", "Arn"): lambda s, p: (
        f"arn:aws:logs:{s.region}:{s.account}:log-group:{p}"
    ),
    ("AWS::IAM::Role", "Arn"): lambda s, p: f"arn:aws:iam::{s.account}:role/{p}",
    ("AWS::SecretsManager::Secret", "Id"): lambda s, p: p,
    ("AWS::Events::Rule", "Arn"): lambda s, p: f"arn:aws:events:{s.region}:{s.account}:rule/{p}",
    ("AWS::Events::EventBus", "Name"): lambda s, p: p,
    ("AWS::Events::EventBus", "Arn"): lambda s, p: (
        f"arn:aws:events:{s.region}:{s.account}:event-bus/{p}"
    ),
    ("AWS::Cognito::UserPool", "Arn"): lambda s, p: (
        f"arn:aws:cognito-idp:{s.region}:{s.account}:userpool/{p}"
    ),
    ("AWS::Cognito::UserPool", "ProviderName"): lambda s, p: (
        f"cognito-idp.{s.region}.amazonaws.com/{p}"
    ),
}

_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


def resolve(value: Any, stack: Stack) -> Any:
    """`value` with every intrinsic function resolved against `stack`."""
    if isinstance(value, list):
        return [resolve(item, stack) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Ref":
            return stack.ref(argument)
        if name == "Fn::GetAtt":
            logical_id, attribute = (
                argument if isinstance(argument, list) else argument.split(".", 1)
            )
            return stack.get_att(logical_id, attribute)
        if name == "Fn::Sub":
            return _sub(argument, stack)
        if name == "Fn::Join":
            separator, items = argument
            return separator.join(str(item) for item in resolve(items, stack))
        if name == "Fn::Select":
            index, items = argument
            return resolve(items, stack)[int(resolve(index, stack))]
        if name == "Fn::Split":
            separator, text = argument
            return resolve(text, stack).split(separator)
        if name.startswith("Fn::"):
            raise UnresolvableError(f"{name} is not supported by the sandbox resolver")
    return {key: resolve(item, stack) for key, item in value.items()}


def _sub(argument: Any, stack: Stack) -> str:
    if isinstance(argument, list):
        template, variables = argument
        local = {name: resolve(item, stack) for name, item in variables.items()}
    else:
        template, local = argument, {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in local:
            return str(local[name])
        if "." in name and name.split(".", 1)[0] in stack.physical_ids:
            logical_id, attribute = name.split(".", 1)
            return stack.get_att(logical_id, attribute)
        return stack.ref(name)

    return _SUB_VARIABLE.sub(replace, template).replace("${!", "${")

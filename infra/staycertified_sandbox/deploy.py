"""Deploy the translated template into moto, then wire what moto skips, from the template.

See docs/LOCAL_AWS.md (shared docs) for the list of gaps. Every wiring below
reads the template; nothing names a resource of this project.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3

from .intrinsics import Stack, resolve
from .runtime import FunctionSpec
from .template import ARTIFACT_BUCKET, Translated

# moto's random is seeded before every deploy so physical names (table, bucket,
# function names) are the same in every sandbox of a process: handlers cache
# clients and settings built from their environment on first use, as in a warm
# Lambda container, and must find the same names in the next sandbox.
NAME_SEED = 20260101

# Placeholders for resources moto's CloudFormation skips and the sandbox emulates
# without creating anything (Ref returns these).
_EMULATED_IDS = {
    "AWS::ApiGatewayV2::Api": "sandboxapi",
    "AWS::ApiGatewayV2::Stage": "$default",
    "AWS::Cognito::UserPool": "{region}_sandbox",
    "AWS::Cognito::UserPoolClient": "sandboxclient",
    "AWS::Cognito::UserPoolGroup": "{logical_id}",
    "AWS::Cognito::UserPoolDomain": "{logical_id}",
    # The web site's hosting: `staycertified serve` serves the site itself (web.py).
    "AWS::CloudFront::Distribution": "{logical_id}",
    "AWS::CloudFront::OriginAccessControl": "{logical_id}",
    "AWS::CloudFront::ResponseHeadersPolicy": "{logical_id}",
    "AWS::CloudFront::Function": "{logical_id}",
    "AWS::Scheduler::Schedule": "{logical_id}",
    "AWS::S3::BucketPolicy": "{logical_id}",
    "AWS::Lambda::Permission": "{logical_id}",
    "AWS::Lambda::LayerVersion": "arn:aws:lambda:{region}:{account}:layer:{logical_id}:1",
}


class DeployError(RuntimeError):
    """The stack did not reach CREATE_COMPLETE, or a wiring step failed."""


@dataclass
class Deployment:
    """The deployed stack as the sandbox uses it."""

    translated: Translated
    stack: Stack
    outputs: dict[str, str]
    functions: dict[str, FunctionSpec]  # by logical id
    secrets: dict[str, str]  # logical id -> secret ARN


def create_stack(translated: Translated, stack_name: str, region: str) -> None:
    from moto.moto_api._internal import mock_random

    mock_random.seed(NAME_SEED)
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket=ARTIFACT_BUCKET)
    for artifact in translated.artifacts:
        s3.put_object(Bucket=ARTIFACT_BUCKET, Key=artifact.key, Body=artifact.data)
    cloudformation = boto3.client("cloudformation", region_name=region)
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(translated.cfn),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    status = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]["StackStatus"]
    if status != "CREATE_COMPLETE":
        raise DeployError(f"stack {stack_name} is {status}")


# moto warns about every resource type its CloudFormation skips, each time it
# parses the stack; the sandbox emulates those types, so the warning is noise.
warnings.filterwarnings("ignore", message=r"Tried to parse .* not supported by moto")

# Loggers quietened while a sandbox runs: moto's "No Moto CloudFormation support"
# warnings, and the Step Functions interpreter, which logs every failed state at
# ERROR level with its whole parse tree (the failure is in the execution's
# error and cause, see Sandbox.executions()).
_NOISY_LOGGERS = {
    "moto": logging.ERROR,
    "moto.stepfunctions.parser.asl.component.eval_component": logging.CRITICAL,
}


class QuietMoto:
    """Raises the level of moto's noisy loggers; `restore` puts them back."""

    def __init__(self) -> None:
        self._saved = {}
        for name, level in _NOISY_LOGGERS.items():
            logger = logging.getLogger(name)
            self._saved[name] = logger.level
            logger.setLevel(level)

    def restore(self) -> None:
        for name, level in self._saved.items():
            logging.getLogger(name).setLevel(level)


def read_stack(translated: Translated, stack_name: str, region: str, account: str) -> Stack:
    """Physical ids from moto, placeholders for the emulated resources."""
    from .template import parameter_values, pseudo_parameters

    cloudformation = boto3.client("cloudformation", region_name=region)
    described = cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]
    physical = {
        item["LogicalResourceId"]: item["PhysicalResourceId"]
        for item in described
        if item.get("LogicalResourceId") and item.get("PhysicalResourceId")
    }
    types = {lid: res["Type"] for lid, res in translated.cfn["Resources"].items()}
    for logical_id, kind in types.items():
        if logical_id not in physical and kind in _EMULATED_IDS:
            physical[logical_id] = _EMULATED_IDS[kind].format(
                region=region, account=account, logical_id=logical_id
            )
    parameters = parameter_values(translated.sam, {})
    parameters.update(pseudo_parameters(stack_name, region, account))
    stack = Stack(parameters=parameters, physical_ids=physical, types=types)
    # moto creates an AWS::Events::EventBus but reports no physical id: Ref is its Name
    for logical_id, props in translated.cfn_resources("AWS::Events::EventBus"):
        if logical_id not in physical:
            physical[logical_id] = str(resolve(props["Name"], stack))
    return stack


def create_secrets(translated: Translated, stack: Stack) -> dict[str, str]:
    """Secrets Manager secrets from the template (moto's CloudFormation skips them)."""
    client = boto3.client("secretsmanager", region_name=stack.region)
    created = {}
    for logical_id, props in translated.cfn_resources("AWS::SecretsManager::Secret"):
        name = (
            resolve(props.get("Name"), stack)
            or f"{stack.parameters['AWS::StackName']}-{logical_id}"
        )
        secret = client.create_secret(
            Name=name,
            Description=props.get("Description", ""),
            SecretString=_secret_value(client, props, stack),
        )
        created[logical_id] = secret["ARN"]
        stack.physical_ids[logical_id] = secret["ARN"]
    return created


def _secret_value(client: Any, props: dict[str, Any], stack: Stack) -> str:
    if "SecretString" in props:
        return resolve(props["SecretString"], stack)
    spec = props.get("GenerateSecretString", {})
    options = {
        key: spec[key]
        for key in (
            "PasswordLength",
            "ExcludeCharacters",
            "ExcludeNumbers",
            "ExcludePunctuation",
            "ExcludeUppercase",
            "ExcludeLowercase",
            "IncludeSpace",
            "RequireEachIncludedType",
        )
        if key in spec
    }
    password = client.get_random_password(**options)["RandomPassword"]
    if "SecretStringTemplate" in spec:
        document = json.loads(spec["SecretStringTemplate"])
        document[spec["GenerateStringKey"]] = password
        return json.dumps(document)
    return password


def function_specs(translated: Translated, stack: Stack) -> dict[str, FunctionSpec]:
    """Every AWS::Serverless::Function with its environment resolved from the stack."""
    layer_dirs = tuple(
        (translated.root / props["ContentUri"]).resolve()
        for _, props in translated.sam_resources("AWS::Serverless::LayerVersion")
        if isinstance(props.get("ContentUri"), str)
    )
    specs = {}
    for logical_id, _ in translated.sam_resources("AWS::Serverless::Function"):
        props = translated.cfn["Resources"][logical_id]["Properties"]
        name = stack.physical_ids[logical_id]
        variables = props.get("Environment", {}).get("Variables", {})
        specs[logical_id] = FunctionSpec(
            logical_id=logical_id,
            name=name,
            arn=stack.get_att(logical_id, "Arn"),
            code_dir=translated.code_dir(logical_id),
            handler=translated.handler(logical_id),
            environment={key: str(value) for key, value in resolve(variables, stack).items()},
            memory_mb=int(props.get("MemorySize", 128)),
            timeout_s=int(props.get("Timeout", 3)),
            layer_dirs=layer_dirs,
            region=stack.region,
        )
    return specs


def sync_function_environments(specs: dict[str, FunctionSpec], region: str) -> None:
    """Give moto's functions the full environment too (it drops refs to skipped resources)."""
    client = boto3.client("lambda", region_name=region)
    for spec in specs.values():
        current = client.get_function_configuration(FunctionName=spec.name)
        if current.get("Environment", {}).get("Variables", {}) != spec.environment:
            client.update_function_configuration(
                FunctionName=spec.name, Environment={"Variables": spec.environment}
            )


def register_state_machines(stack: Stack) -> None:
    """Copy CloudFormation's state machines into the backend that executes them."""
    from moto.stepfunctions.models import stepfunctions_backends
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    created = stepfunctions_backends[stack.account][stack.region]
    executing = stepfunctions_parser_backends[stack.account][stack.region]
    for logical_id, kind in stack.types.items():
        if kind != "AWS::StepFunctions::StateMachine":
            continue
        machine = created.describe_state_machine(stack.physical_ids[logical_id])
        executing.create_state_machine(
            name=machine.name,
            definition=machine.definition,
            roleArn=machine.roleArn,
            sm_type=getattr(machine, "sm_type", None) or "STANDARD",
        )


def apply_bucket_notifications(translated: Translated, stack: Stack) -> None:
    """The NotificationConfiguration of each bucket, through the S3 API."""
    s3 = boto3.client("s3", region_name=stack.region)
    for logical_id, config in translated.notifications.items():
        s3.put_bucket_notification_configuration(
            Bucket=stack.physical_ids[logical_id],
            NotificationConfiguration=_notification_api_form(resolve(config, stack)),
        )


def apply_bucket_versioning(translated: Translated, stack: Stack) -> None:
    """Each bucket's VersioningConfiguration, through the S3 API (moto's CloudFormation
    skips it; the documents bucket relies on versions to keep one object per grant)."""
    s3 = boto3.client("s3", region_name=stack.region)
    for logical_id, properties in translated.cfn_resources("AWS::S3::Bucket"):
        status = (properties.get("VersioningConfiguration") or {}).get("Status")
        if status:
            s3.put_bucket_versioning(
                Bucket=stack.physical_ids[logical_id],
                VersioningConfiguration={"Status": status},
            )


def _notification_api_form(config: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's shape (LambdaConfigurations/Event/S3Key.Rules) to the API's."""
    shapes = {
        "LambdaConfigurations": ("LambdaFunctionConfigurations", "Function", "LambdaFunctionArn"),
        "QueueConfigurations": ("QueueConfigurations", "Queue", "QueueArn"),
        "TopicConfigurations": ("TopicConfigurations", "Topic", "TopicArn"),
    }
    api: dict[str, Any] = {}
    for cfn_key, (api_key, target_key, api_target_key) in shapes.items():
        for item in config.get(cfn_key, []):
            entry: dict[str, Any] = {api_target_key: item[target_key], "Events": [item["Event"]]}
            rules = item.get("Filter", {}).get("S3Key", {}).get("Rules")
            if rules:
                entry["Filter"] = {"Key": {"FilterRules": rules}}
            api.setdefault(api_key, []).append(entry)
    return api


def verify_sender_identities(translated: Translated, stack: Stack) -> list[str]:
    """Verify every SES identity the template's policies allow sending from."""
    identities = sorted(set(_ses_identities(translated, stack)))
    client = boto3.client("sesv2", region_name=stack.region)
    for identity in identities:
        client.create_email_identity(EmailIdentity=identity)
    return identities


def _ses_identities(translated: Translated, stack: Stack) -> Iterator[str]:
    """Identities named by the functions' SES policies: a policy template's IdentityName, or
    the `identity/<name>` resource of an explicit statement allowing an `ses:` action."""
    for _, props in translated.sam_resources("AWS::Serverless::Function"):
        for policy in props.get("Policies") or []:
            if not isinstance(policy, dict):
                continue
            for name, arguments in policy.items():
                if (
                    name.startswith("SES")
                    and isinstance(arguments, dict)
                    and "IdentityName" in arguments
                ):
                    yield resolve(arguments["IdentityName"], stack)
                if name == "Statement":
                    yield from _statement_identities(arguments, stack)


def _statement_identities(statements: Any, stack: Stack) -> Iterator[str]:
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        if not any(str(action).startswith("ses:") for action in actions):
            continue
        resources = resolve(statement.get("Resource", []), stack)
        for resource in resources if isinstance(resources, list) else [resources]:
            if ":identity/" in str(resource):
                yield str(resource).split(":identity/", 1)[1]


def stack_outputs(translated: Translated, stack: Stack, stack_name: str) -> dict[str, str]:
    """The template's Outputs: moto's values, or the sandbox's for what moto left unresolved."""
    cloudformation = boto3.client("cloudformation", region_name=stack.region)
    described = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {item["OutputKey"]: item["OutputValue"] for item in described.get("Outputs", [])}
    for key, output in (translated.cfn.get("Outputs") or {}).items():
        if key not in outputs or "${" in str(outputs[key]):
            outputs[key] = str(resolve(output["Value"], stack))
    return outputs

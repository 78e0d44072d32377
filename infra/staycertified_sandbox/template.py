"""The SAM template: load it, package it like `sam package`, translate it offline.

`translate(path)` returns a `Translated` with the SAM template as written (its
events drive the router and the schedules) and the CloudFormation template moto
deploys. The result is cached per process and template content, so a test
session pays for the translation once.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ARTIFACT_BUCKET = "staycertified-sandbox-artifacts"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags (`!Ref`, `!GetAtt`, `!Sub`...)."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path) -> dict[str, Any]:
    """A CloudFormation/SAM template from YAML or JSON, short-form tags expanded."""
    return yaml.load(path.read_text(), Loader=_CfnLoader)


@dataclass(frozen=True)
class CodeArtifact:
    """One packaged code folder: the S3 key its zip is stored under, and the bytes."""

    key: str
    data: bytes


@dataclass
class Translated:
    sam: dict[str, Any]
    cfn: dict[str, Any]
    root: Path
    artifacts: list[CodeArtifact] = field(default_factory=list)
    # Bucket logical id -> its NotificationConfiguration, removed before the deploy.
    notifications: dict[str, Any] = field(default_factory=dict)

    def sam_resources(self, sam_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for logical_id, resource in self.sam.get("Resources", {}).items():
            if resource.get("Type") == sam_type:
                yield logical_id, resource.get("Properties", {}) or {}

    def cfn_resources(self, cfn_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for logical_id, resource in self.cfn.get("Resources", {}).items():
            if resource.get("Type") == cfn_type:
                yield logical_id, resource.get("Properties", {}) or {}

    def code_dir(self, function_id: str) -> Path:
        """The folder a function's code comes from (its CodeUri, Globals applied)."""
        props = self.sam["Resources"][function_id].get("Properties", {})
        code_uri = props.get("CodeUri") or _globals(self.sam).get("CodeUri")
        if not isinstance(code_uri, str):
            raise ValueError(f"{function_id}: CodeUri must be a local folder")
        return (self.root / code_uri).resolve()

    def handler(self, function_id: str) -> str:
        props = self.sam["Resources"][function_id].get("Properties", {})
        return props.get("Handler") or _globals(self.sam).get("Handler", "app.lambda_handler")


def _globals(sam: dict[str, Any]) -> dict[str, Any]:
    return sam.get("Globals", {}).get("Function", {}) or {}


def zip_folder(folder: Path) -> bytes:
    """A deterministic zip of a folder (what `sam package` uploads), caches left out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                info = zipfile.ZipInfo(
                    str(path.relative_to(folder)), date_time=(2020, 1, 1, 0, 0, 0)
                )
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _artifact(folder: Path) -> CodeArtifact:
    data = zip_folder(folder)
    return CodeArtifact(key=f"{hashlib.sha256(data).hexdigest()[:20]}.zip", data=data)


def package(sam: dict[str, Any], root: Path) -> tuple[dict[str, Any], list[CodeArtifact]]:
    """What `sam package` does: code folders to S3 objects, state machine files inlined.

    Layers are packaged too (an empty zip would do for moto, but the real one
    keeps the deploy honest about what AWS would receive); the in-process
    runtime puts the layer's folder on sys.path instead of unzipping it.
    """
    packaged = copy.deepcopy(sam)
    artifacts: dict[str, CodeArtifact] = {}
    default_code = _globals(sam).get("CodeUri")
    for props, prop_name in _code_properties(packaged, default_code):
        folder = (root / props[prop_name]).resolve()
        artifact = artifacts.get(str(folder)) or _artifact(folder)
        artifacts[str(folder)] = artifact
        props[prop_name] = {"Bucket": ARTIFACT_BUCKET, "Key": artifact.key}
    for resource in packaged.get("Resources", {}).values():
        props = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::StateMachine" and "DefinitionUri" in props:
            definition_uri = props.pop("DefinitionUri")
            props["Definition"] = json.loads((root / definition_uri).read_text())
    return packaged, list(artifacts.values())


def _code_properties(sam: dict[str, Any], default_code: Any) -> Iterator[tuple[dict, str]]:
    for resource in sam.get("Resources", {}).values():
        props = resource.setdefault("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function":
            if "CodeUri" not in props and isinstance(default_code, str):
                props["CodeUri"] = default_code
            if isinstance(props.get("CodeUri"), str):
                yield props, "CodeUri"
        elif resource.get("Type") == "AWS::Serverless::LayerVersion" and isinstance(
            props.get("ContentUri"), str
        ):
            yield props, "ContentUri"


def sam_translate(packaged: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """samtranslator offline: a session with the stack's region, no managed-policy lookup."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    session = boto3.session.Session(region_name=parameters["AWS::Region"])
    translator = Translator(None, Parser(), boto_session=session)
    return translator.translate(
        copy.deepcopy(packaged), parameters, get_managed_policy_map=lambda: {}
    )


def substitute_definitions(cfn: dict[str, Any]) -> None:
    """DefinitionString + DefinitionSubstitutions -> one `Fn::Join` of the definition's
    text and the substitutions' values (intrinsics moto resolves). Not a `Fn::Sub`:
    moto's runs `string.Template`, which turns the context object's `$$.` into `$.`."""
    for resource in cfn.get("Resources", {}).values():
        if resource.get("Type") != "AWS::StepFunctions::StateMachine":
            continue
        props = resource["Properties"]
        substitutions = props.pop("DefinitionSubstitutions", None)
        if not substitutions:
            continue
        definition = props["DefinitionString"]
        if isinstance(definition, dict) and "Fn::Join" in definition:
            separator, parts = definition["Fn::Join"]
            if not all(isinstance(part, str) for part in parts):
                raise ValueError("DefinitionString Fn::Join must hold plain strings")
            definition = separator.join(parts)
        props["DefinitionString"] = _join_substituted(definition, substitutions)


def _join_substituted(definition: str, substitutions: dict[str, Any]) -> dict[str, Any]:
    import re

    parts: list[Any] = []
    last = 0
    for found in re.finditer(r"\$\{([A-Za-z0-9_]+)\}", definition):
        if found.group(1) not in substitutions:
            continue
        parts.append(definition[last : found.start()])
        parts.append(substitutions[found.group(1)])
        last = found.end()
    parts.append(definition[last:])
    return {"Fn::Join": ["", [part for part in parts if part != ""]]}


def detach_bucket_notifications(cfn: dict[str, Any]) -> dict[str, Any]:
    """Remove buckets' NotificationConfiguration; the sandbox applies them after the deploy.

    moto never applies them anyway, and resolving them while the stack is
    created recurses forever when the notified function's role also refers to
    the bucket (the circular dependency CloudFormation itself would refuse).
    """
    detached = {}
    for logical_id, resource in cfn.get("Resources", {}).items():
        if resource.get("Type") == "AWS::S3::Bucket":
            config = (resource.get("Properties") or {}).pop("NotificationConfiguration", None)
            if config:
                detached[logical_id] = config
    return detached


def pseudo_parameters(stack_name: str, region: str, account: str) -> dict[str, str]:
    return {
        "AWS::Region": region,
        "AWS::AccountId": account,
        "AWS::Partition": "aws",
        "AWS::StackName": stack_name,
        "AWS::URLSuffix": "amazonaws.com",
    }


def parameter_values(sam: dict[str, Any], overrides: dict[str, str]) -> dict[str, str]:
    values = {
        name: str(spec["Default"])
        for name, spec in (sam.get("Parameters") or {}).items()
        if "Default" in spec
    }
    values.update(overrides)
    return values


def _packaged_paths(sam: dict[str, Any], root: Path) -> list[Path]:
    """Every file or folder the template packages (CodeUri, ContentUri, DefinitionUri)."""
    paths = []
    for resource in sam.get("Resources", {}).values():
        props = resource.get("Properties") or {}
        for name in ("CodeUri", "ContentUri", "DefinitionUri"):
            if isinstance(props.get(name), str):
                paths.append(root / props[name])
    default_code = _globals(sam).get("CodeUri")
    if isinstance(default_code, str):
        paths.append(root / default_code)
    return paths


def _fingerprint(path: Path) -> str:
    """Changes when the template or anything it packages changes (mtimes and sizes)."""
    digest = hashlib.sha256(path.read_bytes())
    for packaged in _packaged_paths(load_template(path), path.parent):
        files = sorted(packaged.rglob("*")) if packaged.is_dir() else [packaged]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                stat = file.stat()
                digest.update(f"{file}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()


def translate(
    path: Path, stack_name: str, region: str, account: str, overrides: dict[str, str]
) -> Translated:
    """The template packaged, translated and prepared for moto; cached per content."""
    key = (_fingerprint(path), stack_name, region, account, tuple(sorted(overrides.items())))
    return copy.deepcopy(_translate_cached(str(path.resolve()), key))


@functools.lru_cache(maxsize=8)
def _translate_cached(path_text: str, key: tuple) -> Translated:
    path = Path(path_text)
    _, stack_name, region, account, overrides = key
    sam = load_template(path)
    packaged, artifacts = package(sam, path.parent)
    parameters = parameter_values(sam, dict(overrides))
    parameters.update(pseudo_parameters(stack_name, region, account))
    cfn = sam_translate(packaged, parameters)
    substitute_definitions(cfn)
    notifications = detach_bucket_notifications(cfn)
    return Translated(sam, cfn, path.parent, artifacts, notifications)

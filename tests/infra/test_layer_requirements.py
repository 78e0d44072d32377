"""The layer's requirements (what `sam build` installs) agree with the lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def layer_requirements() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "shared" / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[_normal(name)] = version
    return pins


def locked_versions() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {_normal(p["name"]): p["version"] for p in lock["package"] if "version" in p}


def runtime_dependencies() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = (dependency.split("==") for dependency in project["dependencies"])
    return {_normal(name): version for name, version in pins}


def test_every_layer_requirement_is_pinned_to_its_locked_version():
    locked = locked_versions()
    assert {name: locked.get(name) for name in layer_requirements()} == layer_requirements()


def test_every_runtime_dependency_is_in_the_layer_at_its_pinned_version():
    layer = layer_requirements()
    assert {name: layer.get(name) for name in runtime_dependencies()} == runtime_dependencies()


def test_the_layer_carries_no_development_tool():
    assert not {"moto", "pytest", "boto3", "cfn-lint"} & set(layer_requirements())

"""Read and validate the policy file (see the package docstring)."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from pydantic import ValidationError

from staycertified.domain.policy import Policy

POLICY_PATH_ENV = "POLICY_PATH"
BUNDLED_POLICY = Path(__file__).with_name("policy.json")


class PolicyError(ValueError):
    """The policy file is missing, not JSON, or breaks the schema."""


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy at `path`, else `$POLICY_PATH`, else the bundled file. Cached per path."""
    chosen = Path(path) if path is not None else _default_path()
    return _load(chosen.resolve())


def _default_path() -> Path:
    override = os.environ.get(POLICY_PATH_ENV)
    return Path(override) if override else BUNDLED_POLICY


@functools.cache
def _load(path: Path) -> Policy:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PolicyError(f"policy file not found: {path}") from exc
    except json.JSONDecodeError as exc:
        raise PolicyError(f"policy file {path} is not valid JSON: {exc}") from exc
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(f"policy file {path} is invalid:\n{exc}") from exc

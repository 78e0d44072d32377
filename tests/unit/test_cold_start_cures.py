"""Cold-start cures (issue 8): what a first request builds is what it needs.

- every pydantic model of the layer defers building its validator to its first
  use (`defer_build=True`), so a request builds only the models it touches;
- the Tracer (and with it the X-Ray SDK) is built only where Powertools traces:
  in AWS with `Tracing: Active`, not when POWERTOOLS_TRACE_DISABLED is true.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pydantic
import pytest

import staycertified

ROOT = Path(__file__).resolve().parents[2]


def _layer_models() -> list[type[pydantic.BaseModel]]:
    models = []
    for info in pkgutil.walk_packages(staycertified.__path__, "staycertified."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, pydantic.BaseModel)
                and value.__module__ == module.__name__
            ):
                models.append(value)
    return models


def test_every_model_of_the_layer_defers_its_build() -> None:
    models = _layer_models()
    assert len(models) > 100  # the walk found the layer's models
    eager = [
        f"{m.__module__}.{m.__qualname__}" for m in models if not m.model_config.get("defer_build")
    ]
    assert eager == []


_CHILD = """
import json, sys, types
from staycertified.observability import lambda_entry, logger
logger.setLevel("CRITICAL")
handler = lambda_entry(lambda event: {"ok": event["n"]})
context = types.SimpleNamespace(function_name="f", memory_limit_in_mb=128, aws_request_id="r",
    invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:f")
answer = handler({"n": 1}, context)
print(json.dumps({"answer": answer, "xray": "aws_xray_sdk.core" in sys.modules}))
"""


def _first_invocation(**environment: str) -> dict[str, object]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("POWERTOOLS_TRACE_DISABLED", "AWS_SAM_LOCAL", "LAMBDA_TASK_ROOT")
    }
    env.update(
        PYTHONPATH=str(ROOT / "shared"),
        AWS_REGION="us-east-1",
        AWS_LAMBDA_FUNCTION_NAME="f",
        AWS_XRAY_CONTEXT_MISSING="IGNORE_ERROR",
        **environment,
    )
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("environment", "traced"),
    [
        ({"LAMBDA_TASK_ROOT": "/var/task"}, True),  # AWS, Tracing: Active
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, False),  # the sandbox
    ],
)
def test_the_tracer_is_built_only_where_powertools_traces(
    environment: dict[str, str], traced: bool
) -> None:
    seen = _first_invocation(**environment)
    assert seen["answer"] == {"ok": 1}
    assert seen["xray"] is traced

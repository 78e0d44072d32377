"""Every handler module imports with an empty environment: nothing at import time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from staycertified_sandbox.template import load_template

ROOT = Path(__file__).resolve().parents[2]
SAM = load_template(ROOT / "template.yaml")
GLOBAL_HANDLER = SAM.get("Globals", {}).get("Function", {}).get("Handler", "app.lambda_handler")

FUNCTIONS = {
    logical_id: (
        ROOT / resource["Properties"]["CodeUri"],
        resource["Properties"].get("Handler", GLOBAL_HANDLER),
    )
    for logical_id, resource in SAM["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
}

# One interpreter imports every handler in turn (each from its own folder,
# under a unique module name) and reports the outcome of each as JSON.
_IMPORT_ALL = """
import importlib.util, json, sys, traceback
results = {}
for logical_id, (folder, handler) in json.loads(sys.argv[1]).items():
    module_path, _, name = handler.rpartition(".")
    try:
        sys.path.insert(0, folder)
        spec = importlib.util.spec_from_file_location(
            "handler_" + logical_id, folder + "/" + module_path.replace(".", "/") + ".py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        results[logical_id] = "ok" if callable(getattr(module, name, None)) else "no " + name
    except BaseException:
        results[logical_id] = traceback.format_exc()
    finally:
        sys.path.remove(folder)
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def import_results() -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "POWERTOOLS_")) and name not in _TEMPLATE_VARIABLES
    }
    environment["PYTHONPATH"] = str(ROOT / "shared")
    argument = json.dumps(
        {lid: [str(folder), handler] for lid, (folder, handler) in FUNCTIONS.items()}
    )
    completed = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, argument],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


_TEMPLATE_VARIABLES = set(
    SAM.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
)


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_handler_imports_without_environment(
    logical_id: str, import_results: dict[str, str]
) -> None:
    assert import_results[logical_id] == "ok", import_results[logical_id]

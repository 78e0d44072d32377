"""Cold start: importing each handler module vs importing boto3 alone (target <= 1.3x).

For every function of template.yaml, a fresh interpreter runs
`python -c "import <handler module>"` from the function's folder with the layer
(shared/) on PYTHONPATH, interleaved with `python -c "import boto3"`, N times;
the medians are compared. Interpreter start-up is in both figures, as in Lambda.
Handlers are not changed here: this only reports.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPETITIONS = int(os.environ.get("BENCH_REPETITIONS", "15"))
TARGET_RATIO = 1.3


def functions() -> dict[str, tuple[Path, str]]:
    """logical id -> (code folder, handler module) from the template."""
    sys.path.insert(0, str(ROOT / "infra"))
    from staycertified_sandbox.template import load_template

    sam = load_template(ROOT / "template.yaml")
    default_handler = (
        sam.get("Globals", {}).get("Function", {}).get("Handler", "app.lambda_handler")
    )
    found = {}
    for logical_id, resource in sam["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            props = resource["Properties"]
            handler = props.get("Handler", default_handler)
            found[logical_id] = (ROOT / props["CodeUri"], handler.rpartition(".")[0])
    return found


def _time_import(module: str, folder: Path) -> float:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT / "shared"),
        "PYTHONDONTWRITEBYTECODE": "",
    }
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=folder, env=environment, check=True
    )
    return time.perf_counter() - started


def measure(folder: Path, module: str, repetitions: int = REPETITIONS) -> tuple[float, float]:
    """(median handler import, median boto3 import), interleaved so drift hits both."""
    _time_import(module, folder)  # warm the file cache and byte-compile once
    handler_times, boto3_times = [], []
    for _ in range(repetitions):
        handler_times.append(_time_import(module, folder))
        boto3_times.append(_time_import("boto3", folder))
    return statistics.median(handler_times), statistics.median(boto3_times)


def run() -> None:
    print(
        f"{'function':<28} {'handler ms':>10} {'boto3 ms':>9} {'ratio':>6}  (target <= {TARGET_RATIO}x)"
    )
    over = []
    for logical_id, (folder, module) in sorted(functions().items()):
        try:
            handler, boto3 = measure(folder, module)
        except subprocess.CalledProcessError:
            print(f"{logical_id:<28} {'import failed':>27}")
            over.append(logical_id)
            continue
        ratio = handler / boto3
        flag = "" if ratio <= TARGET_RATIO else "  over target"
        print(f"{logical_id:<28} {handler * 1000:10.0f} {boto3 * 1000:9.0f} {ratio:6.2f}{flag}")
        if ratio > TARGET_RATIO:
            over.append(logical_id)
    print(f"over target: {', '.join(over) or 'none'}")

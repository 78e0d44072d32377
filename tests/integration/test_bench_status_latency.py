"""`make bench` runs its status-latency benchmark to the end: the handler-only half calls
ApiFunction's `handle` with the environment the template gives the function (it
failed with `not set: BODY_TIME_ZONE` when it ran outside that environment)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMALL_RUN = """
import json, os
from bench.status_latency import measure
before = dict(os.environ)
figures = measure(members=20, requests=5)
print(json.dumps({**figures, "environment_kept": dict(os.environ) == before}))
"""


def test_the_status_latency_bench_measures_both_halves_and_leaves_the_environment() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SMALL_RUN], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figures["requests"], figures["failures"]) == (5, 0)
    assert figures["handler_p50"] > 0
    assert figures["environment_kept"] is True

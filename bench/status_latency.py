"""Status latency: GET /members/{id}/status through the deployed template, in process.

    python -m bench.status_latency [--members 450] [--requests 500]

The sample member base (data/sample_members.csv, or N generated members) is
loaded into the sandbox, each member is given a few recorded activities, and
N status requests go through `sb.api` (the HTTP API router, the real
ApiFunction handler, moto's DynamoDB) for members drawn at random (seeded).
Reports p50 / p95 / p99 / max in ms and the DynamoDB calls per request
(the target is exactly one Query). First request (cold: resolver build and
imports) is reported apart and excluded from the percentiles.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_members.csv"


def _rows(limit: int) -> list[dict[str, str]]:
    with open(SAMPLE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows[:limit]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def measure(members: int, requests: int, seed: int = 7) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "infra"))
    from staycertified import aws
    from staycertified_sandbox import Sandbox

    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), Sandbox(start=date(2026, 1, 5)) as sb:
        report = sb.load_members(_rows(members))
        ids = sorted({row["member_id"] for row in _rows(members)})
        for member_id in ids[: min(len(ids), 100)]:  # a realistic partition: some activities
            for day in ("2025-11-03", "2025-12-01", "2026-01-02"):
                sb.api(
                    "POST",
                    f"/members/{member_id}/activities",
                    {
                        "category": "PROFESSIONAL_EDUCATION",
                        "title": "Course",
                        "completedOn": day,
                        "quantity": 2,
                        "unit": "CONTACT_HOUR",
                        "qualifies": "JOB_PERFORMANCE",
                    },
                    as_staff=True,
                )
        rng = random.Random(seed)
        started = time.perf_counter()
        status, _ = sb.api("GET", f"/members/{ids[0]}/status", as_member=ids[0])
        cold_ms = (time.perf_counter() - started) * 1000
        assert status == 200
        calls: list[str] = []

        def count(model: Any, **_: Any) -> None:
            calls.append(model.name)

        events = aws.table(sb.env("TABLE_NAME")).meta.client.meta.events
        events.register("before-call.dynamodb", count)
        timings, failures = [], 0
        for _ in range(requests):
            member_id = rng.choice(ids)
            started = time.perf_counter()
            status, _ = sb.api("GET", f"/members/{member_id}/status", as_member=member_id)
            timings.append((time.perf_counter() - started) * 1000)
            failures += status != 200
        events.unregister("before-call.dynamodb", count)
        handler_timings = _handler_only(sb, ids, requests, rng)
    return {
        "members": report.members,
        "certifications": report.imported,
        "requests": requests,
        "failures": failures,
        "cold_ms": cold_ms,
        "p50": statistics.median(timings),
        "p95": _percentile(timings, 0.95),
        "p99": _percentile(timings, 0.99),
        "max": max(timings),
        "calls_per_request": {name: calls.count(name) / requests for name in sorted(set(calls))},
        "handler_p50": statistics.median(handler_timings),
        "handler_p95": _percentile(handler_timings, 0.95),
    }


def _handler_only(sb: Any, ids: list[str], requests: int, rng: random.Random) -> list[float]:
    """The same requests straight into ApiFunction's `handle` (no router, no Lambda invoke)."""
    import importlib.util
    import os

    from staycertified import aws

    spec = importlib.util.spec_from_file_location("bench_api_app", ROOT / "functions/api/app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The handler reads its settings (table, time zone, profile) from the environment
    # the template gives ApiFunction, as in Lambda: set it for these requests only.
    function = next(f for f in sb.functions.values() if f.logical_id == "ApiFunction")
    saved = {name: os.environ.get(name) for name in function.environment}
    os.environ.update(function.environment)
    try:
        return _timed_requests(module, aws.table(sb.env("TABLE_NAME")), sb, ids, requests, rng)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _timed_requests(
    module: Any, table: Any, sb: Any, ids: list[str], requests: int, rng: random.Random
) -> list[float]:
    epoch_ms = int(sb.now.timestamp() * 1000)
    timings = []
    for _ in range(requests):
        member_id = rng.choice(ids)
        path = f"/members/{member_id}/status"
        event = {
            "version": "2.0",
            "routeKey": "GET /members/{memberId}/status",
            "rawPath": path,
            "headers": {},
            "isBase64Encoded": False,
            "requestContext": {
                "http": {"method": "GET", "path": path},
                "stage": "$default",
                "timeEpoch": epoch_ms,
                "authorizer": {"jwt": {"claims": {"custom:member_id": member_id}}},
            },
        }
        started = time.perf_counter()
        answer = module.handle(event, None, table=table)
        timings.append((time.perf_counter() - started) * 1000)
        assert answer["statusCode"] == 200, answer
    return timings


def run(members: int = 450, requests: int = 500) -> dict[str, Any]:
    figures = measure(members, requests)
    print(
        f"{figures['requests']} status requests over {figures['members']} members "
        f"({figures['certifications']} certifications), {figures['failures']} non-200"
    )
    print(
        f"latency ms: p50 {figures['p50']:.1f}  p95 {figures['p95']:.1f}  "
        f"p99 {figures['p99']:.1f}  max {figures['max']:.1f}  (first request {figures['cold_ms']:.0f})"
    )
    print(
        f"handler only (no router, no Lambda invoke) ms: p50 {figures['handler_p50']:.1f}  "
        f"p95 {figures['handler_p95']:.1f}"
    )
    print(f"DynamoDB calls per request: {figures['calls_per_request']} (target: Query 1.0)")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=450)
    parser.add_argument("--requests", type=int, default=500)
    arguments = parser.parse_args()
    run(arguments.members, arguments.requests)

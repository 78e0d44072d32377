"""Cold start: a fresh process's import plus its first invocation, vs bare boto3 making the same calls (target <= 1.3x).

For every function of template.yaml that a short sandbox scenario invokes
(sample members over three months: schedules, renewals, the audit draw,
payments through the webhook, CE, a status and a verification request):

- **first**: a fresh interpreter imports the handler module from the
  function's folder (layer on PYTHONPATH, the function's environment) and
  calls `lambda_handler` once with the first event the sandbox recorded for
  it, against the embedded AWS (the sandbox's moto, reached over HTTP through
  `AWS_ENDPOINT_URL`);
- **bare boto3**: a fresh interpreter that imports boto3 and makes exactly the
  AWS calls the first invocation made (recorded once, with their parameters,
  after the SDK's own transformations), against the same embedded AWS;
- **floor**: a fresh interpreter running a minimal handler of the same kind built
  only on the libraries the house style mandates (boto3, pydantic, Powertools
  Logger and Metrics; for an HTTP function the Powertools HTTP resolver with
  request validation), making the same AWS calls: what the libraries cost before
  any code of ours runs. `first - floor` ("ours") is what the layer and the
  handler add; `floor / bare` is the part of the ratio no cure of ours can remove;
- **import only**: a fresh interpreter that only imports the handler module,
  beside `import boto3` alone (the former figure of this benchmark).

Interpreter start-up is in every figure, as in Lambda. Medians of N runs
(BENCH_REPETITIONS, default 3), interleaved. Only some functions:
`python -m bench.cold_start VerifyFunction ApiFunction` or
`BENCH_FUNCTIONS=VerifyFunction,ApiFunction python -m bench cold_start`
(the "Function" suffix may be left off); default: every function.
`BENCH_BASELINE=<another checkout>` (e.g. `git worktree add /tmp/before <commit>`)
also times that checkout's first request, interleaved: before/after ratios from
one run, under one load. For the function
furthest over its bare handler, where the time goes is printed: its heaviest
imports over the import and the first request (`python -X importtime`), the
layer's own modules by self time, and a profile of the first request.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPETITIONS = int(os.environ.get("BENCH_REPETITIONS", "3"))
# Another checkout of this repository (e.g. `git worktree add /tmp/before <commit>`): its
# functions and layer are measured too, interleaved with these, for before/after ratios
# taken under the same load.
BASELINE = os.environ.get("BENCH_BASELINE")
TARGET_RATIO = 1.3

# The child that runs a handler: import, then (mode first/record) one invocation.
CHILD = r"""
import json, pickle, sys, types
mode, event_file, calls_file = sys.argv[1:4]
calls = []
if mode == "record":
    import copy
    import botocore.session
    def record(params, model, **_):
        calls.append((model.service_model.service_name, model.name, copy.deepcopy(params)))
    # every session's calls, not only boto3's default session's (Powertools Parameters
    # builds its own session for the secret)
    made = botocore.session.Session.__init__
    def recording(self, *args, **kwargs):
        made(self, *args, **kwargs)
        self.get_component("event_emitter").register_last("before-parameter-build", record)
    botocore.session.Session.__init__ = recording
import app
if mode != "import":
    context = types.SimpleNamespace(
        function_name="bench", function_version="$LATEST", memory_limit_in_mb=512,
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:bench",
        aws_request_id="00000000-0000-0000-0000-000000000000",
        log_group_name="/aws/lambda/bench", log_stream_name="bench",
        get_remaining_time_in_millis=lambda: 300000,
    )
    with open(event_file) as f:
        event = json.load(f)
    if mode == "profile":
        import cProfile, pstats
        profile = cProfile.Profile()
        profile.runcall(app.lambda_handler, event, context)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    else:
        app.lambda_handler(event, context)
if mode == "record":
    with open(calls_file, "wb") as f:
        pickle.dump(calls, f)
"""

# The recorded AWS calls, made with bare boto3 clients (in the bare and the floor handlers).
CALLS = r"""
import pickle
import boto3
from botocore import xform_name
from botocore.exceptions import ClientError

def make_calls(calls_file):
    with open(calls_file, "rb") as f:
        calls = pickle.load(f)
    clients = {}
    for service, operation, params in calls:
        client = clients.get(service) or clients.setdefault(service, boto3.client(service))
        try:
            getattr(client, xform_name(operation))(**params)
        except ClientError:
            pass
    return len(calls)
"""

# The minimal handler: bare boto3, the same calls.
BARE = (
    CALLS
    + r"""
import sys
make_calls(sys.argv[1])
"""
)

# The floor: the libraries the house style mandates for this kind of function (STYLE §1,
# §8, §13: boto3, pydantic, Powertools Logger and Metrics; for an HTTP function the
# Powertools HTTP resolver with request validation), doing the least a handler of that
# kind does (the Logger's Lambda context, one EMF metric, one small model validated, an
# HTTP event resolved to one route), then the same AWS calls as the bare handler. What
# the first request costs above it is ours.
FLOOR = (
    CALLS
    + r"""
import json, sys, types
from pydantic import BaseModel
from aws_lambda_powertools import Logger, Metrics
calls_file, event_file = sys.argv[1:3]
logger = Logger(service="floor")
metrics = Metrics(namespace="Floor", service="floor")
with open(event_file) as f:
    event = json.load(f)
http = isinstance(event, dict) and "routeKey" in event and "requestContext" in event

class Answer(BaseModel):
    calls: int

def calls_made():
    return Answer(calls=make_calls(calls_file)).model_dump()

if http:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    app = APIGatewayHttpResolver(enable_validation=True)
    method = event["requestContext"]["http"]["method"]
    app.route(event["rawPath"], method=method)(calls_made)
    work = lambda event, context: app.resolve(event, context)
else:
    work = lambda event, context: calls_made()

@logger.inject_lambda_context
@metrics.log_metrics
def handler(event, context):
    metrics.add_metric(name="Answered", unit="Count", value=1)
    return work(event, context)

handler(event, types.SimpleNamespace(
    function_name="bench", function_version="$LATEST", memory_limit_in_mb=512,
    invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:bench",
    aws_request_id="00000000-0000-0000-0000-000000000000",
    log_group_name="/aws/lambda/bench", log_stream_name="bench",
    get_remaining_time_in_millis=lambda: 300000,
))
"""
)


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


# ---------------------------------------------------------------- the embedded AWS over HTTP

_HOSTS = {
    "s3": "s3.amazonaws.com",
    "sesv2": "email.{r}.amazonaws.com",
    "ses": "email.{r}.amazonaws.com",
}


class _Forward(BaseHTTPRequestHandler):
    """Hands each SDK request of a child process to the sandbox's moto (in this process):
    the service and region come from the SigV4 credential scope, as moto's server does."""

    def _any(self) -> None:
        import requests

        scope = self.headers.get("Authorization", "").split("Credential=")[-1].split("/")
        region, service = (scope[2], scope[3]) if len(scope) > 3 else ("us-east-1", "s3")
        host = _HOSTS.get(service, "{s}.{r}.amazonaws.com").format(s=service, r=region)
        if service == "ses" and "/v2/" in self.path:
            host = _HOSTS["sesv2"].format(r=region)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host",)}
        answer = requests.request(
            self.command, f"https://{host}{self.path}", headers=headers, data=body, timeout=60
        )
        self.send_response(answer.status_code)
        for key, value in answer.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "content-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

    def log_message(self, *_: Any) -> None:
        return


@contextlib.contextmanager
def _endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


# ---------------------------------------------------------------- the scenario


def _first_events(sb: Any) -> dict[str, Any]:
    """Three months of sample members; the first event each function received."""
    import csv

    from staycertified_sandbox.behaviour import MemberBehaviour

    with (ROOT / "data" / "sample_members.csv").open() as f:
        rows = list(csv.DictReader(f))[:40]
    assert not sb.load_members(rows).errors
    behaviour = MemberBehaviour(sb, rows)
    for month_end in (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)):
        sb.advance_to(month_end)
        behaviour.month_end(month_end)
    member = rows[0]
    sb.api("GET", f"/members/{member['member_id']}/status", as_member=member["member_id"])
    sb.api("GET", f"/verify/{member['certificate_number']}?lastName={member['last_name']}")
    first: dict[str, Any] = {}
    for invocation in sb.invocations:
        first.setdefault(invocation.function, invocation.event)
    return first


def _environment(spec: Any, endpoint: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT / "shared"),
        "PYTHONDONTWRITEBYTECODE": "",
        **spec.environment,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here; the SDK is still imported
    }


def _timed(argv: list[str], folder: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        argv, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if done.returncode:
        raise RuntimeError(done.stderr.decode()[-600:])
    return time.perf_counter() - started


def _baseline(folder: Path, env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """The same function's folder and environment in the BENCH_BASELINE checkout."""
    assert BASELINE
    return Path(BASELINE) / folder.relative_to(ROOT), env | {
        "PYTHONPATH": str(Path(BASELINE) / "shared")
    }


def measure(spec: Any, event: Any, endpoint: str, work: Path) -> dict[str, float]:
    env = _environment(spec, endpoint)
    folder = spec.code_dir
    event_file, calls_file = work / f"{spec.logical_id}.json", work / f"{spec.logical_id}.pkl"
    event_file.write_text(json.dumps(event))
    child = [sys.executable, "-c", CHILD]
    _timed([*child, "record", str(event_file), str(calls_file)], folder, env)
    calls = len(pickle.loads(calls_file.read_bytes()))
    times: dict[str, list[float]] = {
        "first": [],
        "bare": [],
        "floor": [],
        "import": [],
        "boto3": [],
    }
    floor = [sys.executable, "-c", FLOOR, str(calls_file), str(event_file)]
    if BASELINE:  # once unmeasured, as `record` is here: the baseline's bytecode is written
        _timed([*child, "first", str(event_file), "-"], *_baseline(folder, env))
    for _ in range(REPETITIONS):
        times["first"].append(_timed([*child, "first", str(event_file), "-"], folder, env))
        times["bare"].append(_timed([sys.executable, "-c", BARE, str(calls_file)], folder, env))
        times["floor"].append(_timed(floor, folder, env))
        times["import"].append(_timed([*child, "import", "-", "-"], folder, env))
        times["boto3"].append(_timed([sys.executable, "-c", "import boto3"], folder, env))
        if BASELINE:
            run_before = [*child, "first", str(event_file), "-"]
            times.setdefault("before", []).append(_timed(run_before, *_baseline(folder, env)))
    figures = {name: statistics.median(values) for name, values in times.items()}
    figures["calls"] = float(calls)
    return figures


def top_imports(spec: Any, event: Any, endpoint: str, work: Path, count: int = 8) -> Any:
    """`python -X importtime` over the import *and* the first request (the handler imports
    lazily, so `import app` alone hides most of it): the heaviest first-level imports
    (cumulative ms) and the layer's own modules by self time."""
    env = _environment(spec, endpoint)
    event_file = work / f"{spec.logical_id}.json"
    event_file.write_text(json.dumps(event))
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CHILD, "first", str(event_file), "-"],
        cwd=spec.code_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    heaviest, ours = [], []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = (
            part.strip() for part in line.removeprefix("import time:").split("|")
        )
        if name.count(" ") <= 2:  # top-level and first-level imports: the ones to act on
            heaviest.append((name.strip(), int(cumulative) / 1000))
        if name.strip().startswith("staycertified"):
            ours.append((name.strip(), int(own) / 1000))
    by_time = sorted(heaviest, key=lambda r: -r[1])[:count]
    return by_time, sorted(ours, key=lambda r: -r[1]), sum(ms for _, ms in ours)


def first_request_profile(spec: Any, event: Any, endpoint: str, work: Path) -> list[str]:
    """cProfile of the first invocation (after the import): the heaviest calls."""
    env = _environment(spec, endpoint)
    event_file = work / f"{spec.logical_id}.json"
    event_file.write_text(json.dumps(event))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "profile", str(event_file), "-"],
        cwd=spec.code_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in done.stderr.splitlines() if "{" in line or ".py:" in line]
    return [line.strip() for line in lines[:14]]


def selected(names: list[str] | None = None) -> list[str]:
    """The functions to measure: `names`, else $BENCH_FUNCTIONS (comma or space separated),
    else every function of the template. "Verify" stands for "VerifyFunction"."""
    known = sorted(functions())
    if names is None:
        names = os.environ.get("BENCH_FUNCTIONS", "").replace(",", " ").split()
    if not names:
        return known
    chosen = [n if n in known else f"{n}Function" for n in names]
    unknown = [n for n, c in zip(names, chosen, strict=True) if c not in known]
    if unknown:
        raise SystemExit(f"unknown function(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return sorted(set(chosen))


def run(out: Any = None, names: list[str] | None = None) -> dict[str, dict[str, float]]:
    import logging

    out = out or sys.stdout
    chosen = selected(names)
    from staycertified_sandbox import Sandbox

    saved = sys.stdout
    sys.stdout = io.StringIO()
    logging.disable(logging.CRITICAL)
    results: dict[str, dict[str, float]] = {}
    try:
        with Sandbox(start=datetime(2026, 1, 1)) as sb, _endpoint() as endpoint:
            events = _first_events(sb)
            specs = {spec.logical_id: spec for spec in sb.functions.values()}
            with tempfile.TemporaryDirectory() as work:
                for logical_id in chosen:
                    if logical_id in events:
                        results[logical_id] = measure(
                            specs[logical_id], events[logical_id], endpoint, Path(work)
                        )
                worst = max(results, key=lambda k: results[k]["first"] / results[k]["bare"])
                heavy, layer, layer_ms = top_imports(
                    specs[worst], events[worst], endpoint, Path(work)
                )
                profiled = first_request_profile(specs[worst], events[worst], endpoint, Path(work))
    finally:
        sys.stdout = saved
        logging.disable(logging.NOTSET)
    print(
        f"{'function':<30} {'calls':>5} {'first ms':>9} {'floor ms':>9} {'bare ms':>8}"
        f" {'ratio':>6} {'floor':>6} {'ours ms':>8} {'import ms':>10} {'boto3 ms':>9}"
        f" {'ratio':>6}  (target first/bare <= {TARGET_RATIO}x)",
        file=out,
    )
    over = []
    for logical_id, f in results.items():
        ratio = f["first"] / f["bare"]
        flag = "" if ratio <= TARGET_RATIO else "  over target"
        if ratio > TARGET_RATIO:
            over.append(logical_id)
        print(
            f"{logical_id:<30} {f['calls']:5.0f} {f['first'] * 1000:9.0f}"
            f" {f['floor'] * 1000:9.0f} {f['bare'] * 1000:8.0f} {ratio:6.2f}"
            f" {f['floor'] / f['bare']:6.2f} {(f['first'] - f['floor']) * 1000:8.0f}"
            f" {f['import'] * 1000:10.0f} {f['boto3'] * 1000:9.0f}"
            f" {f['import'] / f['boto3']:6.2f}{flag}",
            file=out,
        )
    if BASELINE:
        print(f"before: the first request of {BASELINE}, interleaved with these runs", file=out)
        for logical_id, f in results.items():
            print(
                f"{logical_id:<30} before {f['before'] * 1000:6.0f} ms"
                f" {f['before'] / f['bare']:5.2f}x  ->  after {f['first'] * 1000:6.0f} ms"
                f" {f['first'] / f['bare']:5.2f}x  (floor {f['floor'] / f['bare']:.2f}x)",
                file=out,
            )
    print(
        "ratio = first/bare; floor = floor/bare, the mandated libraries' own share (boto3,"
        " pydantic, Powertools Logger/Metrics, the HTTP resolver for HTTP functions, same"
        " AWS calls); ours = first - floor: what the layer and the handler add",
        file=out,
    )
    missing = sorted(set(chosen) - set(results))
    print(f"not invoked by the scenario: {', '.join(missing) or 'none'}", file=out)
    print(f"over target: {', '.join(over) or 'none'}", file=out)
    print(f"where {worst}'s import and first request go (-X importtime, cumulative):", file=out)
    for name, ms in heavy:
        print(f"  {name:<50} {ms:7.1f} ms", file=out)
    print(
        f"  the layer's own {len(layer)} modules, self time: {layer_ms:.1f} ms; heaviest:", file=out
    )
    for name, ms in layer[:6]:
        print(f"    {name:<48} {ms:7.1f} ms", file=out)
    print(f"{worst}'s first request (cProfile, cumulative s):", file=out)
    for line in profiled:
        print(f"  {line}", file=out)
    return results


if __name__ == "__main__":
    run(names=sys.argv[1:] or None)

"""Lambda functions run in process: moto's `LambdaFunction._invoke_lambda` replaced.

moto runs Lambda code only in Docker. The sandbox registers each function of
the template (code folder, handler, environment) and every invocation path of
moto (lambda.invoke, Step Functions tasks, S3 notifications, EventBridge
targets wired by the sandbox) ends in `_invoke_in_process`, which:

- imports the handler module from the function's folder under a name unique to
  that folder (cached: a module is imported once per process, like a warm
  Lambda container), with the layer folders and the function folder on sys.path;
- shows the handler the function's environment exactly as the template gives it,
  plus what the Lambda runtime sets (AWS_LAMBDA_FUNCTION_NAME, region,
  credentials...) and `AWS_SAM_LOCAL=true` as `sam local` does, for the duration
  of the call, in the calling thread only (a layer over os.environ: the process
  environment never changes). sys.path and the imported handler modules are
  process-wide, so calls are serialised by a re-entrant lock:
  a handler may invoke another one synchronously in the same thread, but must
  not wait for work another thread would run in a handler (it would deadlock);
- returns `(payload_json, errored, logs)`; an exception becomes the payload
  AWS returns (`errorType` = the exception class name), so ASL Retry/Catch on
  class names behave as in AWS;
- keeps in `Invocation.logs` what Lambda would ship to CloudWatch for the call:
  everything the handler's thread writes to sys.stdout/sys.stderr while it runs,
  every log record any logger of that thread is handed (taken in `Logger.handle`,
  before any filter or handler, so whatever Powertools does to the handlers, with
  every attribute and the exception text), and the runtime's report of an uncaught
  exception. The third element (moto's LogResult) is its last 4 KB, as in AWS.

Timeouts are not enforced (the call runs to completion); `Invocation.duration`
tells how long it took.
"""

from __future__ import annotations

import decimal
import importlib.util
import io
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .patches import Patches

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
_REMOVED_FROM_LAMBDA_ENV = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE")


@dataclass(frozen=True)
class FunctionSpec:
    """One function of the template, as the in-process runtime runs it."""

    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler: str
    environment: dict[str, str]
    memory_mb: int = 128
    timeout_s: int = 3
    layer_dirs: tuple[Path, ...] = ()
    region: str = "us-east-1"


@dataclass
class Invocation:
    """One call of a handler, kept by the sandbox for tests and reports."""

    function: str  # logical id
    request_id: str
    event: Any
    result: Any = None
    error_type: str | None = None
    error_message: str | None = None
    traceback: str | None = None
    duration: float = 0.0
    # Every AWS API call the handler made: (IAM service prefix, operation, parameters).
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    # What Lambda would ship to CloudWatch: stdout/stderr text and every log record.
    output: list[str] = field(default_factory=list)

    @property
    def logs(self) -> str:
        """The call's log stream as CloudWatch would hold it (START .. END)."""
        report = ""
        if self.failed:
            report = f"[ERROR] {self.error_type}: {self.error_message}\n{self.traceback or ''}"
        body = "".join(self.output)
        return (
            f"START RequestId: {self.request_id}\n{body}{report}END RequestId: {self.request_id}\n"
        )

    @property
    def failed(self) -> bool:
        return self.error_type is not None


class LambdaContext:
    """The context object the Python runtime hands to a handler."""

    def __init__(self, spec: FunctionSpec, request_id: str) -> None:
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec.arn
        self.memory_limit_in_mb = spec.memory_mb
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec.name}"
        self.log_stream_name = f"sandbox/[$LATEST]{request_id.replace('-', '')}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + spec.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class _Registry:
    functions: dict[str, FunctionSpec] = field(default_factory=dict)  # by name
    invocations: list[Invocation] = field(default_factory=list)
    modules: dict[tuple[str, str], ModuleType] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)


REGISTRY = _Registry()
_installed: Patches | None = None
_current = threading.local()  # the invocation whose handler runs in this thread


def register(specs: list[FunctionSpec]) -> None:
    with REGISTRY.lock:
        REGISTRY.functions = {spec.name: spec for spec in specs}
        REGISTRY.invocations = []


def unregister() -> None:
    with REGISTRY.lock:
        REGISTRY.functions = {}


def install() -> None:
    """Replace moto's Docker-based invoke (for a Sandbox's lifetime; unknown functions keep it)."""
    global _installed
    if _installed is not None:
        return
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction._invoke_lambda

    def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        spec = REGISTRY.functions.get(self.function_name)
        if spec is None:
            return original(self, event)
        return invoke_in_process(spec, event)

    _installed = Patches()
    _installed.replace(LambdaFunction, "_invoke_lambda", _invoke_lambda)
    _record_api_calls(_installed)
    _record_log_records(_installed)
    ENVIRON_LAYERS.install()


def uninstall() -> None:
    """Put moto's own invoke back."""
    global _installed
    if _installed is not None:
        _installed.undo()
        _installed = None
    ENVIRON_LAYERS.uninstall()


def _record_api_calls(patches: Patches) -> None:
    """Every botocore call a handler makes lands in its Invocation (least-privilege tests)."""
    from botocore.client import BaseClient

    original = BaseClient._make_api_call

    def _make_api_call(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        stack = getattr(_current, "stack", None)
        if stack:
            prefix = self.meta.service_model.signing_name or self.meta.service_model.service_name
            stack[-1].calls.append((prefix, operation_name, dict(api_params)))
        return original(self, operation_name, api_params)

    patches.replace(BaseClient, "_make_api_call", _make_api_call)


def _record_log_records(patches: Patches) -> None:
    """Every log record a handler's thread makes lands in its Invocation's output, taken
    where a logger is handed it: before the logger's filters and its handlers (Powertools
    puts a filter on the root logger's handlers that drops its records there)."""
    original = logging.Logger.handle

    def handle(self: logging.Logger, record: logging.LogRecord) -> None:
        stack = getattr(_current, "stack", None)
        if stack:
            stack[-1].output.append(_record_text(record))
        original(self, record)

    patches.replace(logging.Logger, "handle", handle)


def _record_text(record: logging.LogRecord) -> str:
    """One record as text: its message, every attribute (extra keys included) and the
    exception it carries, whatever formatter would have written it."""
    attributes = {k: v for k, v in record.__dict__.items() if k not in ("msg", "args")}
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # logging reports such a record itself
        message = str(record.msg)
    exception = ""
    if record.exc_info:
        exception = "".join(traceback.format_exception(*record.exc_info))
    return f"{record.levelname} {message} {attributes!r}\n{exception}"


class _ThreadOutput(io.TextIOBase):
    """sys.stdout/sys.stderr while a handler runs: what a thread inside a handler writes
    is kept in that invocation's output, and everything goes on to the stream it wraps."""

    def __init__(self, wrapped: Any) -> None:
        super().__init__()
        self.wrapped = wrapped

    def write(self, text: str) -> int:
        stack = getattr(_current, "stack", None)
        if stack:
            stack[-1].output.append(text)
        try:
            return int(self.wrapped.write(text))
        except ValueError:  # a stream closed since (pytest's capture of an earlier test)
            return len(text)

    def flush(self) -> None:
        with suppress(ValueError):
            self.wrapped.flush()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.wrapped, "encoding", "utf-8"))

    def isatty(self) -> bool:
        return False


@contextmanager
def _thread_output() -> Iterator[None]:
    """sys.stdout and sys.stderr wrapped for the call (the outermost call wraps them)."""
    saved = {name: getattr(sys, name) for name in ("stdout", "stderr")}
    installed = {}
    for name, stream in saved.items():
        if not isinstance(stream, _ThreadOutput):
            installed[name] = _ThreadOutput(stream)
            setattr(sys, name, installed[name])
    try:
        yield
    finally:
        for name, wrapper in installed.items():
            if getattr(sys, name) is wrapper:
                setattr(sys, name, saved[name])


def invoke_in_process(spec: FunctionSpec, event: Any) -> tuple[str, bool, str]:
    if isinstance(event, str | bytes):
        event = json.loads(event or "{}")
    request_id = str(uuid.uuid4())
    record = Invocation(function=spec.logical_id, request_id=request_id, event=event)
    started = time.perf_counter()
    with REGISTRY.lock:
        REGISTRY.invocations.append(record)
        stack = _current.__dict__.setdefault("stack", [])
        stack.append(record)
        try:
            with _function_environment(spec), _thread_output():
                payload, errored = _call_handler(spec, event, request_id, record)
        finally:
            stack.pop()
    record.duration = time.perf_counter() - started
    return payload, errored, record.logs[-4096:]  # LogResult: the last 4 KB, as in AWS


def _call_handler(
    spec: FunctionSpec, event: Any, request_id: str, record: Invocation
) -> tuple[str, bool]:
    try:
        handler = _load_handler(spec)
        result = handler(event, LambdaContext(spec, request_id))
        payload = _to_json(result)
    except Exception as error:
        record.error_type = type(error).__name__
        record.error_message = str(error)
        record.traceback = traceback.format_exc()
        return json.dumps(_error_payload(error, request_id)), True
    record.result = result
    return payload, False


class MarshalError(Exception):
    """The handler returned something the Python runtime cannot serialise."""


def _to_json(result: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, decimal.Decimal):  # as the Python runtime's marshaller does
            return float(value)
        raise MarshalError(
            f"Unable to marshal response: {type(value).__name__} is not JSON serializable"
        )

    return json.dumps(result, default=default)


def _error_payload(error: Exception, request_id: str) -> dict[str, Any]:
    error_type = "Runtime.MarshalError" if isinstance(error, MarshalError) else type(error).__name__
    return {
        "errorMessage": str(error),
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": traceback.format_tb(error.__traceback__),
    }


def _load_handler(spec: FunctionSpec) -> Any:
    module_path, _, function_name = spec.handler.rpartition(".")
    key = (str(spec.code_dir), module_path)
    module = REGISTRY.modules.get(key)
    if module is None:
        module = _import_from_folder(spec, module_path)
        REGISTRY.modules[key] = module
    return getattr(module, function_name)


def _import_from_folder(spec: FunctionSpec, module_path: str) -> ModuleType:
    """Import `module_path` from the function's folder under a name unique to that folder."""
    file = spec.code_dir / (module_path.replace(".", "/") + ".py")
    unique = (
        f"_lambda_{spec.code_dir.name}_{abs(hash(str(spec.code_dir))):x}_"
        + module_path.replace(".", "_")
    )
    module_spec = importlib.util.spec_from_file_location(unique, file)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot import {file}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[unique] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[unique]
        raise
    return module


@contextmanager
def _function_environment(spec: FunctionSpec) -> Iterator[None]:
    """os.environ as the function sees it (in this thread only) and sys.path, restored
    afterwards.

    The function's variables are a layer over os.environ that only the calling thread
    sees: os.environ itself never changes, so moto's Step Functions threads and a test's
    own thread never meet a name half-removed (KeyError 'AWS_LAMBDA_FUNCTION_NAME' in
    CI, from botocore copying os.environ while a call switched it), and nothing a
    function's template sets is left behind for later tests (a unit test met the last
    sandbox's MAIL_BUCKET)."""
    saved_path = list(sys.path)
    try:
        for folder in (spec.code_dir, *spec.layer_dirs):
            if str(folder) not in sys.path:
                sys.path.insert(0, str(folder))
        with ENVIRON_LAYERS.pushed(_layer_for(spec)):
            yield
    finally:
        sys.path[:] = saved_path


def _layer_for(spec: FunctionSpec) -> dict[str, str | None]:
    """What the function sees over the process: its template variables and the runtime's;
    hidden (None): what only other functions are given, and what Lambda never has."""
    hidden = {name for other in REGISTRY.functions.values() for name in other.environment}
    hidden.update(_REMOVED_FROM_LAMBDA_ENV)
    layer: dict[str, str | None] = dict.fromkeys(hidden)
    layer.update(_runtime_variables(spec))
    layer.update(spec.environment)
    return layer


class _EnvironLayers:
    """Per-thread layers over os.environ: while a thread has one, its reads and writes of
    os.environ go to the top layer (a name mapped to None is absent); other threads see
    the process environment, untouched."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._patches: Patches | None = None

    def top(self, environ: Any) -> dict[str, str | None] | None:
        if environ is not os.environ:
            return None  # os.environb and copies are left alone
        stack = getattr(self._local, "stack", None)
        return stack[-1] if stack else None

    @contextmanager
    def pushed(self, layer: dict[str, str | None]) -> Iterator[None]:
        stack = self._local.__dict__.setdefault("stack", [])
        stack.append(layer)
        try:
            yield
        finally:
            stack.pop()

    def install(self) -> None:
        if self._patches is not None:
            return
        environ_type = type(os.environ)
        patches = Patches()
        originals = {
            name: getattr(environ_type, name)
            for name in ("__getitem__", "__setitem__", "__delitem__", "__iter__", "__len__")
        }
        layers = self

        def getitem(environ: Any, name: str) -> str:
            layer = layers.top(environ)
            if layer is None or name not in layer:
                return originals["__getitem__"](environ, name)  # type: ignore[no-any-return]
            value = layer[name]
            if value is None:
                raise KeyError(name)
            return value

        def setitem(environ: Any, name: str, value: str) -> None:
            layer = layers.top(environ)
            if layer is None:
                originals["__setitem__"](environ, name, value)
            elif not isinstance(value, str):
                raise TypeError(f"str expected, not {type(value).__name__}")
            else:
                layer[name] = value

        def delitem(environ: Any, name: str) -> None:
            layer = layers.top(environ)
            if layer is None:
                originals["__delitem__"](environ, name)
                return
            getitem(environ, name)  # KeyError when the function does not see it
            layer[name] = None

        def iterate(environ: Any) -> Iterator[str]:
            layer = layers.top(environ)
            base = list(originals["__iter__"](environ))
            if layer is None:
                yield from base
                return
            yield from (name for name in base if layer.get(name, "") is not None)
            known = set(base)
            yield from (n for n, v in list(layer.items()) if v is not None and n not in known)

        def length(environ: Any) -> int:
            return sum(1 for _ in iterate(environ))

        for name, replacement in (
            ("__getitem__", getitem),
            ("__setitem__", setitem),
            ("__delitem__", delitem),
            ("__iter__", iterate),
            ("__len__", length),
        ):
            patches.replace(environ_type, name, replacement)
        self._patches = patches

    def uninstall(self) -> None:
        if self._patches is not None:
            self._patches.undo()
            self._patches = None


ENVIRON_LAYERS = _EnvironLayers()


def _runtime_variables(spec: FunctionSpec) -> dict[str, str]:
    return {
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        **FAKE_CREDENTIALS,
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "_HANDLER": spec.handler,
        "AWS_SAM_LOCAL": "true",
    }

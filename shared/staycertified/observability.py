"""One Logger / Metrics / Tracer per process, shared by every function (STYLE §8).

Logger and Metrics are cheap to build. The Tracer imports the X-Ray SDK (about
0.4 s, as much as `import boto3`), so it is built on the first invocation, not
at import time, and only where Powertools would trace: `traced` wraps a handler
and, the first time it runs, captures it with the tracer when tracing is on
(`tracing_enabled`). In AWS with `Tracing: Active` it is on; with
`POWERTOOLS_TRACE_DISABLED=true`, under `sam local` (the sandbox sets
`AWS_SAM_LOCAL`) or outside Lambda, Powertools' Tracer would trace nothing, so
it is not built and the X-Ray SDK is never imported.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="staycertified")
metrics = Metrics(namespace="StayCertified", service="staycertified")

Handler = Callable[[dict[str, Any], Any], Any]


@functools.cache
def tracer() -> Any:
    from aws_lambda_powertools import Tracer

    return Tracer(service="staycertified")


def traced(handler: Handler) -> Handler:
    """`Tracer.capture_lambda_handler`, with the tracer built on first use."""

    @functools.wraps(handler)
    def wrapper(event: dict[str, Any], context: Any) -> Any:
        return _captured(handler)(event, context)

    return wrapper


def tracing_enabled() -> bool:
    """Powertools' own rule (`Tracer._is_tracer_disabled`, cheap: it reads the
    environment, imports no X-Ray): off when POWERTOOLS_TRACE_DISABLED is true, outside
    Lambda (no LAMBDA_TASK_ROOT), under the SAM CLI (AWS_SAM_LOCAL) or Chalice local."""
    from aws_lambda_powertools.tracing.tracer import Tracer

    return not Tracer._is_tracer_disabled()


@functools.cache
def _captured(handler: Handler) -> Handler:
    if not tracing_enabled():
        return handler
    return tracer().capture_lambda_handler(handler)  # type: ignore[no-any-return]


def lambda_entry(handle: Callable[..., Any], *, with_context: bool = False) -> Handler:
    """The Lambda entry point of a function whose `handle` does the work: the Logger's
    Lambda context (its keys cleared per invocation), the EMF metrics flushed, the
    trace (`traced`). `handle(event)`, or `handle(event, context)` with `with_context`.

        lambda_handler = lambda_entry(handle)
    """

    @logger.inject_lambda_context(clear_state=True)
    @metrics.log_metrics
    @traced
    def lambda_handler(event: dict[str, Any], context: Any) -> Any:
        return handle(event, context) if with_context else handle(event)

    return lambda_handler

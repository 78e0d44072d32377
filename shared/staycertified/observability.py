"""One Logger / Metrics / Tracer per process, shared by every function (STYLE §8).

Logger and Metrics are cheap to build. The Tracer imports the X-Ray SDK (about
0.4 s), so it is built on the first invocation, not at import time: `traced`
wraps a handler and captures it with the tracer the first time it runs.
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


@functools.cache
def _captured(handler: Handler) -> Handler:
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

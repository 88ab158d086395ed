"""Run every pluginv2 call inside an OpenTelemetry span (see `gpctl.sdk._tracing`): the server's `wrap` hook.

It is installed only when Grafana passes `GF_INSTANCE_OTLP_ADDRESS`, and passes calls through until `configure()`
(run by `PluginServer.load()`, after the handshake line) turned tracing on: the OpenTelemetry SDK and exporter take
about 100 ms to import, which the handshake does not wait for. The span is named after the gRPC method
(`pluginv2.Data/QueryData`), its parent is the trace context Grafana sent in the metadata (`traceparent`), and for
streams it lasts until the stream ends or is cancelled.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any

from gpctl.sdk._tracing import RequestMetadata, Tracer

from ._wire import Method

__all__ = ["TracingInterceptor", "configure", "flush"]


class TracingInterceptor:
    def __init__(self, tracer: Tracer | None = None) -> None:
        self.tracer = tracer if tracer is not None else Tracer()

    def __call__(self, path: str, method: Method) -> Method:
        """`method` with its handler run inside a span (pluginv2 methods, once tracing is on)."""
        if not path.startswith("/pluginv2.") or not self.tracer.enabled:
            return method
        name = path.lstrip("/")
        tracer = self.tracer
        handler = method.handler
        if not method.server_streaming:

            async def traced_unary(request: Any, context: Any) -> Any:
                with tracer.span(name, RequestMetadata.from_pairs(context.invocation_metadata())):
                    return await handler(request, context)

            return method._replace(handler=traced_unary)
        if inspect.isasyncgenfunction(handler):

            async def traced_stream(request: Any, context: Any) -> AsyncIterator[Any]:
                with tracer.span(name, RequestMetadata.from_pairs(context.invocation_metadata())):
                    async for item in handler(request, context):
                        yield item

            return method._replace(handler=traced_stream)

        async def traced_writer(request: Any, context: Any) -> Any:
            with tracer.span(name, RequestMetadata.from_pairs(context.invocation_metadata())):
                return await handler(request, context)

        return method._replace(handler=traced_writer)


def configure(installed: list[TracingInterceptor], plugin_id: str) -> None:
    """Trace under `plugin_id` as Grafana's variables say (stays off without the OpenTelemetry packages)."""
    for interceptor in installed:
        interceptor.tracer = Tracer.from_env(plugin_id)


def flush(installed: list[TracingInterceptor]) -> None:
    """Export buffered spans before the process exits (blocking; run it in a worker thread)."""
    for interceptor in installed:
        interceptor.tracer.flush()

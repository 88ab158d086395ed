"""A grpc.aio interceptor that runs every pluginv2 call inside an OpenTelemetry span (see `gpctl.sdk._tracing`).

It is installed only when Grafana passes `GF_INSTANCE_OTLP_ADDRESS`, and passes calls through until `configure()`
(run by `PluginServer.load()`, after the handshake line) turned tracing on: the OpenTelemetry SDK and exporter take
about 100 ms to import, which the handshake does not wait for. The span
is named after the gRPC method (`pluginv2.Data/QueryData`), its parent is the trace context Grafana sent in the
metadata (`traceparent`), and for streams it lasts until the stream ends or is cancelled.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from gpctl.sdk._tracing import RequestMetadata, Tracer

__all__ = ["TracingInterceptor", "configure", "flush"]


class TracingInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    def __init__(self, tracer: Tracer | None = None) -> None:
        self.tracer = tracer if tracer is not None else Tracer()

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method = str(getattr(handler_call_details, "method", "") or "")
        if handler is None or not method.startswith("/pluginv2.") or not self.tracer.enabled:
            return handler
        name = method.lstrip("/")
        metadata = RequestMetadata.from_pairs(getattr(handler_call_details, "invocation_metadata", None))
        tracer = self.tracer
        fields: Any = handler
        if fields.unary_unary is not None:
            unary = fields.unary_unary

            async def traced_unary(request: Any, context: Any) -> Any:
                with tracer.span(name, metadata):
                    return await unary(request, context)

            return fields._replace(unary_unary=traced_unary)
        if fields.unary_stream is not None:
            stream = fields.unary_stream
            if inspect.isasyncgenfunction(stream):

                async def traced_stream(request: Any, context: Any) -> AsyncIterator[Any]:
                    with tracer.span(name, metadata):
                        async for item in stream(request, context):
                            yield item

                return fields._replace(unary_stream=traced_stream)

            async def traced_writer(request: Any, context: Any) -> Any:
                with tracer.span(name, metadata):
                    return await stream(request, context)

            return fields._replace(unary_stream=traced_writer)
        return handler


def configure(installed: list[TracingInterceptor], plugin_id: str) -> None:
    """Trace under `plugin_id` as Grafana's variables say (stays off without the OpenTelemetry packages)."""
    for interceptor in installed:
        interceptor.tracer = Tracer.from_env(plugin_id)


def flush(installed: list[TracingInterceptor]) -> None:
    """Export buffered spans before the process exits (blocking; run it in a worker thread)."""
    for interceptor in installed:
        interceptor.tracer.flush()

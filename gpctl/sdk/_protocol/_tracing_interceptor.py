"""A grpc.aio interceptor that runs every pluginv2 call inside an OpenTelemetry span (see `gpctl.sdk._tracing`).

It is installed only when `Tracer.from_env()` turned tracing on, so a plugin without tracing pays nothing. The span
is named after the gRPC method (`pluginv2.Data/QueryData`), its parent is the trace context Grafana sent in the
metadata (`traceparent`), and for streams it lasts until the stream ends or is cancelled.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from gpctl.sdk._tracing import RequestMetadata, Tracer

__all__ = ["TracingInterceptor", "flush", "interceptors"]


class TracingInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method = str(getattr(handler_call_details, "method", "") or "")
        if handler is None or not method.startswith("/pluginv2."):
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


def interceptors(plugin_id: str) -> list[grpc.aio.ServerInterceptor] | None:
    """The server interceptors for `plugin_id`: tracing when Grafana configured it, else none."""
    tracer = Tracer.from_env(plugin_id)
    return [TracingInterceptor(tracer)] if tracer.enabled else None


def flush(installed: list[grpc.aio.ServerInterceptor] | None) -> None:
    """Export buffered spans before the process exits (blocking; run it in a worker thread)."""
    for interceptor in installed or ():
        if isinstance(interceptor, TracingInterceptor):
            interceptor.tracer.flush()

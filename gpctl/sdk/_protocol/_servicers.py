"""The pluginv2 servicers (Data, Diagnostics, Resource) and go-plugin's housekeeping services."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from gpctl.sdk._context import PluginContext
from gpctl.sdk._dispatch import Runtime, log_failure
from gpctl.sdk._query import DataResponse
from gpctl.sdk._tracing import RequestMetadata, bind_request
from gpctl.sdk.errors import QueryError
from gpctl.sdk.resources import ResourceRequest, ResourceResponse, call_resource

from . import _convert
from ._wire import ServicerContext
from .plugin import grpc_controller_pb2
from .pluginv2 import backend_pb2 as pb

__all__ = ["ContextMaker", "DataServicer", "DiagnosticsServicer", "Housekeeping", "ResourceServicer"]

logger = logging.getLogger("gpctl.sdk")


# What `bind_request` reads (lowercase in gRPC).
_REQUEST_KEYS = frozenset(("tenantid", "loggerparamsctxmetadata"))


class ContextMaker:
    """Build a handler's `PluginContext` (settings parsed, instance attached) from a request's proto context."""

    _CACHE_SIZE = 64

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._cache: dict[bytes, PluginContext[Any]] = {}

    def convert(self, proto: pb.PluginContext) -> PluginContext[Any]:
        """The SDK context for `proto`; parsed settings are reused while Grafana sends the same context."""
        key = proto.SerializeToString(deterministic=True)
        ctx = self._cache.get(key)
        if ctx is None:
            ctx = _convert.plugin_context(self.runtime.plugin, proto)
            if len(self._cache) >= self._CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = ctx
        return ctx

    async def __call__(self, proto: pb.PluginContext, context: ServicerContext) -> PluginContext[Any]:
        ctx = self.convert(proto)
        pairs = context.invocation_metadata() or ()
        # Logger params and tenant on this request's log lines.
        if any(key in _REQUEST_KEYS for key, _ in pairs):
            bind_request(RequestMetadata.from_pairs(pairs))
        if not self.runtime.needs_instance:
            return ctx
        metadata: dict[str, str] = {}
        for key, value in pairs:
            if isinstance(value, str):
                metadata.setdefault(key, value)
        return await self.runtime.with_instance(ctx, metadata)


async def _context_or_error(
    make: ContextMaker, proto: pb.PluginContext, context: ServicerContext
) -> PluginContext[Any] | QueryError:
    """The handler's context, or the error to answer with when settings or the instance fail."""
    try:
        return await make(proto, context)
    except QueryError as exc:
        return exc
    except Exception as exc:
        log_failure("Creating the plugin instance failed.", exc, None)
        return QueryError("Internal error while creating the plugin instance.", status=500)


class DataServicer:
    def __init__(self, runtime: Runtime, make: ContextMaker) -> None:
        self.runtime = runtime
        self.make = make

    async def QueryData(self, request: pb.QueryDataRequest, context: ServicerContext) -> pb.QueryDataResponse:
        ctx = await _context_or_error(self.make, request.pluginContext, context)
        sdk_request, answers = _convert.query_data_request(request)
        if isinstance(ctx, QueryError):
            for q in sdk_request.queries:
                answers[q.ref_id] = DataResponse(
                    error=ctx.message, status=ctx.status, error_source=ctx.error_source
                )
        elif sdk_request.queries:
            if request.headers:
                ctx = dataclasses.replace(ctx, headers=dict(request.headers))
            answers.update(await self.runtime.query_data(sdk_request, ctx))
        out = pb.QueryDataResponse()
        failed = ""
        for ref_id, answer in answers.items():
            _convert.data_response(ref_id, answer, request.format, out.responses[ref_id])
            if answer.error and not failed:
                failed = answer.error_source or "plugin"
        self.runtime.metrics.count("queryData", "error" if failed else "ok", failed or "plugin")
        return out

    async def QueryChunkedData(self, request: pb.QueryChunkedDataRequest, context: ServicerContext) -> None:
        from ._chunked import QueryOutcome, query_chunked_data

        async def run(req: pb.QueryChunkedDataRequest, ctxt: ServicerContext) -> AsyncIterator[QueryOutcome]:
            ctx = await _context_or_error(self.make, req.pluginContext, ctxt)
            sdk_request, bad = _convert.query_data_request(req)
            for ref_id, answer in bad.items():
                yield QueryOutcome(ref_id, (), answer.error or "", answer.status, answer.error_source)
            if isinstance(ctx, QueryError):
                for q in sdk_request.queries:
                    yield QueryOutcome(q.ref_id, (), ctx.message, ctx.status, ctx.error_source)
                return
            async for ref_id, answer in self.runtime.outcomes(sdk_request, ctx):
                yield QueryOutcome(
                    ref_id, list(answer.frames), answer.error or "", answer.status, answer.error_source
                )

        table = self.runtime.table
        await query_chunked_data(request, context, run if table.queries or table.query_data else None)


class DiagnosticsServicer:
    def __init__(self, runtime: Runtime, make: ContextMaker) -> None:
        self.runtime = runtime
        self.make = make

    async def CheckHealth(
        self, request: pb.CheckHealthRequest, context: ServicerContext
    ) -> pb.CheckHealthResponse:
        from gpctl.sdk._health import HealthResult

        ctx = await _context_or_error(self.make, request.pluginContext, context)
        if isinstance(ctx, QueryError):
            result = HealthResult.error(ctx.message)
        else:
            if request.headers:
                ctx = dataclasses.replace(ctx, headers=dict(request.headers))
            result = await self.runtime.check_health(ctx)
        self.runtime.metrics.count("checkHealth", "ok" if result.status == "ok" else "error")
        return _convert.health_response(result)

    async def CollectMetrics(
        self, request: pb.CollectMetricsRequest, context: ServicerContext
    ) -> pb.CollectMetricsResponse:
        self.runtime.metrics.count("collectMetrics")
        text = await asyncio.to_thread(self.runtime.metrics.text)
        return pb.CollectMetricsResponse(metrics=pb.CollectMetricsResponse.Payload(prometheus=text))


class ResourceServicer:
    def __init__(self, runtime: Runtime, make: ContextMaker) -> None:
        self.runtime = runtime
        self.make = make

    async def CallResource(
        self, request: pb.CallResourceRequest, context: ServicerContext
    ) -> AsyncIterator[pb.CallResourceResponse]:
        ctx = await _context_or_error(self.make, request.pluginContext, context)
        if isinstance(ctx, QueryError):
            self.runtime.metrics.count("callResource", "error")
            failed = ResourceResponse.json({"message": ctx.message}, status=ctx.status)
            yield pb.CallResourceResponse(
                code=failed.status, headers=_headers(failed.headers), body=failed.body
            )
            return
        sdk_request = ResourceRequest(
            method=request.method,
            path=request.path,
            url=request.url,
            headers={k: list(v.values) for k, v in request.headers.items()},
            body=request.body,
        )
        status = 0
        async for code, headers, body in call_resource(self.runtime.table, sdk_request, ctx):
            if not status:
                status = code
                yield pb.CallResourceResponse(code=code, headers=_headers(headers), body=body)
            else:
                yield pb.CallResourceResponse(body=body)
        self.runtime.metrics.count("callResource", "ok" if status < 500 else "error")


def _headers(headers: Any) -> dict[str, pb.StringList]:
    return {k: pb.StringList(values=list(v)) for k, v in headers.items()}


class Housekeeping:
    """go-plugin's broker (drained), controller (Shutdown) and stdio (held open until shutdown)."""

    def __init__(self, on_shutdown: Callable[[], None]) -> None:
        self.on_shutdown = on_shutdown
        self.stopping = asyncio.Event()

    async def StartStream(self, request_iterator: Any, context: ServicerContext) -> AsyncIterator[Any]:
        async for _ in request_iterator:
            pass
        return
        yield  # an async generator that sends nothing

    async def Shutdown(
        self, request: grpc_controller_pb2.Empty, context: ServicerContext
    ) -> grpc_controller_pb2.Empty:
        logger.debug("Shutdown requested by host.")
        self.stopping.set()
        asyncio.get_running_loop().call_soon(self.on_shutdown)
        return grpc_controller_pb2.Empty()

    async def StreamStdio(self, request: Any, context: ServicerContext) -> AsyncIterator[Any]:
        await self.stopping.wait()
        return
        yield

"""`pluginv2.Stream` servicer: SubscribeStream, RunStream and PublishStream on top of `StreamRouter`.

Errors follow Grafana's expectations (protocol.md §5, §6.6): a RunStream handler that raises ends the call with
`UNKNOWN` so the host re-establishes the stream; one that returns ends it with `OK` for good; a path no route matches
answers `NOT_FOUND` (subscribe/publish answer the protocol's own NOT_FOUND status). Handler exceptions are logged
with their traceback; the host only gets a sentence naming the path and the exception type, never its text.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from gpctl.sdk._stream import StreamRouter

from .pluginv2 import backend_pb2 as pb
from .pluginv2 import backend_pb2_grpc as pb_grpc

__all__ = ["ContextFactory", "StreamServicer", "add_stream_servicer"]

logger = logging.getLogger("gpctl.sdk.stream")

ContextFactory = Callable[[pb.PluginContext, grpc.aio.ServicerContext], Awaitable[Any]]
"""Builds the handler's `PluginContext` (with `ctx.instance`) from the request's proto and the gRPC context."""

_SUBSCRIBE = {
    "ok": pb.SubscribeStreamResponse.OK,
    "not_found": pb.SubscribeStreamResponse.NOT_FOUND,
    "permission_denied": pb.SubscribeStreamResponse.PERMISSION_DENIED,
}
_PUBLISH = {
    "ok": pb.PublishStreamResponse.OK,
    "not_found": pb.PublishStreamResponse.NOT_FOUND,
    "permission_denied": pb.PublishStreamResponse.PERMISSION_DENIED,
}


class StreamServicer:
    """Serve the plugin's stream routes."""

    def __init__(self, router: StreamRouter, make_context: ContextFactory) -> None:
        self.router = router
        self.make_context = make_context

    async def SubscribeStream(
        self, request: pb.SubscribeStreamRequest, context: grpc.aio.ServicerContext
    ) -> pb.SubscribeStreamResponse:
        ctx = await self.make_context(request.pluginContext, context)
        try:
            result = await self.router.subscribe_stream(
                request.path, request.data, dict(request.headers), ctx
            )
        except Exception as exc:
            await _fail(context, "subscribe", request.path, exc)
        return pb.SubscribeStreamResponse(status=_SUBSCRIBE[result.status], data=result.data)

    async def PublishStream(
        self, request: pb.PublishStreamRequest, context: grpc.aio.ServicerContext
    ) -> pb.PublishStreamResponse:
        ctx = await self.make_context(request.pluginContext, context)
        try:
            result = await self.router.publish_stream(request.path, request.data, dict(request.headers), ctx)
        except Exception as exc:
            await _fail(context, "publish", request.path, exc)
        return pb.PublishStreamResponse(status=_PUBLISH[result.status], data=result.data)

    async def RunStream(self, request: pb.RunStreamRequest, context: grpc.aio.ServicerContext) -> None:
        ctx = await self.make_context(request.pluginContext, context)
        if self.router.resolve(request.path) is None:
            await context.abort(
                grpc.StatusCode.NOT_FOUND, f"No stream handler matches the channel path `{request.path}`."
            )
        packets = self.router.run_stream(request.path, request.data, dict(request.headers), ctx)
        try:
            async with contextlib.aclosing(packets):
                async for packet in packets:
                    await context.write(pb.StreamPacket(data=packet))
        except Exception as exc:
            await _fail(context, "run", request.path, exc)
        logger.debug("Stream `%s` ended.", request.path)


async def _fail(context: grpc.aio.ServicerContext, what: str, path: str, exc: Exception) -> Any:
    logger.error("The %s handler of stream `%s` failed.", what, path, exc_info=exc)
    await context.abort(
        grpc.StatusCode.UNKNOWN, f"The {what} handler of stream `{path}` raised `{type(exc).__name__}`."
    )


def add_stream_servicer(server: grpc.aio.Server, router: StreamRouter, make_context: ContextFactory) -> bool:
    """Register the Stream service when the plugin has stream routes; return whether it did."""
    if not router:
        return False
    pb_grpc.add_StreamServicer_to_server(StreamServicer(router, make_context), server)
    return True

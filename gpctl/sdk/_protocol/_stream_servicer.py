"""`pluginv2.Stream` servicer: SubscribeStream, RunStream and PublishStream on top of `StreamRouter`.

Errors follow Grafana's expectations (protocol.md §5, §6.6): a RunStream handler that raises ends the call with
`UNKNOWN` so the host re-establishes the stream; one that returns ends it with `OK` for good; a path no route matches
answers `NOT_FOUND` (subscribe/publish answer the protocol's own NOT_FOUND status). Handler exceptions are logged
with their traceback; the host only gets a sentence naming the path and the exception type, never its text.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gpctl.sdk._stream import PublishResult, StreamRouter, SubscribeResult

from ._wire import Server, ServicerContext, StatusCode, add_service
from .pluginv2 import backend_pb2 as pb

if TYPE_CHECKING:
    import grpc

__all__ = [
    "ContextFactory",
    "StreamRun",
    "StreamServicer",
    "add_stream_servicer",
    "publish",
    "run",
    "subscribe",
]

logger = logging.getLogger("gpctl.sdk.stream")

ContextFactory = Callable[[pb.PluginContext, ServicerContext], Awaitable[Any]]
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
        self, request: pb.SubscribeStreamRequest, context: ServicerContext
    ) -> pb.SubscribeStreamResponse:
        ctx = await self.make_context(request.pluginContext, context)
        try:
            result = await self.router.subscribe_stream(
                request.path, request.data, dict(request.headers), ctx
            )
        except Exception as exc:
            await _fail(context, "subscribe", request.path, exc, ctx)
        return pb.SubscribeStreamResponse(status=_SUBSCRIBE[result.status], data=result.data)

    async def PublishStream(
        self, request: pb.PublishStreamRequest, context: ServicerContext
    ) -> pb.PublishStreamResponse:
        ctx = await self.make_context(request.pluginContext, context)
        try:
            result = await self.router.publish_stream(request.path, request.data, dict(request.headers), ctx)
        except Exception as exc:
            await _fail(context, "publish", request.path, exc, ctx)
        return pb.PublishStreamResponse(status=_PUBLISH[result.status], data=result.data)

    async def RunStream(self, request: pb.RunStreamRequest, context: ServicerContext) -> None:
        ctx = await self.make_context(request.pluginContext, context)
        if self.router.resolve(request.path) is None:
            await context.abort(
                StatusCode.NOT_FOUND, f"No stream handler matches the channel path `{request.path}`."
            )
        packets = self.router.run_stream(request.path, request.data, dict(request.headers), ctx)
        try:
            async with contextlib.aclosing(packets):
                async for packet in packets:
                    await context.write(pb.StreamPacket(data=packet))
        except Exception as exc:
            await _fail(context, "run", request.path, exc, ctx)
        logger.debug("Stream `%s` ended.", request.path)


async def _fail(context: ServicerContext, what: str, path: str, exc: Exception, ctx: Any) -> Any:
    """Log the failure (traceback with the request's secrets masked) and end the call with UNKNOWN."""
    from gpctl.sdk._dispatch import log_failure

    log_failure(
        f"The {what} handler of stream `{path}` failed.", exc, ctx if hasattr(ctx, "redact") else None
    )
    await context.abort(
        StatusCode.UNKNOWN, f"The {what} handler of stream `{path}` raised `{type(exc).__name__}`."
    )


def add_stream_servicer(server: Server, router: StreamRouter, make_context: ContextFactory) -> bool:
    """Register the Stream service when the plugin has stream routes; return whether it did."""
    if not router:
        return False
    add_service(server, StreamServicer(router, make_context), pb.DESCRIPTOR.services_by_name["Stream"])
    return True


# -- client side (gpctl.sdk.testing.PluginClient) ------------------------------------------------------------------

_STATUS_NAMES = {0: "ok", 1: "not_found", 2: "permission_denied"}


@dataclass(frozen=True)
class StreamRun:
    """What a RunStream call produced: decoded JSON packets and how the stream ended.

    `status` is `ok` (the handler returned), `cancelled` (stopped after `max_packets`) or the gRPC status in
    lower case (`unknown` when the handler raised, `not_found` for an unknown path); `error` is its message.
    """

    packets: list[Any]
    status: str
    error: str = ""


def _stub(channel: grpc.Channel) -> Any:
    from .pluginv2 import backend_pb2_grpc  # grpc's stubs: imported by clients only

    return backend_pb2_grpc.StreamStub(channel)


def _payload(data: Any) -> bytes:
    if data is None:
        return b""
    if isinstance(data, bytes):
        return data
    return json.dumps(data).encode()


def subscribe(
    channel: grpc.Channel, ctx: pb.PluginContext, path: str, data: Any, timeout: float
) -> SubscribeResult:
    stub = _stub(channel)
    answer = stub.SubscribeStream(
        pb.SubscribeStreamRequest(pluginContext=ctx, path=path, data=_payload(data)), timeout=timeout
    )
    return SubscribeResult(_STATUS_NAMES.get(answer.status, "not_found"), bytes(answer.data))  # type: ignore[arg-type]


def publish(
    channel: grpc.Channel, ctx: pb.PluginContext, path: str, data: Any, timeout: float
) -> PublishResult:
    stub = _stub(channel)
    answer = stub.PublishStream(
        pb.PublishStreamRequest(pluginContext=ctx, path=path, data=_payload(data)), timeout=timeout
    )
    return PublishResult(_STATUS_NAMES.get(answer.status, "not_found"), bytes(answer.data))  # type: ignore[arg-type]


def run(
    channel: grpc.Channel,
    ctx: pb.PluginContext,
    path: str,
    data: Any,
    max_packets: int | None,
    timeout: float,
) -> StreamRun:
    import grpc

    stub = _stub(channel)
    call = stub.RunStream(
        pb.RunStreamRequest(pluginContext=ctx, path=path, data=_payload(data)), timeout=timeout
    )
    packets: list[Any] = []
    try:
        for packet in call:
            packets.append(json.loads(packet.data))
            if max_packets is not None and len(packets) >= max_packets:
                call.cancel()
                return StreamRun(packets, "cancelled")
    except grpc.RpcError as exc:
        return StreamRun(packets, exc.code().name.lower(), exc.details() or "")
    return StreamRun(packets, "ok")

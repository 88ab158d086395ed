"""One gRPC call on the wire: its method, its `ServicerContext`, and the task that runs its handler.

Handlers keep grpc.aio's shapes, so servicers read like any Python gRPC servicer: unary
`async def Method(request, context) -> response`; server streaming as an async generator or a coroutine that
calls `await context.write(message)`; client streaming receives an async iterator of requests.
`await context.abort(code, details)` ends the call with that status; any other exception ends it with UNKNOWN.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

if TYPE_CHECKING:
    from ._stream import Stream

__all__ = ["AbortError", "Method", "ServicerContext", "StatusCode", "run_call"]

logger = logging.getLogger("gpctl.sdk")


class StatusCode(enum.IntEnum):
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


class AbortError(Exception):
    """Raised by `ServicerContext.abort`: ends the call with `code` and `details`."""

    def __init__(self, code: StatusCode, details: str) -> None:
        super().__init__(details)
        self.code = code
        self.details = details


class Method(NamedTuple):
    """A registered method: `client_streaming`/`server_streaming` as in the proto; (de)serializers on bytes."""

    handler: Callable[..., Any]
    deserialize: Callable[[bytes], Any] | None = None
    serialize: Callable[[Any], bytes] | None = None
    client_streaming: bool = False
    server_streaming: bool = False


class ServicerContext:
    """What a handler gets as `context`: request metadata, deadline, `abort`, `write`, cancellation."""

    def __init__(self, stream: Stream, method: Method, metadata: tuple[tuple[str, str | bytes], ...]) -> None:
        self._stream = stream
        self._method = method
        self._metadata = metadata
        self.code: StatusCode = StatusCode.OK
        self.details = ""

    def invocation_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        return self._metadata

    async def abort(self, code: StatusCode, details: str = "") -> NoReturn:
        raise AbortError(code, details)

    def set_code(self, code: StatusCode) -> None:
        self.code = code

    def set_details(self, details: str) -> None:
        self.details = details

    async def write(self, message: Any) -> None:
        serialize = self._method.serialize
        await self._stream.send_message(serialize(message) if serialize else message)

    def cancelled(self) -> bool:
        return self._stream.cancelled

    def time_remaining(self) -> float | None:
        deadline = self._stream.deadline
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def peer(self) -> str:
        return self._stream.peer


async def _requests(stream: Stream, deserialize: Callable[[bytes], Any] | None) -> AsyncIterator[Any]:
    while True:
        message = await stream.next_message()
        if message is None:
            return
        yield deserialize(message) if deserialize else message


async def run_call(stream: Stream, method: Method, context: ServicerContext) -> None:
    """Run the handler of one call and finish the stream with its status (the task of `stream`)."""
    serialize = method.serialize
    try:
        if method.client_streaming:
            request: Any = _requests(stream, method.deserialize)
        else:
            body = stream.single_message()
            request = method.deserialize(body) if method.deserialize else body
        if not method.server_streaming:
            response = await method.handler(request, context)
            await stream.send_unary(
                serialize(response) if serialize else response, context.code, context.details
            )
            return
        result = method.handler(request, context)
        if hasattr(result, "__anext__"):
            try:
                async for message in result:
                    await stream.send_message(serialize(message) if serialize else message)
            finally:
                # A cancelled send leaves the generator suspended at `yield`: close it so its `finally` runs now.
                await result.aclose()
        else:
            await result
        stream.finish(context.code, context.details)
    except AbortError as exc:
        stream.finish(exc.code, exc.details)
    except asyncio.CancelledError:
        stream.finish(StatusCode.CANCELLED, "The call was cancelled.")
        raise
    except Exception as exc:
        logger.error("A gRPC handler raised `%s`.", type(exc).__name__, exc_info=exc)
        stream.finish(StatusCode.UNKNOWN, f"Unexpected `{type(exc).__name__}` in the plugin.")

"""One HTTP/2 stream carrying one gRPC call: received messages, flow-controlled sending, trailers."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from . import _frames as f
from ._call import Method, StatusCode

if TYPE_CHECKING:
    from ._connection import Connection

__all__ = ["Stream"]

_MAX_DETAILS = 4096


_OK_BLOCK = f.status_block(0)


def _headers(stream_id: int) -> bytes:
    return f.frame(f.HEADERS, f.END_HEADERS, stream_id, f.RESPONSE_HEADERS)


def _ok_trailers(stream_id: int) -> bytes:
    return f.frame(f.HEADERS, f.END_HEADERS | f.END_STREAM, stream_id, _OK_BLOCK)


def _framed(payload: bytes) -> bytes:
    """A gRPC length-prefixed message (uncompressed)."""
    return b"\x00" + len(payload).to_bytes(4, "big") + payload


class Stream:
    """State of one call's stream; the connection feeds it, the call's task sends through it."""

    __slots__ = (
        "body",
        "cancelled",
        "closed",
        "conn",
        "deadline",
        "headers_sent",
        "id",
        "messages",
        "metadata",
        "method",
        "path",
        "peer",
        "received",
        "remote_closed",
        "send_window",
        "task",
        "timer",
        "window_open",
    )

    def __init__(self, conn: Connection, stream_id: int, send_window: int) -> None:
        self.conn = conn
        self.id = stream_id
        self.send_window = send_window
        self.body = bytearray()
        self.received = 0
        self.remote_closed = False
        self.closed = False
        self.headers_sent = False
        self.cancelled = False
        self.deadline: float | None = None
        self.task: asyncio.Task[None] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.window_open: asyncio.Event | None = None
        self.messages: asyncio.Queue[bytes | None] | None = None
        self.peer = conn.peer
        self.path = ""
        self.method: Method | None = None
        self.metadata: tuple[tuple[str, str | bytes], ...] = ()

    # Receiving.

    def single_message(self) -> bytes:
        """The request of a unary-request call (the connection checked its framing before dispatch)."""
        return bytes(self.body[5:])

    def take_messages(self) -> list[bytes]:
        """Complete length-prefixed messages at the front of `body`, removed from it."""
        out: list[bytes] = []
        body = self.body
        while len(body) >= 5:
            size = int.from_bytes(body[1:5], "big")
            if len(body) < 5 + size:
                break
            out.append(bytes(body[5 : 5 + size]))
            del body[: 5 + size]
        return out

    async def next_message(self) -> bytes | None:
        assert self.messages is not None
        return await self.messages.get()

    # Sending.

    def _write_headers(self) -> None:
        if not self.headers_sent:
            self.headers_sent = True
            self.conn.write(_headers(self.id))

    async def send_unary(self, payload: bytes, code: StatusCode, details: str) -> None:
        """Send a unary response and the trailers; one write when the flow-control windows allow."""
        if code != StatusCode.OK:
            self.finish(code, details)
            return
        conn = self.conn
        size = len(payload) + 5
        if (
            not self.headers_sent
            and not self.closed
            and size <= conn.peer_max_frame
            and size <= conn.send_window
            and size <= self.send_window
        ):
            conn.send_window -= size
            self.send_window -= size
            self.headers_sent = True
            conn.write(
                _headers(self.id) + f.frame(f.DATA, 0, self.id, _framed(payload)) + _ok_trailers(self.id)
            )
            self._close()
            return
        await self.send_message(payload)
        self.finish(StatusCode.OK, "")

    async def send_message(self, payload: bytes) -> None:
        """Send one length-prefixed message, waiting for flow-control window and transport buffer room."""
        if self.closed:
            raise asyncio.CancelledError
        self._write_headers()
        data = memoryview(_framed(payload))
        conn = self.conn
        pos = 0
        while pos < len(data):
            if self.closed:
                raise asyncio.CancelledError
            room = min(conn.send_window, self.send_window, conn.peer_max_frame, len(data) - pos)
            if room <= 0:
                await self._wait_window()
                continue
            conn.send_window -= room
            self.send_window -= room
            conn.write(f.frame(f.DATA, 0, self.id, bytes(data[pos : pos + room])))
            pos += room
            if conn.write_paused:
                await conn.drained()

    async def _wait_window(self) -> None:
        if self.window_open is None:
            self.window_open = asyncio.Event()
        self.window_open.clear()
        self.conn.blocked.add(self)
        try:
            await self.window_open.wait()
        finally:
            self.conn.blocked.discard(self)

    def wake(self) -> None:
        if self.window_open is not None:
            self.window_open.set()

    def finish(self, code: StatusCode, details: str) -> None:
        """Send the call's status as trailers (or a trailers-only response) and close the stream."""
        if self.closed:
            return
        block = f.status_block(int(code), details[:_MAX_DETAILS], headers_sent=self.headers_sent)
        self.headers_sent = True
        self.conn.write(f.frame(f.HEADERS, f.END_HEADERS | f.END_STREAM, self.id, block))
        if not self.remote_closed:
            self.conn.write(f.rst_stream(self.id, f.NO_ERROR))
        self._close()

    def _close(self) -> None:
        self.closed = True
        self.conn.streams.pop(self.id, None)
        if self.timer is not None:
            self.timer.cancel()
        self.conn.stream_closed()

    # Ending from outside the handler.

    def reset(self) -> None:
        """The peer reset the stream (or the connection went away): cancel the handler, send nothing more."""
        if not self.closed:
            self._close()
        self._cancel_handler()

    def set_deadline(self, seconds: float, loop: asyncio.AbstractEventLoop) -> None:
        self.deadline = time.monotonic() + seconds
        self.timer = loop.call_later(seconds, self._expire)

    def _expire(self) -> None:
        self.timer = None
        self.fail(StatusCode.DEADLINE_EXCEEDED, "Deadline exceeded.")

    def fail(self, code: StatusCode, details: str) -> None:
        """End the call from outside its handler with `code` (deadline, oversized request) and cancel the handler."""
        if self.closed:
            return
        self.finish(code, details)
        self._cancel_handler()

    def _cancel_handler(self) -> None:
        self.cancelled = True
        self.wake()
        if self.task is not None:
            self.task.cancel()

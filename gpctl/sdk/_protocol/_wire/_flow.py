"""The sending side's flow control of a connection: the client's settings and windows, transport back-pressure.

Data goes out only within the client's connection window and the stream's window (RFC 9113 §6.9), in frames
no larger than the client's SETTINGS_MAX_FRAME_SIZE; a stream short of window waits in `blocked` until a
WINDOW_UPDATE or SETTINGS frame opens it. Writes pause while the transport's buffer is full.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from . import _frames as f

if TYPE_CHECKING:
    from ._stream import Stream

__all__ = ["MAX_WINDOW", "ConnectionError_", "FlowControl"]

MAX_WINDOW = 2**31 - 1


class ConnectionError_(Exception):
    """A connection-level protocol error: the connection is closed with GOAWAY and `code`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code


class FlowControl:
    """Send-side state of a connection; `Connection` adds the transport, `write` and the streams."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.streams: dict[int, Stream] = {}
        self.blocked: set[Stream] = set()
        self.send_window = 65535
        self.stream_window = 65535
        self.peer_max_frame = 16384
        self.write_paused = False
        self._drain: asyncio.Future[None] | None = None

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    async def drained(self) -> None:
        if self.write_paused:
            if self._drain is None or self._drain.done():
                self._drain = self.loop.create_future()
            await self._drain

    def _on_settings(self, flags: int, payload: bytes) -> None:
        if flags & f.ACK:
            return
        if len(payload) % 6:
            raise ConnectionError_(
                f.FRAME_SIZE_ERROR, f"A SETTINGS frame of `{len(payload)}` bytes is malformed."
            )
        values = f.parse_settings(payload)
        window = values.get(f.INITIAL_WINDOW_SIZE)
        if window is not None:
            if window > MAX_WINDOW:
                raise ConnectionError_(
                    f.FLOW_CONTROL_ERROR, f"The initial window size `{window}` is too large."
                )
            # The change applies to the streams already open (RFC 9113 §6.9.2); windows may go negative.
            delta = window - self.stream_window
            self.stream_window = window
            for stream in self.streams.values():
                stream.send_window += delta
                stream.wake()
        frame_size = values.get(f.MAX_FRAME_SIZE)
        if frame_size is not None:
            if not 16384 <= frame_size <= 16777215:
                raise ConnectionError_(
                    f.PROTOCOL_ERROR, f"The maximum frame size `{frame_size}` is out of range."
                )
            self.peer_max_frame = frame_size
        self.write(f.frame(f.SETTINGS, f.ACK, 0))

    def _on_window_update(self, stream_id: int, payload: bytes) -> None:
        if len(payload) != 4:
            raise ConnectionError_(
                f.FRAME_SIZE_ERROR, f"A WINDOW_UPDATE frame of `{len(payload)}` bytes is malformed."
            )
        increment = int.from_bytes(payload, "big") & 0x7FFFFFFF
        if stream_id == 0:
            if not increment:
                raise ConnectionError_(f.PROTOCOL_ERROR, "A WINDOW_UPDATE frame had an increment of 0.")
            self.send_window += increment
            if self.send_window > MAX_WINDOW:
                raise ConnectionError_(
                    f.FLOW_CONTROL_ERROR, "A WINDOW_UPDATE overflowed the connection window."
                )
            for blocked in list(self.blocked):
                blocked.wake()
            return
        stream = self.streams.get(stream_id)
        if stream is None:
            return
        stream.send_window += increment
        if not increment or stream.send_window > MAX_WINDOW:
            # A stream error: only this call ends (RFC 9113 §6.9 and §6.9.1).
            self.write(f.rst_stream(stream_id, f.FLOW_CONTROL_ERROR if increment else f.PROTOCOL_ERROR))
            stream.reset()
            return
        stream.wake()

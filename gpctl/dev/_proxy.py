"""The dev server's fixed address: a TCP relay in front of whichever worker serves the current code.

Workers listen on ports of their own; the relay owns the address Grafana knows (`standalone.txt`) and hands each new
connection to the current worker. On a reload the relay sends new connections to the new worker and *retires* the
old one's, the way an HTTP/2 server drains: it follows the frame headers going through (never the payloads), sends
the client a GOAWAY frame at the next frame boundary (so its next call opens a new connection, which reaches the new
code, and a call that crossed the GOAWAY is retried there), and closes the connection once no call is in flight.
A connection still busy after the retire timeout (a long stream) is closed anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from gpctl.errors import DevError

__all__ = ["FrameTracker", "Relay"]

_CHUNK = 256 * 1024
_PREFACE = 24  # b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
_DATA, _HEADERS, _RST_STREAM, _GOAWAY = 0x0, 0x1, 0x3, 0x7
_END_STREAM = 0x1


def goaway_frame(last_stream_id: int) -> bytes:
    """An HTTP/2 GOAWAY frame with error code NO_ERROR."""
    return (
        (8).to_bytes(3, "big")
        + bytes([_GOAWAY, 0])
        + (0).to_bytes(4, "big")
        + last_stream_id.to_bytes(4, "big")
        + (0).to_bytes(4, "big")
    )


class FrameTracker:
    """Reads HTTP/2 frame headers out of one direction of a connection; payloads are skipped, not copied."""

    def __init__(self, preface: int = 0) -> None:
        self._skip = preface
        self._header = b""

    def feed(self, data: bytes) -> list[tuple[int, int, int]]:
        """Return `(type, flags, stream_id)` of every frame whose header is complete in `data`."""
        frames = []
        position, size = 0, len(data)
        while position < size:
            if self._skip:
                step = min(self._skip, size - position)
                self._skip -= step
                position += step
                continue
            need = 9 - len(self._header)
            self._header += data[position : position + need]
            position += need
            if len(self._header) < 9:
                break
            header, self._header = self._header, b""
            length = int.from_bytes(header[0:3], "big")
            stream = int.from_bytes(header[5:9], "big") & 0x7FFFFFFF
            frames.append((header[3], header[4], stream))
            self._skip = length
        return frames

    @property
    def at_boundary(self) -> bool:
        """Whether everything fed so far ends exactly at a frame boundary."""
        return not self._skip and not self._header


@dataclass(eq=False)
class _Link:
    target: str
    writers: tuple[asyncio.StreamWriter, asyncio.StreamWriter]
    downstream: FrameTracker = field(default_factory=FrameTracker)
    open_streams: set[int] = field(default_factory=set)
    last_stream: int = 0
    retiring: bool = False
    goaway_sent: bool = False

    def client_frames(self, frames: list[tuple[int, int, int]]) -> None:
        for kind, _flags, stream in frames:
            if kind == _HEADERS and stream:
                self.open_streams.add(stream)
                self.last_stream = max(self.last_stream, stream) if not self.goaway_sent else self.last_stream
            elif kind == _RST_STREAM:
                self.open_streams.discard(stream)

    def send_goaway(self) -> None:
        """Tell the client to open a new connection for its next calls (only between two frames)."""
        if self.retiring and not self.goaway_sent and self.downstream.at_boundary:
            self.goaway_sent = True
            with contextlib.suppress(Exception):
                self.writers[0].write(goaway_frame(self.last_stream))

    def server_frames(self, frames: list[tuple[int, int, int]]) -> None:
        for kind, flags, stream in frames:
            if kind == _RST_STREAM or (kind in (_HEADERS, _DATA) and flags & _END_STREAM):
                self.open_streams.discard(stream)

    def close_if_idle(self) -> None:
        self.send_goaway()
        if self.goaway_sent and not self.open_streams:
            self.close()

    def close(self) -> None:
        for writer in self.writers:
            with contextlib.suppress(Exception):
                writer.close()


class Relay:
    """Accept connections on `address` and pipe each one to the current target (`None`: refuse politely)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.target: str | None = None
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._links: set[_Link] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, name="gpctl-dev-relay", daemon=True)

    def start(self) -> None:
        """Bind the address and start relaying in a background thread.

        Raises:
            DevError: the address cannot be bound.
        """
        host, _, port = self.address.rpartition(":")
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, host, int(port), reuse_address=True), self._loop
        )
        try:
            self._server = future.result(10)
        except OSError as exc:
            self.close()
            raise DevError(
                f"Cannot listen on `{self.address}`: {exc.strerror or exc}.",
                hint="Stop the other dev server, or pass another --address.",
            ) from None

    def set_target(self, address: str | None) -> None:
        """Send new connections to `address` from now on."""
        self.target = address

    def retire(self, address: str, timeout: float, then: Callable[[], None]) -> None:
        """Close connections to `address` as soon as each is idle (at most `timeout` s), then call `then()`."""

        async def run() -> None:
            links = [link for link in self._links if link.target == address]
            for link in links:
                link.retiring = True
                link.close_if_idle()
            deadline = self._loop.time() + timeout
            while any(link in self._links for link in links) and self._loop.time() < deadline:
                await asyncio.sleep(0.005)
            for link in links:
                link.close()
            await self._loop.run_in_executor(None, then)

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(run(), self._loop)
        else:
            then()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        target = self.target
        if target is None:
            writer.close()
            return
        host, _, port = target.rpartition(":")
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            writer.close()
            return
        link = _Link(target, (writer, up_writer))
        self._links.add(link)
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, FrameTracker(_PREFACE), link.client_frames, link),
                self._pipe(up_reader, writer, link.downstream, link.server_frames, link),
            )
        finally:
            self._links.discard(link)

    @staticmethod
    async def _pipe(
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        tracker: FrameTracker,
        observe: Callable[[list[tuple[int, int, int]]], None],
        link: _Link,
    ) -> None:
        try:
            while data := await reader.read(_CHUNK):
                writer.write(data)
                observe(tracker.feed(data))
                await writer.drain()
                link.close_if_idle()
        except (ConnectionError, OSError):
            pass
        finally:
            link.close()

    def close(self) -> None:
        """Stop accepting, drop every relayed connection, stop the thread (idempotent)."""
        if self._loop.is_closed():
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for link in list(self._links):
                link.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        if not self._loop.is_running():
            self._loop.close()

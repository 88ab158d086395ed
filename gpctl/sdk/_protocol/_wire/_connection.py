"""One client connection of the server: HTTP/2 frames in, calls dispatched, flow control both ways.

Receiving: the server advertises the largest stream window and widens the connection window up front, then
returns consumed bytes in large increments, so a client is never stalled by us. Sending: data respects the
client's connection and stream windows and the transport's buffer (`pause_writing`).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import _frames as f
from ._call import ServicerContext, StatusCode, run_call
from ._flow import MAX_WINDOW, ConnectionError_, FlowControl
from ._stream import Stream

if TYPE_CHECKING:
    from ._server import Server

__all__ = ["Connection"]

logger = logging.getLogger("gpctl.sdk")

_REPLENISH = 4 * 1024 * 1024
# Request metadata up to 16 MiB decoded (as grpc-go's server); beyond that the whole connection fails, as the
# HPACK decoder's table is then out of step. The limit is announced; grpc-go's client refuses such calls itself.
_MAX_HEADERS = 16 * 1024 * 1024
_OUR_SETTINGS = f.settings(
    {f.ENABLE_PUSH: 0, f.INITIAL_WINDOW_SIZE: MAX_WINDOW, f.MAX_HEADER_LIST_SIZE: _MAX_HEADERS}
)
_GREETING = _OUR_SETTINGS + f.window_update(0, MAX_WINDOW - 65535)
_RESERVED = frozenset((b"content-type", b"te", b"grpc-timeout", b"grpc-encoding", b"grpc-accept-encoding"))


class Connection(FlowControl, asyncio.Protocol):
    def __init__(self, server: Server) -> None:
        from hpack import Decoder

        super().__init__(asyncio.get_running_loop())
        self.server = server
        self.decoder = Decoder(_MAX_HEADERS)
        self.buffer = bytearray()
        self.preface_seen = False
        self.consumed = 0
        self.last_stream_id = 0
        self.going_away = False
        self._partial: tuple[int, int, bytearray] | None = None
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.idle = asyncio.Event()
        self.idle.set()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        if not isinstance(peer, tuple):
            self.peer = f"unix:{peer or ''}"
        elif ":" in peer[0]:
            self.peer = f"ipv6:[{peer[0]}]:{peer[1]}"
        else:
            self.peer = f"ipv4:{peer[0]}:{peer[1]}"
        self.server.connections.add(self)
        transport.write(_GREETING)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.write_paused = False
        for stream in list(self.streams.values()):
            stream.reset()
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)
        self.idle.set()

    def write(self, data: bytes) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.write(data)

    def stream_closed(self) -> None:
        if not self.streams:
            self.idle.set()

    def goaway(self) -> None:
        """Tell the client to open no new streams here; calls in flight finish."""
        if not self.going_away:
            self.going_away = True
            self.write(f.goaway(self.last_stream_id))

    def close(self) -> None:
        for stream in list(self.streams.values()):
            stream.reset()
        if self.transport is not None:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        try:
            if not self.preface_seen:
                if not f.PREFACE.startswith(bytes(buffer[:24])):
                    raise ConnectionError_(
                        f.PROTOCOL_ERROR, "The client did not start with the HTTP/2 preface."
                    )
                if len(buffer) < 24:
                    return
                del buffer[:24]
                self.preface_seen = True
            pos, size = 0, len(buffer)
            while size - pos >= 9:
                length = (buffer[pos] << 16) | (buffer[pos + 1] << 8) | buffer[pos + 2]
                if length > 16384:
                    raise ConnectionError_(f.FRAME_SIZE_ERROR, f"A frame of `{length}` bytes is too large.")
                end = pos + 9 + length
                if end > size:
                    break
                kind, flags = buffer[pos + 3], buffer[pos + 4]
                stream_id = int.from_bytes(buffer[pos + 5 : pos + 9], "big") & 0x7FFFFFFF
                payload = bytes(buffer[pos + 9 : end])
                pos = end
                if self._partial is not None and kind != f.CONTINUATION:
                    raise ConnectionError_(f.PROTOCOL_ERROR, "A header block was interrupted.")
                if kind == f.DATA:
                    self._on_data(stream_id, flags, payload, length)
                elif kind == f.HEADERS:
                    self._on_headers(stream_id, flags, payload)
                elif kind == f.CONTINUATION:
                    self._on_continuation(stream_id, flags, payload)
                elif kind == f.SETTINGS:
                    self._on_settings(flags, payload)
                elif kind == f.WINDOW_UPDATE:
                    self._on_window_update(stream_id, payload)
                elif kind == f.PING:
                    if not flags & f.ACK:
                        self.write(f.frame(f.PING, f.ACK, 0, payload))
                elif kind == f.RST_STREAM:
                    stream = self.streams.get(stream_id)
                    if stream is not None:
                        stream.reset()
            del buffer[:pos]
        except ConnectionError_ as exc:
            logger.debug("Closing a gRPC connection: %s", exc)
            self.write(f.goaway(self.last_stream_id, exc.code))
            self.close()
            return
        if self.consumed >= _REPLENISH:
            self.write(f.window_update(0, self.consumed))
            self.consumed = 0

    # Frames.

    def _on_data(self, stream_id: int, flags: int, payload: bytes, length: int) -> None:
        self.consumed += length
        if flags & f.PADDED:
            payload = _unpad(payload)
        stream = self.streams.get(stream_id)
        if stream is None or stream.remote_closed:
            return
        stream.body += payload
        stream.received += length
        body = stream.body
        if len(body) >= 5:
            announced = int.from_bytes(body[1:5], "big")
            if announced > self.server.max_receive:
                stream.fail(
                    StatusCode.RESOURCE_EXHAUSTED,
                    f"Received message larger than max ({announced} vs. {self.server.max_receive}).",
                )
                return
            if body[0]:
                stream.fail(StatusCode.INTERNAL, "Compressed messages are not supported.")
                return
        if stream.messages is not None:
            for message in stream.take_messages():
                stream.messages.put_nowait(message)
            if stream.received >= _REPLENISH and not flags & f.END_STREAM:
                self.write(f.window_update(stream_id, stream.received))
                stream.received = 0
        if flags & f.END_STREAM:
            self._end_of_request(stream)

    def _end_of_request(self, stream: Stream) -> None:
        stream.remote_closed = True
        if stream.messages is not None:
            stream.messages.put_nowait(None)
        elif stream.task is None and not stream.closed:
            body = stream.body
            if len(body) < 5 or int.from_bytes(body[1:5], "big") != len(body) - 5:
                stream.finish(StatusCode.INTERNAL, "The request does not hold exactly one message.")
                return
            self._start(stream)

    def _on_headers(self, stream_id: int, flags: int, payload: bytes) -> None:
        if flags & f.PADDED:
            payload = _unpad(payload)
        if flags & f.PRIORITY_FLAG:
            payload = payload[5:]
        if flags & f.END_HEADERS:
            self._on_header_block(stream_id, flags, payload)
        else:
            self._partial = (stream_id, flags, bytearray(payload))

    def _on_continuation(self, stream_id: int, flags: int, payload: bytes) -> None:
        if self._partial is None or self._partial[0] != stream_id:
            raise ConnectionError_(f.PROTOCOL_ERROR, "An unexpected CONTINUATION frame arrived.")
        self._partial[2].extend(payload)
        if len(self._partial[2]) > _MAX_HEADERS:
            raise ConnectionError_(f.PROTOCOL_ERROR, "A header block is larger than the server accepts.")
        if flags & f.END_HEADERS:
            _, first_flags, block = self._partial
            self._partial = None
            self._on_header_block(stream_id, first_flags, bytes(block))

    def _on_header_block(self, stream_id: int, flags: int, block: bytes) -> None:
        try:
            headers = self.decoder.decode(block, raw=True)
        except Exception as exc:
            raise ConnectionError_(f.COMPRESSION_ERROR, f"A header block did not decode: {exc}.") from None
        stream = self.streams.get(stream_id)
        if stream is not None:  # trailers of a client stream
            if flags & f.END_STREAM:
                self._end_of_request(stream)
            return
        if stream_id <= self.last_stream_id or not stream_id & 1:
            return
        self.last_stream_id = stream_id
        if self.going_away:
            self.write(f.rst_stream(stream_id, f.REFUSED_STREAM))
            return
        self._open(stream_id, flags, headers)

    def _open(self, stream_id: int, flags: int, headers: Iterable[Any]) -> None:
        path = b""
        timeout = encoding = None
        metadata: list[tuple[str, str | bytes]] = []
        for name, value in headers:
            if name[:1] == b":":
                if name == b":path":
                    path = value
            elif name in _RESERVED:
                if name == b"grpc-timeout":
                    timeout = f.parse_timeout(value.decode("ascii", "replace"))
                elif name == b"grpc-encoding":
                    encoding = value.decode("ascii", "replace")
            elif name.endswith(b"-bin"):
                metadata.append((name.decode("ascii", "replace"), _unbase64(value)))
            else:
                metadata.append((name.decode("ascii", "replace"), value.decode("utf-8", "replace")))
        stream = Stream(self, stream_id, self.stream_window)
        self.streams[stream_id] = stream
        self.idle.clear()
        if flags & f.END_STREAM:
            stream.remote_closed = True
        stream.path = path.decode("utf-8", "replace")
        method = self.server.methods.get(stream.path)
        if method is None:
            stream.finish(StatusCode.UNIMPLEMENTED, f"Method not found: {stream.path}")
            return
        if encoding not in (None, "identity"):
            stream.finish(StatusCode.UNIMPLEMENTED, f"Message encoding `{encoding}` is not supported.")
            return
        if timeout is not None:
            stream.set_deadline(timeout, self.loop)
        stream.method = method
        stream.metadata = tuple(metadata)
        if method.client_streaming:
            stream.messages = asyncio.Queue()
            self._start(stream)
        if stream.remote_closed:
            self._end_of_request(stream)

    def _start(self, stream: Stream) -> None:
        method = stream.method
        assert method is not None
        stream.task = self.loop.create_task(
            run_call(stream, method, ServicerContext(stream, method, stream.metadata))
        )


def _unpad(payload: bytes) -> bytes:
    if not payload or payload[0] >= len(payload):
        raise ConnectionError_(f.PROTOCOL_ERROR, "A frame's padding is longer than the frame.")
    return payload[1 : len(payload) - payload[0]]


def _unbase64(value: bytes) -> bytes:
    try:
        return base64.b64decode(value + b"=" * (-len(value) % 4))
    except ValueError:
        return value

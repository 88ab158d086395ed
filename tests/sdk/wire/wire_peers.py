"""Peers for the wire server's tests: a running server on loopback and a raw HTTP/2 client speaking bytes.

The raw client exists for the cases a client library would not produce (bad preface, CONTINUATION, padding,
odd WINDOW_UPDATEs); everything else goes through grpcio's own client.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, NamedTuple

from hpack import Decoder, Encoder

from gpctl.sdk._protocol._wire import Method, Server

DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = (
    range(10)
)
END_STREAM = ACK = 0x1
END_HEADERS = 0x4
PADDED = 0x8
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
MiB = 1024 * 1024


@asynccontextmanager
async def serving(
    methods: dict[str, Method], *, max_receive: int = 16 * MiB, address: str = "127.0.0.1:0"
) -> AsyncIterator[tuple[Server, str]]:
    """A started server with `methods`; stopped (without grace) on exit."""
    server = Server(max_receive=max_receive)
    for path, method in methods.items():
        server.add_method(path, method)
    bound = await server.start(address)
    try:
        yield server, bound
    finally:
        await server.stop(None)


def run(main: Callable[[], Awaitable[None]], timeout: float = 10.0) -> None:
    """Run one test's coroutine on a fresh event loop, bounded by `timeout` seconds."""

    async def bounded() -> None:
        await asyncio.wait_for(main(), timeout)

    asyncio.run(bounded())


async def echo(request: bytes, context: Any) -> bytes:
    return request


def grpc_message(payload: bytes) -> bytes:
    """One length-prefixed, uncompressed gRPC message."""
    return b"\x00" + len(payload).to_bytes(4, "big") + payload


class Frame(NamedTuple):
    kind: int
    flags: int
    stream_id: int
    payload: bytes


def code(value: int) -> bytes:
    """A 32-bit big-endian field (error codes, stream ids, window increments)."""
    return value.to_bytes(4, "big")


def frame(kind: int, flags: int, stream_id: int, payload: bytes = b"") -> bytes:
    return len(payload).to_bytes(3, "big") + bytes((kind, flags)) + stream_id.to_bytes(4, "big") + payload


def settings(**values: int) -> bytes:
    ids = {"initial_window_size": 4, "max_frame_size": 5}
    return frame(SETTINGS, 0, 0, b"".join(struct.pack(">HI", ids[k], v) for k, v in values.items()))


def window_update(stream_id: int, increment: int) -> bytes:
    return frame(WINDOW_UPDATE, 0, stream_id, increment.to_bytes(4, "big"))


class RawClient:
    """An HTTP/2 client on a plain socket: send frames as bytes, read frames back, decode header blocks."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.encoder = Encoder()
        self.decoder = Decoder()

    @classmethod
    async def connect(cls, address: str, *, handshake: bool = True, **our_settings: int) -> RawClient:
        if address.startswith("unix:"):
            reader, writer = await asyncio.open_unix_connection(address[len("unix:") :])
        else:
            host, _, port = address.rpartition(":")
            reader, writer = await asyncio.open_connection(host, int(port))
        client = cls(reader, writer)
        if handshake:
            client.send(PREFACE + settings(**our_settings))
        return client

    def send(self, data: bytes) -> None:
        self.writer.write(data)

    def close(self) -> None:
        self.writer.close()

    def header_block(self, path: str, **metadata: str) -> bytes:
        headers = [
            (":method", "POST"),
            (":scheme", "http"),
            (":path", path),
            (":authority", "localhost"),
            ("content-type", "application/grpc"),
            ("te", "trailers"),
            *((key.replace("_", "-"), value) for key, value in metadata.items()),
        ]
        block: bytes = self.encoder.encode(headers)
        return block

    def request(self, stream_id: int, path: str, body: bytes, **metadata: str) -> None:
        """A whole unary request: HEADERS, then one DATA frame with END_STREAM."""
        self.send(frame(HEADERS, END_HEADERS, stream_id, self.header_block(path, **metadata)))
        self.send(frame(DATA, END_STREAM, stream_id, grpc_message(body)))

    async def read_frame(self) -> Frame:
        head = await self.reader.readexactly(9)
        length = int.from_bytes(head[:3], "big")
        payload = await self.reader.readexactly(length)
        return Frame(head[3], head[4], int.from_bytes(head[5:9], "big") & 0x7FFFFFFF, payload)

    async def next_frame(self, *kinds: int, skip: tuple[int, ...] = (SETTINGS, WINDOW_UPDATE, PING)) -> Frame:
        """The next frame of one of `kinds`, skipping the housekeeping frames listed in `skip`."""
        while True:
            got = await self.read_frame()
            if got.kind in kinds:
                return got
            assert got.kind in skip, f"unexpected frame {got}"

    def decode(self, block: bytes) -> dict[str, str]:
        return {name: value for name, value in self.decoder.decode(block)}

    async def response(self, stream_id: int) -> tuple[dict[str, str], bytes, dict[str, str]]:
        """Headers, body and trailers of one stream's response (frames of other streams are skipped)."""
        headers: dict[str, str] = {}
        body = bytearray()
        while True:
            got = await self.next_frame(HEADERS, DATA, RST_STREAM, skip=(SETTINGS, WINDOW_UPDATE, PING))
            if got.kind == HEADERS:
                decoded = self.decode(got.payload)
                if got.stream_id != stream_id:
                    continue
                if got.flags & END_STREAM:
                    return headers, bytes(body), decoded
                headers = decoded
            elif got.kind == DATA and got.stream_id == stream_id:
                body += got.payload
            elif got.kind == RST_STREAM and got.stream_id == stream_id:
                raise AssertionError(f"stream {stream_id} reset with {got.payload.hex()}")

    async def frames_until_eof(self) -> list[Frame]:
        """Every frame the server sends until it closes the connection."""
        frames: list[Frame] = []
        while True:
            try:
                frames.append(await self.read_frame())
            except (asyncio.IncompleteReadError, ConnectionResetError):
                return frames

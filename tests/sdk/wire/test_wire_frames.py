"""The wire server against a raw HTTP/2 client: the frames a client library would not send on its own."""

from __future__ import annotations

import asyncio
from typing import Any

from wire_peers import (
    CONTINUATION,
    DATA,
    END_HEADERS,
    END_STREAM,
    GOAWAY,
    HEADERS,
    PADDED,
    PING,
    PREFACE,
    SETTINGS,
    WINDOW_UPDATE,
    MiB,
    RawClient,
    code,
    echo,
    frame,
    grpc_message,
    run,
    serving,
    settings,
)

from gpctl.sdk._protocol._wire import Method, StatusCode

ECHO = "/test.Wire/Echo"
PRIORITY_FLAG = 0x20


def test_the_server_greets_with_settings_and_a_wide_connection_window() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            raw = await RawClient.connect(address)
            first = await raw.read_frame()
            assert (first.kind, first.flags, first.stream_id) == (SETTINGS, 0, 0)
            assert first.payload == raw_settings_payload()
            second = await raw.read_frame()
            assert (second.kind, second.stream_id, second.payload) == (
                WINDOW_UPDATE,
                0,
                code(2**31 - 1 - 65535),
            )
            raw.close()

    run(main)


def test_settings_get_an_ack_and_ping_gets_its_payload_back() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            raw = await RawClient.connect(address)
            assert await raw.next_frame(SETTINGS) == (SETTINGS, 0, 0, raw_settings_payload())
            ack = await raw.next_frame(SETTINGS)
            assert (ack.flags, ack.payload) == (1, b"")
            raw.send(frame(PING, 1, 0, b"ignored!") + frame(PING, 0, 0, b"\x00\x01\x02\x03\x04\x05\x06\x07"))
            pong = await raw.next_frame(PING)
            assert pong == (PING, 1, 0, b"\x00\x01\x02\x03\x04\x05\x06\x07")
            raw.close()

    run(main)


def raw_settings_payload() -> bytes:
    """ENABLE_PUSH 0, INITIAL_WINDOW_SIZE 2**31 - 1, MAX_HEADER_LIST_SIZE 16 MiB."""
    return b"\x00\x02" + code(0) + b"\x00\x04" + code(2**31 - 1) + b"\x00\x06" + code(16 * MiB)


def test_a_bad_preface_gets_a_goaway_and_the_connection_closes() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            for opening in (
                b"GET / HTTP/1.1\r\nHost: plugin\r\n\r\n",
                b"GET / HTTP/1.1\r\n",
                b"\x16\x03\x01",
            ):
                raw = await RawClient.connect(address, handshake=False)
                raw.send(opening)
                frames = await raw.frames_until_eof()
                assert [x.kind for x in frames] == [SETTINGS, WINDOW_UPDATE, GOAWAY]
                assert frames[-1].payload == code(0) + code(1)

    run(main)


def test_a_unary_call_on_raw_frames_has_headers_message_and_ok_trailers() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            raw = await RawClient.connect(address)
            raw.request(1, ECHO, b"raw bytes")
            headers, body, trailers = await raw.response(1)
            assert headers == {":status": "200", "content-type": "application/grpc"}
            assert body == grpc_message(b"raw bytes")
            assert trailers == {"grpc-status": "0"}
            raw.close()

    run(main)


def test_error_details_are_percent_encoded_in_a_trailers_only_response() -> None:
    async def handler(request: bytes, context: Any) -> bytes:
        await context.abort(StatusCode.NOT_FOUND, "näme `x` 100%")

    async def main() -> None:
        async with serving({ECHO: Method(handler)}) as (_, address):
            raw = await RawClient.connect(address)
            raw.request(1, ECHO, b"")
            assert await raw.response(1) == (
                {},
                b"",
                {
                    ":status": "200",
                    "content-type": "application/grpc",
                    "grpc-status": "5",
                    "grpc-message": "n%C3%A4me `x` 100%25",
                },
            )
            raw.close()

    run(main)


def test_a_header_block_split_across_headers_and_continuation_frames() -> None:
    async def handler(request: bytes, context: Any) -> bytes:
        return dict(context.invocation_metadata())["x-long"].encode()

    async def main() -> None:
        async with serving({ECHO: Method(handler)}) as (_, address):
            raw = await RawClient.connect(address)
            block = raw.header_block(ECHO, x_long="v" * 3000)
            raw.send(
                frame(HEADERS, 0, 1, block[:10])
                + frame(CONTINUATION, 0, 1, block[10:1000])
                + frame(CONTINUATION, END_HEADERS, 1, block[1000:])
                + frame(DATA, END_STREAM, 1, grpc_message(b""))
            )
            assert (await raw.response(1))[1] == grpc_message(b"v" * 3000)
            raw.close()

    run(main)


def test_an_interrupted_header_block_is_a_connection_error() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            raw = await RawClient.connect(address)
            block = raw.header_block(ECHO)
            raw.send(frame(HEADERS, 0, 1, block[:5]) + frame(PING, 0, 0, bytes(8)))
            frames = await raw.frames_until_eof()
            assert frames[-1] == (GOAWAY, 0, 0, code(0) + code(1))

    run(main)


def test_padded_headers_with_priority_and_padded_data() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            raw = await RawClient.connect(address)
            block = raw.header_block(ECHO)
            priority = code(0) + b"\x10"
            message = grpc_message(b"padded")
            raw.send(
                frame(HEADERS, END_HEADERS | PADDED | PRIORITY_FLAG, 1, b"\x07" + priority + block + bytes(7))
                + frame(DATA, PADDED, 1, b"\x03" + message[:4] + b"\xff\xff\xff")
                + frame(DATA, PADDED | END_STREAM, 1, b"\x00" + message[4:])
            )
            assert (await raw.response(1))[1] == grpc_message(b"padded")
            raw.close()

    run(main)


def test_a_server_deadline_ends_the_call_with_deadline_exceeded() -> None:
    cancelled = asyncio.Event()

    async def slow(request: bytes, context: Any) -> bytes:
        try:
            await asyncio.sleep(30)
        finally:
            cancelled.set()
        return b""

    async def main() -> None:
        async with serving({ECHO: Method(slow)}) as (_, address):
            raw = await RawClient.connect(address)
            raw.request(1, ECHO, b"", grpc_timeout="50m")
            trailers = (await raw.response(1))[2]
            assert (trailers["grpc-status"], trailers["grpc-message"]) == ("4", "Deadline exceeded.")
            await asyncio.wait_for(cancelled.wait(), 2)
            raw.close()

    run(main)


def test_a_preface_arriving_in_pieces_is_accepted() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            raw = await RawClient.connect(address, handshake=False)
            for i in range(0, len(PREFACE), 5):
                raw.send(PREFACE[i : i + 5])
                await raw.writer.drain()
                await asyncio.sleep(0.001)
            raw.send(settings())
            raw.request(1, ECHO, b"slow start")
            assert (await raw.response(1))[1] == grpc_message(b"slow start")
            raw.close()

    run(main)


def test_padding_longer_than_its_frame_is_a_connection_error() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            for bad in (frame(DATA, PADDED, 1, b"\x05abc"), frame(HEADERS, PADDED | END_HEADERS, 1, b"")):
                raw = await RawClient.connect(address)
                raw.send(frame(HEADERS, END_HEADERS, 1, raw.header_block(ECHO)) + bad)
                frames = await raw.frames_until_eof()
                assert frames[-1] == (GOAWAY, 0, 0, code(1) + code(1))

    run(main)


def test_a_header_block_over_the_limit_is_a_connection_error() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            raw = await RawClient.connect(address)
            raw.send(frame(HEADERS, 0, 1, raw.header_block(ECHO)))
            chunk = frame(CONTINUATION, 0, 1, bytes(16384))
            for _ in range(16 * 64 + 1):
                raw.send(chunk)
            frames = await raw.frames_until_eof()
            assert frames[-1] == (GOAWAY, 0, 0, code(0) + code(1))

    run(main)


def test_malformed_requests_end_only_their_call() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            raw = await RawClient.connect(address)
            raw.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, raw.header_block(ECHO)))
            raw.send(frame(HEADERS, END_HEADERS, 3, raw.header_block(ECHO)))
            raw.send(frame(DATA, END_STREAM, 3, grpc_message(b"one") + grpc_message(b"two")))
            raw.send(frame(HEADERS, END_HEADERS, 5, raw.header_block(ECHO)))
            raw.send(frame(DATA, END_STREAM, 5, b"\x01" + grpc_message(b"zipped")[1:]))
            raw.send(frame(HEADERS, END_HEADERS, 7, raw.header_block(ECHO, grpc_encoding="gzip")))
            statuses = {}
            for stream_id in (1, 3, 5, 7):
                trailers = (await raw.response(stream_id))[2]
                statuses[stream_id] = (trailers["grpc-status"], trailers["grpc-message"])
            assert statuses == {
                1: ("13", "The request does not hold exactly one message."),
                3: ("13", "The request does not hold exactly one message."),
                5: ("13", "Compressed messages are not supported."),
                7: ("12", "Message encoding `gzip` is not supported."),
            }
            raw.request(9, ECHO, b"fine")
            assert (await raw.response(9))[1] == grpc_message(b"fine")
            raw.close()

    run(main)

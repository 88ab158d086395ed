"""Flow control of the wire server against a raw HTTP/2 client: windows, settings, closed streams, transports."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from wire_peers import (
    DATA,
    END_HEADERS,
    GOAWAY,
    HEADERS,
    PING,
    RST_STREAM,
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
    window_update,
)

from gpctl.sdk._protocol._wire import Method

ECHO = "/test.Wire/Echo"
STREAM = "/test.Wire/Stream"


async def thousand_byte_messages(request: bytes, context: Any) -> AsyncIterator[bytes]:
    for i in range(int(request)):
        yield bytes((i,)) * 995


async def data_bytes_until_quiet(raw: RawClient, stream_id: int) -> int:
    """DATA bytes of `stream_id` the server sends before it waits for us (a PING round trip marks quiet)."""
    return (await data_until_quiet(raw)).get(stream_id, 0)


async def data_until_quiet(raw: RawClient) -> dict[int, int]:
    """DATA bytes per stream the server sends before it waits for us.

    A PING round trip ends each round; two rounds in a row without DATA mean the server is waiting.
    """
    totals: dict[int, int] = {}
    quiet_rounds = 0
    while quiet_rounds < 2:
        await asyncio.sleep(0.02)
        raw.send(frame(PING, 0, 0, b"barrier!"))
        quiet_rounds += 1
        while True:
            got = await raw.read_frame()
            if got.kind == DATA:
                totals[got.stream_id] = totals.get(got.stream_id, 0) + len(got.payload)
                quiet_rounds = 0
            elif got.kind == PING and got.payload == b"barrier!":
                break
    return totals


def test_a_new_initial_window_size_applies_to_open_streams() -> None:
    async def main() -> None:
        async with serving({STREAM: Method(thousand_byte_messages, server_streaming=True)}) as (_, address):
            raw = await RawClient.connect(address, initial_window_size=100)
            raw.request(1, STREAM, b"3")
            assert await data_bytes_until_quiet(raw, 1) == 100
            raw.send(settings(initial_window_size=1100))
            assert await data_bytes_until_quiet(raw, 1) == 1000
            raw.send(settings(initial_window_size=600))
            raw.send(window_update(1, 1000))
            # The stream's window was 0, went to -500 with the smaller setting, then +1000.
            assert await data_bytes_until_quiet(raw, 1) == 500
            raw.send(window_update(1, 10_000))
            _, rest, trailers = await raw.response(1)
            assert (len(rest), trailers) == (3000 - 100 - 1000 - 500, {"grpc-status": "0"})
            raw.close()

    run(main)


def test_the_connection_window_limits_all_streams_together() -> None:
    async def main() -> None:
        async with serving({STREAM: Method(thousand_byte_messages, server_streaming=True)}) as (_, address):
            raw = await RawClient.connect(address, initial_window_size=1_000_000)
            raw.request(1, STREAM, b"70")
            raw.request(3, STREAM, b"70")
            first = await data_until_quiet(raw)
            assert sum(first.values()) == 65535
            raw.send(window_update(0, 200_000))
            rest = await data_until_quiet(raw)
            assert {key: first.get(key, 0) + rest.get(key, 0) for key in (1, 3)} == {1: 70_000, 3: 70_000}
            raw.close()

    run(main)


def test_window_update_of_zero_or_overflow_on_a_stream_resets_only_that_stream() -> None:
    async def main() -> None:
        async with serving(
            {STREAM: Method(thousand_byte_messages, server_streaming=True), ECHO: Method(echo)}
        ) as (_, address):
            raw = await RawClient.connect(address, initial_window_size=10)
            raw.request(1, STREAM, b"5")
            raw.request(3, STREAM, b"100")
            # Stream 3 waits for the connection window after the first update, so the second one overflows.
            raw.send(window_update(1, 0) + window_update(3, 2**31 - 1) + window_update(3, 2**31 - 1))
            resets = {}
            while len(resets) < 2:
                got = await raw.next_frame(RST_STREAM, skip=(SETTINGS, WINDOW_UPDATE, PING, DATA, HEADERS))
                resets[got.stream_id] = got.payload
            assert resets == {1: code(1), 3: code(3)}
            raw.request(5, ECHO, b"still serving")
            raw.send(window_update(0, 1_000_000) + window_update(5, 1000))
            assert (await raw.response(5))[1] == grpc_message(b"still serving")
            raw.close()

    run(main)


def test_window_update_of_zero_or_overflow_on_the_connection_is_a_goaway() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            for update, error in ((window_update(0, 0), 1), (window_update(0, 2**31 - 1), 3)):
                raw = await RawClient.connect(address)
                raw.send(update)
                frames = await raw.frames_until_eof()
                assert frames[-1] == (GOAWAY, 0, 0, code(0) + code(error))

    run(main)


def test_invalid_settings_are_connection_errors() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            for values, error in (({"initial_window_size": 2**31}, 3), ({"max_frame_size": 100}, 1)):
                raw = await RawClient.connect(address)
                raw.send(settings(**values))
                frames = await raw.frames_until_eof()
                assert frames[-1] == (GOAWAY, 0, 0, code(0) + code(error))

    run(main)


def test_data_for_closed_streams_still_counts_against_the_connection_window() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}, max_receive=MiB) as (_, address):
            raw = await RawClient.connect(address)
            raw.send(frame(HEADERS, END_HEADERS, 1, raw.header_block("/test.Wire/Missing")))
            trailers = (await raw.response(1))[2]
            assert trailers["grpc-status"] == "12"
            chunk = bytes(16384)
            for _ in range(4 * 64 + 1):
                raw.send(frame(DATA, 0, 1, chunk))
            while True:
                got = await raw.read_frame()
                if got.kind == WINDOW_UPDATE and got.stream_id == 0:
                    assert int.from_bytes(got.payload, "big") >= 4 * MiB
                    break
            raw.request(3, ECHO, b"after")
            assert (await raw.response(3))[1] == grpc_message(b"after")
            raw.close()

    run(main)


def test_a_closed_transport_ends_a_streaming_handler_without_errors(caplog: Any) -> None:
    ended = asyncio.Event()
    outcome: list[str] = []

    async def writer(request: bytes, context: Any) -> None:
        try:
            while True:
                await context.write(b"tick")
                await asyncio.sleep(0.005)
        except asyncio.CancelledError:
            outcome.append(f"cancelled={context.cancelled()}")
            raise
        finally:
            ended.set()

    async def main() -> None:
        async with serving({STREAM: Method(writer, server_streaming=True)}) as (server, address):
            raw = await RawClient.connect(address)
            raw.request(1, STREAM, b"")
            await raw.next_frame(DATA, skip=(SETTINGS, WINDOW_UPDATE, HEADERS))
            (conn,) = server.connections
            raw.writer.transport.abort()
            await asyncio.wait_for(ended.wait(), 2)
            assert server.connections == set()
            conn.write(b"late bytes")
            conn.goaway()
            conn.close()

    run(main)
    assert outcome == ["cancelled=True"]
    assert [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")] == []

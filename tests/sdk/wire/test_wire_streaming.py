"""Streaming calls, cancellation and deadlines through the wire server, driven by grpcio's client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from wire_peers import MiB, echo, run, serving

from gpctl.sdk._protocol._wire import Method, StatusCode

PATH = "/test.Wire/Call"
ECHO = "/test.Wire/Echo"


async def countdown(request: bytes, context: Any) -> AsyncIterator[bytes]:
    for i in range(int(request)):
        yield b"message %d" % i


async def countdown_by_write(request: bytes, context: Any) -> None:
    for i in range(int(request)):
        await context.write(b"message %d" % i)


@pytest.mark.parametrize("handler", [countdown, countdown_by_write], ids=["generator", "write"])
def test_server_streaming_delivers_every_message_in_order(handler: Any) -> None:
    async def main() -> None:
        async with (
            serving({PATH: Method(handler, server_streaming=True)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            got = [m async for m in channel.unary_stream(PATH)(b"5000")]
            assert got == [b"message %d" % i for i in range(5000)]
            assert [m async for m in channel.unary_stream(PATH)(b"0")] == []

    run(main)


def test_server_streaming_large_messages_respect_the_client_windows() -> None:
    chunk = bytes(range(256)) * 4096

    async def handler(request: bytes, context: Any) -> AsyncIterator[bytes]:
        for i in range(12):
            yield bytes((i,)) + chunk

    async def main() -> None:
        async with (
            serving({PATH: Method(handler, server_streaming=True)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            got = [m async for m in channel.unary_stream(PATH)(b"")]
            assert got == [bytes((i,)) + chunk for i in range(12)]

    run(main)


@pytest.mark.parametrize("form", ["generator", "write"])
def test_a_client_cancelling_a_server_stream_cancels_its_handler(form: str) -> None:
    ended = asyncio.Event()
    events: list[str] = []

    async def generator(request: bytes, context: Any) -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"x" * 1000
        finally:
            events.append("finally")
            ended.set()

    async def writer(request: bytes, context: Any) -> None:
        try:
            while True:
                await context.write(b"x" * 1000)
        finally:
            events.append("finally")
            ended.set()

    async def main() -> None:
        handler = generator if form == "generator" else writer
        methods = {PATH: Method(handler, server_streaming=True), ECHO: Method(echo)}
        async with serving(methods) as (_, address), grpc.aio.insecure_channel(address) as channel:
            call = channel.unary_stream(PATH)(b"")
            for _ in range(20):
                assert await call.read() == b"x" * 1000
            call.cancel()
            await asyncio.wait_for(ended.wait(), 5)
            assert await channel.unary_unary(ECHO)(b"next") == b"next"

    run(main)
    assert events == ["finally"]


def test_client_streaming_receives_messages_in_order_until_end_of_stream() -> None:
    async def handler(requests: AsyncIterator[bytes], context: Any) -> bytes:
        return b",".join([m async for m in requests])

    async def main() -> None:
        async with (
            serving({PATH: Method(handler, client_streaming=True)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            parts = [b"part %d" % i for i in range(300)] + [b"", bytes(100_000)]

            async def requests() -> AsyncIterator[bytes]:
                for part in parts:
                    yield part

            assert await channel.stream_unary(PATH)(requests()) == b",".join(parts)
            assert await channel.stream_unary(PATH)(iter(())) == b""

    run(main)


def test_bidi_streaming_answers_each_message_as_it_arrives() -> None:
    async def handler(requests: AsyncIterator[bytes], context: Any) -> AsyncIterator[bytes]:
        async for message in requests:
            yield message.upper()

    async def main() -> None:
        async with (
            serving({PATH: Method(handler, client_streaming=True, server_streaming=True)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            call = channel.stream_stream(PATH)()
            for i in range(50):
                await call.write(b"ping %d" % i)
                assert await call.read() == b"PING %d" % i
            await call.done_writing()
            assert await call.read() == grpc.aio.EOF
            assert await call.code() == grpc.StatusCode.OK

    run(main)


def test_a_client_stream_message_over_max_receive_ends_the_call_and_its_handler() -> None:
    ended = asyncio.Event()

    async def handler(requests: AsyncIterator[bytes], context: Any) -> bytes:
        try:
            return b"".join([m async for m in requests])
        finally:
            ended.set()

    async def main() -> None:
        methods = {PATH: Method(handler, client_streaming=True), ECHO: Method(echo)}
        async with (
            serving(methods, max_receive=MiB) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await channel.stream_unary(PATH)(iter([b"small", bytes(2 * MiB)]))
            assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert raised.value.details() == "Received message larger than max (2097152 vs. 1048576)."
            await asyncio.wait_for(ended.wait(), 5)
            assert await channel.unary_unary(ECHO)(b"next") == b"next"

    run(main)


def test_a_client_deadline_cancels_the_slow_handler() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()
    remaining: list[float | None] = []

    async def slow(request: bytes, context: Any) -> bytes:
        remaining.append(context.time_remaining())
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return b"too late"

    async def main() -> None:
        async with (
            serving({PATH: Method(slow), ECHO: Method(echo)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await channel.unary_unary(PATH)(b"", timeout=1.0)
            assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            await asyncio.wait_for(cancelled.wait(), 5)
            assert await channel.unary_unary(ECHO)(b"next") == b"next"

    run(main)
    # grpcio rounds the timeout it sends up (to two significant digits), hence the slack above 1 s.
    assert remaining[0] is not None and 0.0 < remaining[0] <= 1.1, remaining


def test_a_handler_without_deadline_has_no_time_remaining() -> None:
    async def handler(request: bytes, context: Any) -> bytes:
        return repr(context.time_remaining()).encode() + b" " + str(context.cancelled()).encode()

    async def main() -> None:
        async with (
            serving({PATH: Method(handler)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            assert await channel.unary_unary(PATH)(b"") == b"None False"

    run(main)


def test_abort_in_a_server_stream_after_messages_ends_with_that_status() -> None:
    async def handler(request: bytes, context: Any) -> AsyncIterator[bytes]:
        yield b"first"
        await context.abort(StatusCode.FAILED_PRECONDITION, "The stream `s` ended.")

    async def main() -> None:
        async with (
            serving({PATH: Method(handler, server_streaming=True)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            call = channel.unary_stream(PATH)(b"")
            assert await call.read() == b"first"
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await call.read()
            assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
            assert raised.value.details() == "The stream `s` ended."

    run(main)


def test_a_handler_that_never_reads_its_request_stream_does_not_stall_the_connection() -> None:
    release = asyncio.Event()

    async def ignoring(requests: AsyncIterator[bytes], context: Any) -> bytes:
        await release.wait()
        return b"ignored"

    async def main() -> None:
        methods = {PATH: Method(ignoring, client_streaming=True), ECHO: Method(echo)}
        async with serving(methods) as (_, address), grpc.aio.insecure_channel(address) as channel:
            sent = asyncio.Event()

            async def requests() -> AsyncIterator[bytes]:
                for _ in range(24):
                    yield bytes(512 * 1024)
                sent.set()

            call = channel.stream_unary(PATH)(requests())
            await asyncio.wait_for(sent.wait(), 5)
            assert await channel.unary_unary(ECHO)(b"meanwhile") == b"meanwhile"
            release.set()
            assert await call == b"ignored"
            assert await channel.unary_unary(ECHO)(b"after") == b"after"

    run(main)
